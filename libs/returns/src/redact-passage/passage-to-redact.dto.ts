import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_PASSAGE_LENGTH } from './checked-passage.js';

/**
 * What every redaction names, wherever the passage is: the passage itself and why. The body of each route (a
 * return's free text, an appendix's case study, a message on a thread) extends it with where to look.
 */
export class PassageToRedactDto {
  @ApiProperty({
    description: 'The passage exactly as written (a name, say); never stored, only its SHA-256 and length',
    maxLength: MAX_PASSAGE_LENGTH,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASSAGE_LENGTH)
  passage: string;

  @ApiProperty({
    description: 'Why it is redacted; kept and shown in the history and the publications',
    maxLength: 2000,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}
