import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
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
  @IsString() @MaxLength(300) caption: string;
  @IsArray()
  @ArrayMaxSize(LIMITS.columns)
  @IsString({ each: true })
  @MaxLength(LIMITS.cell, { each: true })
  header: string[];
  @IsArray() @ArrayMaxSize(LIMITS.rows) @IsTableRows() rows: string[][];
}

export class CaseStudySectionDto {
  @IsString() @MaxLength(300) heading: string;
  @IsString() @MaxLength(LIMITS.sectionBody) body: string;
}

export class CaseStudyDto {
  @IsString() @MaxLength(300) title: string;
  @IsString() @MaxLength(300) agency: string;
  @IsArray()
  @ArrayMaxSize(LIMITS.sections)
  @ValidateNested({ each: true })
  @Type(() => CaseStudySectionDto)
  sections: CaseStudySectionDto[];
}

export class ReturnContentDto {
  @ApiPropertyOptional({ enum: RAGS }) @IsOptional() @IsIn(RAGS) rag?: Rag | null;
  @ApiPropertyOptional({ description: 'Markdown: paragraphs, bullet and nested bullet lists, bold, links' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.narrative)
  narrative?: string | null;
  @ApiPropertyOptional({ enum: DIRECTIONS }) @IsOptional() @IsIn(DIRECTIONS) dot?: DirectionOfTravel | null;
  @IsOptional() @IsString() @MaxLength(LIMITS.comments) comments?: string | null;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.tables)
  @ValidateNested({ each: true })
  @Type(() => ReturnTableDto)
  tables?: ReturnTableDto[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.caseStudies)
  @ValidateNested({ each: true })
  @Type(() => CaseStudyDto)
  caseStudies?: CaseStudyDto[];
}
