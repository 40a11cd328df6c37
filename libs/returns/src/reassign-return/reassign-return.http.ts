import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope, ID_PATTERNS } from '../../../kernel/src/index.js';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';

import { ReasonDto } from '../return/reason.dto.js';
import { ReassignReturnCommand } from './reassign-return.command.js';

export class ReassignReturnDto extends ReasonDto {
  @ApiProperty({
    description: 'The agency (of the same partnership) that will own the return from now on',
    example: 'kent-cc',
  })
  @IsString()
  @Matches(ID_PATTERNS.slug, { message: 'toAgencyId must be an agency id, such as kent-cc' })
  toAgencyId: string;
}

@ApiTags('returns')
@Controller('returns/:returnId')
export class ReassignReturnHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('reassign')
  @Roles(['coordinator'], 'Only a coordinator can reassign a return')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reassign a return to another agency (coordinator)',
    description:
      'Only while requested or in draft. 422 when the agency is not one of the partnership, or already owns it.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async reassign(
    @Param('returnId') returnId: string,
    @Body() body: ReassignReturnDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    const command = new ReassignReturnCommand(envelope, returnId, body.toAgencyId, body.reason);
    return withETag(res, await this.commands.execute(command));
  }
}
