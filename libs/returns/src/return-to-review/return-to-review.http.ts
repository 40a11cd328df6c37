import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { SECOND_STAGE_REFUSAL } from '../accept-return/accept-return.http.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';
import { ReasonDto } from '../return/reason.dto.js';
import { ReturnToReviewCommand } from './return-to-review.command.js';

@ApiTags('returns')
@Controller('returns/:returnId')
export class ReturnToReviewHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('return-to-review')
  @Roles(['coordinator', 'board'], SECOND_STAGE_REFUSAL)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Return an approved return to review with a reason (two-stage cycles; coordinator or board member)',
    description:
      'The approval is not accepted: the return is submitted again and a reviewer must decide it again. ' +
      '422 reason-required without a reason, 409 one-stage-sign-off in a one-stage cycle, 409 unless approved.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async returnToReview(
    @Param('returnId') returnId: string,
    @Body() body: ReasonDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return withETag(
      res,
      await this.commands.execute(new ReturnToReviewCommand(envelope, returnId, body.reason)),
    );
  }
}
