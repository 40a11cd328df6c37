import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';

import { ReasonDto } from '../return/reason.dto.js';
import { ReopenReturnCommand } from './reopen-return.command.js';

@ApiTags('returns')
@Controller('returns/:returnId')
export class ReopenReturnHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('reopen')
  @Roles(['coordinator'], 'Only a coordinator can reopen an approved return')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reopen an approved return for amendment (coordinator)',
    description:
      'The return goes back to draft with its approved content as the working copy. The approved version ' +
      'stays the one the report shows until the amendment is approved. 409 unless the return is approved.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async reopen(
    @Param('returnId') returnId: string,
    @Body() body: ReasonDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return withETag(
      res,
      await this.commands.execute(new ReopenReturnCommand(envelope, returnId, body.reason)),
    );
  }
}
