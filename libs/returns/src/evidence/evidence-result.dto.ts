import { ApiProperty } from '@nestjs/swagger';
import { EvidenceResult } from './evidence.repository.js';

/** What an attach or a removal answers. */
export class EvidenceResultDto implements EvidenceResult {
  @ApiProperty({ description: 'The file: e1, e2... in the order attached, never reused', example: 'e1' })
  evidenceId: string;
  @ApiProperty({
    description: 'The version of the return’s files after the write (its ETag): the If-Match of the next one',
    example: 1,
  })
  version: number;
  @ApiProperty({
    description: 'Hex SHA-256 of the bytes, as recorded in the event',
    example: 'ab'.repeat(32),
  })
  sha256: string;
  @ApiProperty({ description: 'Size in bytes', example: 48213 }) bytes: number;
  @ApiProperty({ description: 'The type sniffed from the content', example: 'application/pdf' })
  mediaType: string;
}
