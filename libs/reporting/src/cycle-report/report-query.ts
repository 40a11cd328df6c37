import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../../http/src/index.js';
import {
  REPORT_FORMATS,
  REPORT_ORIENTATIONS,
  ReportFormat,
  ReportOrientation,
} from '../report-formats/report-format.js';

export class ReportQuery {
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description: 'json (default), html, csv, xlsx or pdf; otherwise the Accept header decides',
  })
  @Optional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({
    description: 'The report as it stood at this instant, replayed from the events',
    example: '2020-04-30T12:00:00Z',
  })
  @Optional()
  @IsString()
  @MaxLength(40)
  asAt?: string;

  @ApiPropertyOptional({
    description: 'A published report, frozen: "latest" or a publication number',
    example: 'latest',
  })
  @Optional()
  @Matches(/^(latest|[1-9][0-9]{0,5})$/, { message: 'published must be "latest" or a publication number' })
  published?: string;

  @ApiPropertyOptional({
    enum: REPORT_ORIENTATIONS,
    description:
      'How the PDF (and the HTML when printed) lies on A4: landscape (default, as the seed) or portrait',
    example: 'portrait',
  })
  @Optional()
  @IsIn(REPORT_ORIENTATIONS)
  orientation?: ReportOrientation;
}
