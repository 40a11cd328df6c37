import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, CorrelationId, CurrentActor } from '../../../http/src/index.js';
import { CommandResultDto, envelopeFrom, withETag } from '../command-http.js';
import { Actor } from '../domain-error.js';
import { ReasonDto } from '../return/reason.dto.js';
import { ReopenReturnCommand } from './reopen-return.command.js';

@ApiTags('returns')
@Controller('returns/:returnId')
export class ReopenReturnHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('reopen')
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
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    const envelope = envelopeFrom(actor, correlationId, ifMatch);
    return withETag(
      res,
      await this.commands.execute(new ReopenReturnCommand(envelope, returnId, body.reason)),
    );
  }
}
