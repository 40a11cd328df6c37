import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../../http/src/index.js';
import {
  CSV_PARTS,
  CsvPart,
  REPORT_FORMATS,
  REPORT_ORIENTATIONS,
  ReportFormat,
  ReportOrientation,
} from '../report-formats/report-format.js';

export class ReportQuery {
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description:
      'json (default), html, csv, xlsx, docx (Word, to edit before committee) or pdf; otherwise the Accept header decides',
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
    enum: CSV_PARTS,
    description:
      'With format=csv, which table: measures (default, one row per measure), summary (the headline and the ' +
      'RAG counts by theme and for all themes), appendices (one row per appendix, with its introduction), or ' +
      'case-studies (one row per section of each case study, with its appendix, group, measure, organisation ' +
      "and author), indicators (one row per indicator of each approved measure) or tables (the measures' " +
      'tables, one row per cell with its table, row, column and column heading). The XLSX holds them all as sheets.',
    example: 'summary',
  })
  @Optional()
  @IsIn(CSV_PARTS)
  part?: CsvPart;

  @ApiPropertyOptional({
    enum: REPORT_ORIENTATIONS,
    description:
      'How the PDF (and the HTML when printed) lies on A4: landscape (default, as the seed) or portrait',
    example: 'portrait',
  })
  @Optional()
  @IsIn(REPORT_ORIENTATIONS)
  orientation?: ReportOrientation;

  @ApiPropertyOptional({
    enum: ['true'],
    description:
      'true: the report as a file to save (Content-Disposition: attachment) rather than to read in the browser; ' +
      'its HTML then has no link back into the service, so it can go on a website as it is',
    example: 'true',
  })
  @Optional()
  @IsIn(['true'])
  download?: 'true';
}
