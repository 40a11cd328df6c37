import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { PassageToRedactDto } from '../redact-passage/passage-to-redact.dto.js';
import { RedactedCyclePassage } from './cycle-reason-redaction.js';
import { RedactCycleReasonCommand } from './redact-cycle-reason.command.js';

export class RedactCycleReasonDto extends PassageToRedactDto {}

@ApiTags('cycles')
@Controller('cycles/:cycleId')
export class RedactCycleReasonHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('redactions')
  @HttpCode(200)
  @Roles(['coordinator'], 'Only a coordinator can redact a passage')
  @ApiOperation({
    summary: 'Redact a passage from the reasons given on a cycle (coordinator)',
    description:
      'Replaces the passage by [redacted] in every reason given on the cycle (a forced close’s, each revoked ' +
      'link’s) wherever it is read, and records CyclePassageRedacted (SHA-256 and length of the passage, ' +
      'reason) on the cycle. If-Match is the cycle’s version. 422 naming `passage` when no reason holds it ' +
      '(passage-not-found) or one given before reasons on a cycle could be redacted does ' +
      '(reason-held-in-log), `reason` when the reason repeats it; 404 for another partnership’s cycle.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ description: 'The cycle’s new version and the texts changed' })
  async redact(
    @Param('cycleId') cycleId: string,
    @Body() body: RedactCycleReasonDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RedactedCyclePassage> {
    return withETag(
      res,
      await this.commands.execute(new RedactCycleReasonCommand(envelope, cycleId, body.passage, body.reason)),
    );
  }
}
