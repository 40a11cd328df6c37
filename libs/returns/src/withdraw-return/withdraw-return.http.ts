import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, CorrelationId, CurrentActor } from '../../../http/src/index.js';
import { CommandResultDto, envelopeFrom, withETag } from '../command-http.js';
import { Actor } from '../domain-error.js';
import { ReasonDto } from '../return/reason.dto.js';
import { WithdrawReturnCommand } from './withdraw-return.command.js';

@ApiTags('returns')
@Controller('returns/:returnId')
export class WithdrawReturnHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('withdraw')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw a return from its cycle (coordinator)',
    description: 'It is no longer asked for or chased, and closing the cycle does not wait for it.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async withdraw(
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
      await this.commands.execute(new WithdrawReturnCommand(envelope, returnId, body.reason)),
    );
  }
}
