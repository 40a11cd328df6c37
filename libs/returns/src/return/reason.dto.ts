import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Why: every change that needs a reason records it in the event's metadata and shows it in the history. */
export class ReasonDto {
  @ApiProperty({ description: 'Why this is done; shown in the return history', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}
