import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NestedObject, Optional } from '../../../http/src/index.js';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export class SendWindowDto {
  @ApiPropertyOptional({ example: '09:00' }) @Optional() @IsString() @Matches(TIME) from?: string;
  @ApiPropertyOptional({ example: '17:00' }) @Optional() @IsString() @Matches(TIME) to?: string;
  @ApiPropertyOptional({ example: 'Europe/London' })
  @Optional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}

/** Any part left out takes the default (see DEFAULT_CHASE_POLICY). */
export class ChasePolicyDto {
  @ApiPropertyOptional({
    example: [10, 3],
    description: 'Reminders this many working days before the due date (1 to 60 each)',
    type: 'integer',
    isArray: true,
    maxItems: 10,
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(60, { each: true })
  remindWorkingDaysBefore?: number[];

  @ApiPropertyOptional({ example: true, description: 'A reminder on the due date itself' })
  @Optional()
  @IsBoolean()
  onDueDate?: boolean;

  @ApiPropertyOptional({
    example: 5,
    description: 'While overdue, a chase every this many working days',
    type: 'integer',
    minimum: 1,
    maximum: 60,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(60)
  overdueEveryWorkingDays?: number;

  @ApiPropertyOptional({
    example: 2,
    description: 'After this many overdue chases, escalate to the coordinators and the senior contact',
    type: 'integer',
    minimum: 0,
    maximum: 20,
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(20)
  escalateAfterOverdueChases?: number;

  @ApiPropertyOptional({
    type: SendWindowDto,
    description: 'Mail goes out only in these hours, on working days',
  })
  @Optional()
  @NestedObject(() => SendWindowDto)
  sendWindow?: SendWindowDto;
}
