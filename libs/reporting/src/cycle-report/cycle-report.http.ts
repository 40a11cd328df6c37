import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Param,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Clock, Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import type { LogDigest } from '../../../event-store/src/index.js';
import { CurrentActor, parseAsAt, Roles } from '../../../http/src/index.js';
import { readPublishedReport } from '../publish-report/published-report-json.js';
import { PdfPrinter } from '../report-formats/pdf-printer.js';
import {
  contentDisposition,
  CsvPart,
  MEDIA_TYPES,
  negotiateFormat,
  ReportFormat,
  ReportOrientation,
} from '../report-formats/report-format.js';
import { reportCsvChunks } from '../report-formats/report-csv.js';
import { DOCX_MAX_MEASURES, docxMeasureCount, renderReportDocx } from '../report-formats/report-docx.js';
import { reportHeadings } from '../report-formats/report-contents.js';
import {
  renderReportHtml,
  reportHtmlPolicy,
  ReportLayout,
  ReportProvenance,
} from '../report-formats/report-html.js';
import { reportBackLink } from './report-back-link.js';
import { writeReportXlsx } from '../report-formats/report-xlsx.js';
import { AnyCycleReport } from './published-cycle-report.js';
import { GetCycleReport, reportVisibleTo } from './cycle-report.query.js';
import { ReportQuery } from './report-query.js';

@ApiTags('reports')
@Controller('cycles')
export class CycleReportHttp {
  constructor(
    @Inject(GetCycleReport) private readonly reports: GetCycleReport,
    @Inject(PdfPrinter) private readonly pdf: PdfPrinter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get(':cycleId/report')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'The monitoring report of a cycle, in the seed report’s structure',
    description:
      'Now (from the reporting read model), as it stood at `asAt` (replayed from the events), or a ' +
      'publication exactly as published (`published=latest` or a number; its JSON is served byte for byte). ' +
      'Formats: JSON, HTML (printable on A4 landscape), CSV, XLSX, DOCX (Word, A4 landscape, to edit before ' +
      'committee) and PDF, by `format` or the Accept header. ' +
      'The PDF is tagged for screen readers, has bookmarks and a table of contents with the page of each ' +
      'section, and lies on A4 landscape unless `orientation=portrait`. ' +
      'Agency leads see only their agency’s measures.',
  })
  @ApiProduces(...Object.values(MEDIA_TYPES))
  @ApiOkResponse({ description: 'The report' })
  async report(
    @Param('cycleId') cycleId: string,
    @Query() query: ReportQuery,
    @CurrentActor() actor: Actor,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const asAt = parseAsAt(query.asAt, this.clock.now()) ?? null;
    if (asAt && query.published) {
      throw new BadRequestException({
        type: 'https://partner-returns.dev/problems/validation',
        title: 'The request has invalid fields',
        status: 400,
        detail: 'published: a publication is already frozen at its own instant; leave out asAt',
        errors: [{ field: 'published', rule: 'exclusive', message: 'published and asAt cannot be combined' }],
      });
    }
    const format = negotiateFormat(query.format, request);
    const orientation = query.orientation ?? 'landscape';
    // Another partnership's cycle is a 404 before any rule about the request's shape is checked.
    const cycle = await this.reports.cycle(actor, cycleId, asAt);
    if (query.part && format !== 'csv') {
      throw new BadRequestException({
        type: 'https://partner-returns.dev/problems/validation',
        title: 'The request has invalid fields',
        status: 400,
        detail: 'part: only the CSV report comes in parts; the XLSX holds them all as sheets',
        errors: [{ field: 'part', rule: 'csv-only', message: 'part applies to format=csv only' }],
      });
    }
    const part = query.part ?? 'measures';
    const names = { partnershipId: cycle.partnershipId, cycleId, part };
    const download = query.download === 'true';
    // A file saved to publish elsewhere links nowhere in the service; read in the service, it links back.
    const back = download ? undefined : reportBackLink(actor, cycleId);
    response.vary('Accept');

    if (query.published) {
      const publication = await this.reports.publication(cycleId, query.published);
      response.setHeader('ETag', `"${publication.contentHash}"`);
      response.setHeader('X-Report-Publication', String(publication.publication));
      const disposition = contentDisposition(
        format,
        { ...names, publication: publication.publication },
        download,
      );
      const published = readPublishedReport(publication.body);
      if (format === 'json' && actor.role !== 'agency-lead') {
        // The bytes that were hashed and published, untouched; but a publication of an older release carried
        // staff details and workflow, and is served without them, under a weak ETag since its bytes differ.
        const readable = JSON.stringify(published);
        if (readable !== publication.body) response.setHeader('ETag', `W/"${publication.contentHash}"`);
        response.status(200).type(MEDIA_TYPES.json).setHeader('Content-Disposition', disposition);
        response.send(readable === publication.body ? publication.body : readable);
        return;
      }
      const report = reportVisibleTo(actor, published);
      const provenance = {
        published: {
          publication: publication.publication,
          publishedAt: publication.publishedAt.toISOString(),
          contentHash: publication.contentHash,
          logDigest: publication.logDigest ? (JSON.parse(publication.logDigest) as LogDigest) : null,
        },
      };
      await this.send(response, format, report, disposition, provenance, part, orientation, back);
      return;
    }

    const report = await this.reports.report(actor, cycle, asAt);
    await this.send(
      response,
      format,
      report,
      contentDisposition(format, { ...names, asAt }, download),
      {},
      part,
      orientation,
      back,
    );
  }

  private async send(
    response: Response,
    format: ReportFormat,
    report: AnyCycleReport,
    disposition: string,
    provenance: ReportProvenance,
    part: CsvPart,
    orientation: ReportOrientation,
    back: ReportLayout['back'],
  ): Promise<void> {
    if (format === 'docx' && docxMeasureCount(report) > DOCX_MAX_MEASURES) {
      throw new UnprocessableEntityException({
        type: 'https://partner-returns.dev/problems/validation',
        title: 'The request has invalid fields',
        status: 422,
        detail: `format: the Word report is made for up to ${DOCX_MAX_MEASURES} measures and this one has ${docxMeasureCount(report)}; ask for csv or xlsx`,
        errors: [
          {
            field: 'format',
            rule: 'docx-max-measures',
            message: `docx is made for up to ${DOCX_MAX_MEASURES} measures: use csv or xlsx`,
          },
        ],
      });
    }
    if (format === 'xlsx' || format === 'csv') {
      this.headers(response, format, disposition);
      await this.stream(response, (into) =>
        format === 'xlsx'
          ? writeReportXlsx(report, into, provenance.published)
          : pipeline(Readable.from(reportCsvChunks(report, part, provenance.published)), into),
      );
      return;
    }
    let body: string | Buffer;
    switch (format) {
      case 'json':
        body = JSON.stringify(report);
        break;
      case 'html':
        body = renderReportHtml(report, provenance, { orientation, back });
        response.setHeader('Content-Security-Policy', reportHtmlPolicy({ orientation }));
        break;
      case 'docx':
        body = await renderReportDocx(report, provenance);
        break;
      case 'pdf':
        body = await this.pdf.print((pages) => renderReportHtml(report, provenance, { orientation, pages }), {
          footer: `${report.title}`.replace(/[<>&"']/g, ''),
          orientation,
          headings: reportHeadings(report),
        });
        break;
    }
    this.headers(response, format, disposition);
    response.send(body);
  }

  private headers(response: Response, format: ReportFormat, disposition: string): void {
    const type =
      format === 'html' || format === 'csv' ? `${MEDIA_TYPES[format]}; charset=utf-8` : MEDIA_TYPES[format];
    response.status(200).setHeader('Content-Type', type);
    response.setHeader('Content-Disposition', disposition);
  }

  /**
   * The workbook and the CSV go out as they are written (chunked), never whole in memory: see writeReportXlsx
   * and reportCsvChunks. A failure once bytes have gone can no longer become a problem response: the connection
   * is cut, so the client sees a broken download rather than a truncated file that looks whole.
   */
  private async stream(response: Response, write: (into: Response) => Promise<void>): Promise<void> {
    try {
      await write(response);
    } catch (error) {
      if (!response.headersSent) throw error;
      response.destroy(error as Error);
    }
  }
}
