import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { downloadHeaders } from './download-headers.js';
import { EvidenceList, GetEvidence } from './get-evidence.query.js';

@ApiTags('evidence')
@Controller('returns/:returnId/evidence')
export class GetEvidenceHttp {
  constructor(@Inject(GetEvidence) private readonly query: GetEvidence) {}

  @Get()
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'The files on a return, oldest first',
    description:
      'Staff of the partnership and the lead of the return’s agency only (anyone else: 404). Each file: id, ' +
      'name as uploaded, title, sniffed media type and extension, size, SHA-256, when attached, and whether ' +
      'the coordinator chose it for the report. The ETag is the version of the return’s files.',
  })
  @ApiOkResponse({ description: 'The files' })
  async list(
    @Param('returnId') returnId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EvidenceList> {
    const list = await this.query.list(actor, returnId);
    res.setHeader('ETag', `"${list.version}"`);
    return list;
  }

  @Get(':evidenceId')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'Download a file on a return',
    description:
      'Always as an attachment (Content-Disposition: attachment, with filename*=UTF-8), with the sniffed ' +
      "Content-Type, X-Content-Type-Options: nosniff and Content-Security-Policy: default-src 'none'; " +
      'sandbox: never shown inline from this origin. Same readers as the list; 404 evidence-not-found.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file’s bytes', schema: { type: 'string', format: 'binary' } })
  async download(
    @Param('returnId') returnId: string,
    @Param('evidenceId') evidenceId: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ): Promise<void> {
    const { file, content } = await this.query.open(actor, returnId, evidenceId);
    res.status(200).set(downloadHeaders(file));
    // A client that goes away mid-download ends the read; there is nothing to answer it then.
    await pipeline(content, res).catch(() => undefined);
  }
}
