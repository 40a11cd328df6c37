import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';

import { ExtendDeadlineCommand } from './extend-deadline.command.js';
import { ExtendDeadlineDto } from './extend-deadline.dto.js';

@ApiTags('returns')
@Controller('returns/:returnId')
export class ExtendDeadlineHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('extend')
  @Roles(['coordinator'], 'Only a coordinator can extend a deadline')
  @HttpCode(200)
  @ApiOperation({
    summary: "Extend one return's deadline (coordinator)",
    description: 'Only while the return is requested, in draft or submitted. The original due date is kept.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async extend(
    @Param('returnId') returnId: string,
    @Body() body: ExtendDeadlineDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    const command = new ExtendDeadlineCommand(envelope, returnId, body.dueDate, body.reason);
    return withETag(res, await this.commands.execute(command));
  }
}
