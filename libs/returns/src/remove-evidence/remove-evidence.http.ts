import { Body, Controller, Delete, Inject, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, Optional, Roles } from '../../../http/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { EvidenceResultDto } from '../evidence/evidence-result.dto.js';
import { EvidenceResult } from '../evidence/evidence.repository.js';
import { RemoveEvidenceCommand } from './remove-evidence.command.js';
import { REMOVAL_REASON_MAX_LENGTH } from './remove-evidence.handler.js';

export class RemoveEvidenceDto {
  @ApiPropertyOptional({ description: 'Why it goes, kept in the history', example: 'The wrong year’s sheet' })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(REMOVAL_REASON_MAX_LENGTH)
  reason?: string | null;
}

@ApiTags('evidence')
@Controller('returns/:returnId/evidence')
export class RemoveEvidenceHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Delete(':evidenceId')
  @Roles(['coordinator', 'agency-lead'], 'Only the agency’s lead and the coordinator remove files')
  @ApiOperation({
    summary: 'Remove a file from a return (same people and times as attaching)',
    description:
      'Appends EvidenceRemoved (the file stays in the history, with its SHA-256 and the reason) and deletes ' +
      'its bytes. An unknown or already removed file: 404 evidence-not-found.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: EvidenceResultDto })
  async remove(
    @Param('returnId') returnId: string,
    @Param('evidenceId') evidenceId: string,
    @Body() body: RemoveEvidenceDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EvidenceResult> {
    return withETag(
      res,
      await this.commands.execute(
        new RemoveEvidenceCommand(returnId, envelope, evidenceId, body?.reason ?? null),
      ),
    );
  }
}
