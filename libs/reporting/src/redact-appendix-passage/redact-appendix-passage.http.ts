import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Allow, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { WriteEnvelope, withETag } from '../../../returns/src/index.js';
import { PassageToRedactDto } from '../../../returns/src/index.js';
import {
  RedactAppendixPassageCommand,
  RedactAppendixPassageResult,
} from './redact-appendix-passage.command.js';

export class RedactAppendixPassageDto extends PassageToRedactDto {
  @ApiProperty({ description: 'The appendix the case study is in' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  appendixId: string;

  @ApiProperty({ description: 'The case study, one the coordinator entered in the appendix' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  caseStudyId: string;

  // Checked by the rule (title, or a whole number from 0), so the problem names `part` either way.
  @ApiProperty({
    description: '"title", or the index from 0 of the section whose body holds the passage',
    oneOf: [
      { type: 'string', enum: ['title'] },
      { type: 'integer', minimum: 0 },
    ],
  })
  @Allow()
  part: unknown;
}

@ApiTags('cycles')
@Controller('cycles/:cycleId/appendices')
export class RedactAppendixPassageHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('redactions')
  @Roles(['coordinator'], 'Only a coordinator can redact a passage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Redact a passage from a case study entered in an appendix (coordinator)',
    description:
      'Replaces the passage by [redacted] in every version of the case study’s title or section body, in every ' +
      'view, export and rebuild, and records AppendixPassageRedacted (where, SHA-256 and length, reason). Each ' +
      'publication of the cycle whose bytes held it is re-issued redacted; its own bytes are deleted, its hash ' +
      'kept with the reason. 422 naming `passage` when the part does not hold it. The version is the appendices’.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({
    description: 'The appendices’ new version, the texts changed and the publications re-issued',
  })
  async redact(
    @Param('cycleId') cycleId: string,
    @Body() body: RedactAppendixPassageDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RedactAppendixPassageResult> {
    return withETag(
      res,
      await this.commands.execute(
        new RedactAppendixPassageCommand(
          envelope,
          cycleId,
          body.appendixId,
          body.caseStudyId,
          body.part,
          body.passage,
          body.reason,
        ),
      ),
    );
  }
}
