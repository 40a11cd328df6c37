import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NestedObjects, Optional } from '../../../http/src/index.js';
import {
  BULK_DECISION_NAMES,
  BULK_LIMIT,
  BULK_MODES,
  BulkDecision,
  BulkMode,
} from './decide-in-bulk.rules.js';

export class SeenReturnDto {
  @ApiProperty({ description: 'The return, as in its address', example: 'y1-2019-20.S1', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  returnId: string;

  @ApiProperty({
    description: 'The version you saw (its ETag): a return changed since is refused, never decided unseen',
    example: 3,
    minimum: 1,
  })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version: number;
}

export class BulkDecisionDto {
  @ApiProperty({ enum: BULK_DECISION_NAMES, example: 'approve' })
  @IsIn(BULK_DECISION_NAMES)
  decision: BulkDecision;

  @ApiPropertyOptional({
    description: 'Why, for send-back (required there, and shown to each agency); an approval takes none',
    maxLength: 2000,
  })
  @Optional()
  @IsString()
  @MaxLength(2000)
  reason?: string;

  @ApiProperty({
    enum: BULK_MODES,
    description:
      'all-or-nothing: if any return cannot be decided, none is. valid-only: those that can be are; the rest ' +
      'are reported.',
  })
  @IsIn(BULK_MODES)
  mode: BulkMode;

  @ApiProperty({ type: [SeenReturnDto], minItems: 1, maxItems: BULK_LIMIT })
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_LIMIT)
  @NestedObjects(() => SeenReturnDto)
  returns: SeenReturnDto[];
}
