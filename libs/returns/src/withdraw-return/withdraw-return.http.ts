import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';

import { ReasonDto } from '../return/reason.dto.js';
import { WithdrawReturnCommand } from './withdraw-return.command.js';

@ApiTags('returns')
@Controller('returns/:returnId')
export class WithdrawReturnHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('withdraw')
  @Roles(['coordinator'], 'Only a coordinator can withdraw a return')
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
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return withETag(
      res,
      await this.commands.execute(new WithdrawReturnCommand(envelope, returnId, body.reason)),
    );
  }
}
