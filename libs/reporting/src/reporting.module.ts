import { Module } from '@nestjs/common';
import { ReturnsModule } from '../../returns/src/returns.module.js';
import { CycleReportHttp } from './cycle-report/cycle-report.http.js';

@Module({ imports: [ReturnsModule], controllers: [CycleReportHttp] })
export class ReportingModule {}
