import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { DiffReturn, ReturnDiff } from './diff-return.query.js';

/** Far more versions than a return gets in a lifetime; a bigger number is a typo or a probe. */
const MAX_VERSION = 1_000_000;

export class DiffQuery {
  @ApiProperty({
    description: 'The earlier version (1 is the request)',
    example: 2,
    minimum: 1,
    maximum: MAX_VERSION,
  })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  from: number;

  @ApiProperty({
    description: 'The later version, at most the current one',
    example: 5,
    minimum: 1,
    maximum: MAX_VERSION,
  })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  to: number;
}

@ApiTags('returns')
@Controller('returns/:returnId')
export class DiffReturnHttp {
  constructor(@Inject(DiffReturn) private readonly query: DiffReturn) {}

  @Get('diff')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'What changed in a return between two versions',
    description:
      'The content as it stood after each version, and the changes field by field (rag, narrative with a ' +
      'line diff, dot, comments, tables, case studies); narrative and comments also carry `words` (word by ' +
      'word), a table carries `table` (cell by cell, rows matched on their first cell). The comparison has a ' +
      'fixed work budget whatever the texts (paragraphs first, then words within the changed ones, smallest ' +
      'first): a change carries `coarse: true` when some passage, lines or rows of it were too big or too changed ' +
      'to compare finer, and are shown removed whole, then added whole. 404 for a version the return has not ' +
      'reached; 422 when from is after to.',
  })
  @ApiOkResponse({ description: 'Both versions and the changes between them' })
  async diff(
    @Param('returnId') returnId: string,
    @Query() { from, to }: DiffQuery,
    @CurrentActor() actor: Actor,
  ): Promise<ReturnDiff> {
    return this.query.diff(actor, returnId, from, to);
  }
}
