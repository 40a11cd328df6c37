import { Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';
import { AcceptReturnCommand } from './accept-return.command.js';

export const SECOND_STAGE_REFUSAL =
  'Only coordinators and board members accept returns or return them to review';

@ApiTags('returns')
@Controller('returns/:returnId')
export class AcceptReturnHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('accept')
  @Roles(['coordinator', 'board'], SECOND_STAGE_REFUSAL)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an approved return for the report (two-stage cycles; coordinator or board member)',
    description:
      'The second stage of sign-off: the version the reviewer approved becomes the one the report shows. ' +
      'Nobody who edited, submitted or approved that version may accept it (403 accepter-not-independent). ' +
      '409 one-stage-sign-off in a one-stage cycle, 409 unless the return is approved.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async accept(
    @Param('returnId') returnId: string,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return withETag(res, await this.commands.execute(new AcceptReturnCommand(envelope, returnId)));
  }
}
