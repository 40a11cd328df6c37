import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, Optional, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';

import { CloseCycleCommand } from './close-cycle.command.js';

export class CloseCycleDto {
  @ApiPropertyOptional({
    description:
      'Close even though some returns are neither approved nor withdrawn (a reason is then required)',
    default: false,
  })
  @Optional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Why the cycle closes with returns unresolved', maxLength: 2000 })
  @Optional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

@ApiTags('cycles')
@Controller('cycles')
export class CloseCycleHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':cycleId/close')
  @Roles(['coordinator'], 'Only a coordinator can draft, open, close or publish a cycle')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close a cycle (coordinator)',
    description:
      'Refused with 409 (returns-unresolved) while any return is neither approved nor withdrawn, unless ' +
      '`force` is true and a reason is given; the unresolved returns are recorded in the CycleClosed event.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async close(
    @Param('cycleId') cycleId: string,
    @Body() body: CloseCycleDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    const command = new CloseCycleCommand(envelope, cycleId, body.force, body.reason);
    return withETag(res, await this.commands.execute(command));
  }
}
