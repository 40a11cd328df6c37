import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, DomainError, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents, ReturnState } from '../return/return.state.js';
import { ContentChange, diffReturnContent } from './return-diff.js';

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

interface VersionContent {
  version: number;
  status: string;
  content: ReturnContent;
}

@ApiTags('returns')
@Controller('returns/:returnId')
export class DiffReturnHttp {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Get('diff')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'What changed in a return between two versions',
    description:
      'The content as it stood after each version, and the changes field by field (rag, narrative with a ' +
      'line diff, dot, comments, tables, case studies). 404 for a version the return has not reached; 422 ' +
      'when from is after to.',
  })
  @ApiOkResponse({ description: 'Both versions and the changes between them' })
  async diff(
    @Param('returnId') returnId: string,
    @Query() { from, to }: DiffQuery,
    @CurrentActor() actor: Actor,
  ): Promise<{ returnId: string; from: VersionContent; to: VersionContent; changes: ContentChange[] }> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    const at = (version: number): ReturnState => foldReturnEvents(events.filter((e) => e.version <= version));
    const current = at(Number.MAX_SAFE_INTEGER);
    if (current.status === 'none' || !canSeeReturn(actor, current)) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    const last = events[events.length - 1].version;
    for (const [field, version] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (version > last) {
        throw new DomainError(
          'version-not-found',
          `The return has no version ${version}; it is at ${last}`,
          'not-found',
          field,
        );
      }
    }
    if (from > to)
      throw new DomainError('from-after-to', 'from must not be after to', 'unprocessable', 'from');
    const [before, after] = [at(from), at(to)] as Exclude<ReturnState, { status: 'none' }>[];
    return {
      returnId,
      from: { version: from, status: before.status, content: before.content },
      to: { version: to, status: after.status, content: after.content },
      changes: diffReturnContent(before.content, after.content),
    };
  }
}
