import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ReturnsModule } from '../../returns/src/index.js';
import { BiAccess } from './bi-access/bi-access.js';
import { BiAccessHttp } from './bi-access/bi-access.http.js';
import { CycleReportHttp } from './cycle-report/cycle-report.http.js';
import { GetCycleReport } from './cycle-report/cycle-report.query.js';
import { CycleStatusHttp } from './cycle-status/cycle-status.http.js';
import { GetCycleStatus } from './cycle-status/cycle-status.query.js';
import { PublishReportHandler } from './publish-report/publish-report.handler.js';
import { PublishReportHttp } from './publish-report/publish-report.http.js';
import { PublishedReports } from './publish-report/published-reports.js';
import { PdfPrinter } from './report-formats/pdf-printer.js';
import { PublicationErasureModule } from './forget-in-publications/publication-erasure.js';
import { RedactPassageHandler } from './redact-passage/redact-passage.handler.js';
import { RedactPassageHttp } from './redact-passage/redact-passage.http.js';
import { RedactAppendixPassageHandler } from './redact-appendix-passage/redact-appendix-passage.handler.js';
import { RedactAppendixPassageHttp } from './redact-appendix-passage/redact-appendix-passage.http.js';

@Module({
  imports: [CqrsModule, ReturnsModule, PublicationErasureModule],
  controllers: [
    CycleReportHttp,
    CycleStatusHttp,
    PublishReportHttp,
    BiAccessHttp,
    RedactPassageHttp,
    RedactAppendixPassageHttp,
  ],
  providers: [
    BiAccess,
    PublishedReports,
    PdfPrinter,
    PublishReportHandler,
    RedactPassageHandler,
    RedactAppendixPassageHandler,
    GetCycleReport,
    GetCycleStatus,
  ],
})
export class ReportingModule {}
