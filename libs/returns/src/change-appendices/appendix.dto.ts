import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { NestedObjects, Optional } from '../../../http/src/index.js';
import { APPENDIX_LIMITS as L } from '../appendices/appendices.decide.js';

export class AppendixDto {
  @ApiProperty({ example: 'Supported Internship Case Studies', maxLength: L.title })
  @IsString()
  @MinLength(1)
  @MaxLength(L.title)
  title: string;

  @ApiPropertyOptional({
    description: 'Markdown, printed under the heading; empty for none',
    example: 'completed by Lucy Soper, Job Coach -Sevenoaks District Council and Broomhill Bank School',
    maxLength: L.introduction,
  })
  @Optional()
  @IsString()
  @MaxLength(L.introduction)
  introduction?: string;
}

export class PositionDto {
  @ApiProperty({ description: 'The new place, counted from 1', example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  position: number;
}

export class AppendixSectionDto {
  @ApiProperty({ description: "The section's heading; empty for none", example: 'Academic background' })
  @IsString()
  @MaxLength(L.heading)
  heading: string;

  @ApiProperty({ description: 'Markdown', maxLength: L.body })
  @IsString()
  @MinLength(1)
  @MaxLength(L.body)
  body: string;
}

export class AppendixCaseStudyDto {
  @ApiProperty({ example: 'Krysta Ablethorp, Year 14', maxLength: L.title })
  @IsString()
  @MinLength(1)
  @MaxLength(L.title)
  title: string;

  @ApiProperty({
    description: 'Who it is by or about, printed as its attribution',
    example: 'Sevenoaks District Council and Broomhill Bank School',
    maxLength: L.organisation,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(L.organisation)
  organisation: string;

  @ApiPropertyOptional({ example: 'Lucy Soper, Job Coach', maxLength: L.author, nullable: true })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(L.author)
  author?: string | null;

  @ApiPropertyOptional({
    description: "A measure of the cycle's plan, or none",
    example: 'D2',
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(50)
  measureRef?: string | null;

  @ApiPropertyOptional({
    description: 'A theme of the plan to print it under, or none',
    example: 'dynamic-economy',
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(100)
  themeId?: string | null;

  @ApiPropertyOptional({
    description:
      "The heading to print it under when that is not its theme's title; none for the theme's title",
    example: 'Healthy Communities',
    maxLength: L.heading,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(L.heading)
  groupHeading?: string | null;

  @ApiProperty({
    type: [AppendixSectionDto],
    description: `1 to ${L.sections} sections`,
    minItems: 1,
    maxItems: L.sections,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(L.sections)
  @NestedObjects(() => AppendixSectionDto)
  sections: AppendixSectionDto[];
}

export class PlaceCaseStudyDto {
  @ApiProperty({ description: 'A return of this cycle', example: 'y1-2019-20.S1' })
  @IsString()
  @MaxLength(200)
  returnId: string;

  @ApiProperty({ description: "The study's place among the return's case studies, from 0", example: 0 })
  @IsInt()
  @Min(0)
  @Max(100)
  index: number;
}
