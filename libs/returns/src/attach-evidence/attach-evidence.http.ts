import { Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { ApiIfMatch, finishStreamedUpload, readStreamedUpload, Roles } from '../../../http/src/index.js';
import { CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { EvidenceResultDto } from '../evidence/evidence-result.dto.js';
import { inMegabytes } from '../evidence/evidence.decide.js';
import { EVIDENCE_TYPES_IN_WORDS } from '../evidence/evidence-types.js';
import { EvidenceRepository, EvidenceResult } from '../evidence/evidence.repository.js';
import { AttachEvidenceCommand } from './attach-evidence.command.js';

/** The API's upload: multipart, streamed straight through the checks into the store (never a temporary file). */
@ApiTags('evidence')
@Controller('returns/:returnId/evidence')
export class AttachEvidenceHttp {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EvidenceRepository) private readonly evidence: EvidenceRepository,
  ) {}

  @Post()
  @Roles(['coordinator', 'agency-lead'], 'Only the agency’s lead and the coordinator attach files')
  @ApiOperation({
    summary: 'Attach a file to a return (the lead of its agency while it is editable, or the coordinator)',
    description:
      `The file may be ${EVIDENCE_TYPES_IN_WORDS}, decided by its content (never its name or declared type), ` +
      'at most EVIDENCE_MAX_FILE_BYTES (20 MB by default), and all of a return’s files together at most ' +
      'EVIDENCE_MAX_RETURN_BYTES (100 MB). Send `title` (optional) before `file`. A refused file (422: ' +
      'file-type-refused, file-has-macros, csv-not-text, csv-markup, file-empty, file-too-large, evidence-return-full, ' +
      'file-name-path, file-name-control-characters; too-many-fields, more than 8 fields before the file) leaves ' +
      'nothing stored. The lead may attach while the ' +
      'return is requested or in draft (sent back included), the coordinator until it is approved (409 ' +
      'return-not-editable). If-Match is the version of the return’s files (GET .../evidence), not the ' +
      'return’s. A session cookie must also send X-CSRF-Token, or come from the service’s own origin.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        title: {
          type: 'string',
          description: 'What to call it (the file’s name when left out)',
          maxLength: 200,
        },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiIfMatch()
  @ApiCreatedResponse({ type: EvidenceResultDto })
  async attach(
    @Param('returnId') returnId: string,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EvidenceResult> {
    finishStreamedUpload(req, res);
    // A return the caller may not see is missing, whatever the body: 404 before the upload is looked at.
    await this.evidence.about(returnId, envelope);
    const { maxFileBytes } = this.config.evidence;
    const upload = await readStreamedUpload(req, {
      fileField: 'file',
      maxFileBytes,
      sizeInWords: inMegabytes(maxFileBytes),
    });
    if (!upload.file)
      throw new DomainError('file-required', 'Choose a file to attach', 'unprocessable', 'file');
    const command = new AttachEvidenceCommand(returnId, envelope, {
      ...upload.file,
      title: upload.fields.title ?? '',
    });
    res.status(201);
    return withETag(res, await this.commands.execute(command));
  }
}
