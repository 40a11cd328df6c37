import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { REDACTABLE_FIELDS, WriteEnvelope, withETag } from '../../../returns/src/index.js';
import { PassageToRedactDto } from '../../../returns/src/index.js';
import { RedactPassageCommand, RedactPassageResult } from './redact-passage.command.js';

export class RedactPassageDto extends PassageToRedactDto {
  @ApiProperty({
    description:
      'The free-text field the passage is in; "caseStudies" covers every case study title and body',
    enum: REDACTABLE_FIELDS,
  })
  @IsIn(REDACTABLE_FIELDS)
  field: string;
}

@ApiTags('returns')
@Controller('returns/:returnId')
export class RedactPassageHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('redactions')
  @Roles(['coordinator'], 'Only a coordinator can redact a passage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Redact a passage from a return’s free text (coordinator)',
    description:
      'Replaces the passage by [redacted] in every version of the field (drafts included), in every view, ' +
      'export and rebuild, and records PassageRedacted (field, SHA-256 and length of the passage, reason). ' +
      'Each publication of the cycle whose bytes held it is re-issued redacted as a new publication; its own ' +
      'bytes are deleted, its hash kept with the reason. 422 naming `passage` when the field does not hold it.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({
    description: 'The return’s new version, the texts changed and the publications re-issued',
  })
  async redact(
    @Param('returnId') returnId: string,
    @Body() body: RedactPassageDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RedactPassageResult> {
    return withETag(
      res,
      await this.commands.execute(
        new RedactPassageCommand(envelope, returnId, body.field, body.passage, body.reason),
      ),
    );
  }
}
