import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { NestedObjects, Optional } from '../../../http/src/index.js';
import { INDICATOR_LIMIT } from '../../../plan/src/index.js';
import { DIRECTIONS, DirectionOfTravel, Rag, RAGS } from './return-content.js';

export const LIMITS = {
  narrative: 50_000,
  comments: 5_000,
  tables: 20,
  columns: 30,
  rows: 500,
  cell: 500,
  caseStudies: 10,
  sections: 10,
  sectionBody: 20_000,
  indicators: 10,
  ragReason: 2_000,
};

/** Rows of a table: a list of lists of text, each no wider than the header allows. */
function IsTableRows() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTableRows',
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const header = (args.object as { header?: unknown[] }).header;
          return (
            Array.isArray(value) &&
            value.every(
              (row) =>
                Array.isArray(row) &&
                row.length <= (Array.isArray(header) ? header.length : LIMITS.columns) &&
                row.every((cell) => typeof cell === 'string' && cell.length <= LIMITS.cell),
            )
          );
        },
        defaultMessage: () =>
          `rows must be lists of text cells (each at most ${LIMITS.cell} characters), no wider than the header`,
      },
    });
}

export class ReturnTableDto {
  @ApiProperty({ description: 'What the table shows', example: 'NEET by district', maxLength: 300 })
  @IsString()
  @MaxLength(300)
  caption: string;
  @ApiProperty({
    description: `Column headings (at most ${LIMITS.columns})`,
    type: [String],
    example: ['District', 'Mar 2019', 'Mar 2020'],
  })
  @IsArray()
  @ArrayMaxSize(LIMITS.columns)
  @IsString({ each: true })
  @MaxLength(LIMITS.cell, { each: true })
  header: string[];
  @ApiProperty({
    description: `Rows of text cells, none wider than the header (at most ${LIMITS.rows} rows)`,
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    example: [['Sevenoaks', '2.1%', '1.9%']],
  })
  @IsArray()
  @ArrayMaxSize(LIMITS.rows)
  @IsTableRows()
  rows: string[][];
}

export class CaseStudySectionDto {
  @ApiProperty({ example: 'The beginning', maxLength: 300 }) @IsString() @MaxLength(300) heading: string;
  @ApiProperty({ description: 'The section text', maxLength: LIMITS.sectionBody })
  @IsString()
  @MaxLength(LIMITS.sectionBody)
  body: string;
}

export class CaseStudyDto {
  @ApiProperty({ maxLength: 300 }) @IsString() @MaxLength(300) title: string;
  @ApiProperty({ description: 'The partner agency the story is about', maxLength: 300 })
  @IsString()
  @MaxLength(300)
  agency: string;
  @ApiProperty({ type: [CaseStudySectionDto], description: 'Such as the beginning, the middle and the end' })
  @ArrayMaxSize(LIMITS.sections)
  @NestedObjects(() => CaseStudySectionDto)
  sections: CaseStudySectionDto[];
}

export class IndicatorValueDto {
  @ApiProperty({
    description: "One of the measure's indicators, as the plan names it",
    example: 'Actions achieved',
    maxLength: 200,
  })
  @IsString()
  @MaxLength(200)
  name: string;
  @ApiProperty({
    description: `The value for the period, in the indicator's unit; null while not known`,
    type: Number,
    nullable: true,
    minimum: -INDICATOR_LIMIT,
    maximum: INDICATOR_LIMIT,
    example: 85,
  })
  @Optional({ nullable: true })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-INDICATOR_LIMIT)
  @Max(INDICATOR_LIMIT)
  value: number | null;
}

export class ReturnContentDto {
  // Null clears a field of a draft (the web form sends it for an empty field).
  @ApiPropertyOptional({ enum: RAGS, nullable: true })
  @Optional({ nullable: true })
  @IsIn(RAGS)
  rag?: Rag | null;
  @ApiPropertyOptional({
    description:
      'Markdown: paragraphs, bullet and nested bullet lists, ordered lists, bold, italic, links (http, https, ' +
      'mailto) and line breaks. Anything else is shown as text. Required to submit.',
    type: String,
    maxLength: LIMITS.narrative,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(LIMITS.narrative)
  narrative?: string | null;
  @ApiPropertyOptional({ enum: DIRECTIONS, nullable: true })
  @Optional({ nullable: true })
  @IsIn(DIRECTIONS)
  dot?: DirectionOfTravel | null;
  @ApiPropertyOptional({
    description: 'Direction of travel and comments',
    type: String,
    maxLength: LIMITS.comments,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(LIMITS.comments)
  comments?: string | null;
  @ApiPropertyOptional({ type: [ReturnTableDto], description: `At most ${LIMITS.tables} tables` })
  @Optional()
  @ArrayMaxSize(LIMITS.tables)
  @NestedObjects(() => ReturnTableDto)
  tables?: ReturnTableDto[];
  @ApiPropertyOptional({
    type: [CaseStudyDto],
    description: `Partner case studies, at most ${LIMITS.caseStudies}`,
  })
  @Optional()
  @ArrayMaxSize(LIMITS.caseStudies)
  @NestedObjects(() => CaseStudyDto)
  caseStudies?: CaseStudyDto[];
  @ApiPropertyOptional({
    type: [IndicatorValueDto],
    description:
      "A value for each of the measure's indicators (GET /plan lists them); a name the measure does not declare is refused (422)",
  })
  @Optional()
  @ArrayMaxSize(LIMITS.indicators)
  @NestedObjects(() => IndicatorValueDto)
  indicators?: IndicatorValueDto[];
  @ApiPropertyOptional({
    description:
      'Why the RAG differs from the one the indicator values suggest; required to submit when it does',
    type: String,
    maxLength: LIMITS.ragReason,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(LIMITS.ragReason)
  ragReason?: string | null;
}
