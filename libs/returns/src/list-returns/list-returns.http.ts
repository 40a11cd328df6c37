import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import {
  Clock,
  Actor,
  DomainError,
  samePartnershipOr404,
  ANYONE_SIGNED_IN,
} from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Optional, Roles } from '../../../http/src/index.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { ReturnView, toReturnView } from '../get-return/return-view.js';
import { CycleNames } from '../cycle/cycle-names.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { ReturnStatus } from '../return/return.state.js';

const STATUSES: ReturnStatus[] = ['requested', 'draft', 'submitted', 'approved', 'withdrawn'];

export class ListReturnsQuery {
  @ApiProperty({
    description: 'The cycle whose returns to list (required): its id, or in your partnership its name',
    example: 'y1-2019-20',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(129)
  cycleId: string;

  @ApiPropertyOptional({ description: 'Only this agency’s returns (agency leads only ever see their own)' })
  @Optional()
  @IsString()
  @MaxLength(64)
  agencyId?: string;

  @ApiPropertyOptional({ description: 'Only returns in this state', enum: STATUSES })
  @Optional()
  @IsIn(STATUSES)
  status?: ReturnStatus;
}

type ReturnSummary = Omit<ReturnView, 'content' | 'approved' | 'history' | 'narrativeHtml'>;

@ApiTags('returns')
@Controller('returns')
export class ListReturnsHttp {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(CycleNames) private readonly names: CycleNames,
  ) {}

  @Get()
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'The returns of a cycle, filtered by agency and state',
    description: 'Summaries without content; GET /returns/{returnId} has the content and history of one.',
  })
  @ApiOkResponse({ description: 'The returns, in the order the cycle requested them' })
  async list(
    @Query() query: ListReturnsQuery,
    @CurrentActor() actor: Actor,
  ): Promise<{ cycleId: string; returns: ReturnSummary[] }> {
    const cycleId = await this.names.cycleId(actor.partnershipId, query.cycleId);
    const { state } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, state.partnershipId, 'cycle', cycleId);
    const requested = state.status === 'drafted' ? [] : state.returns;
    const streams = await this.store.readStreams<ReturnEvent>(
      requested.map((r) => returnStreamId(r.returnId)),
    );
    const now = this.clock.now();
    const returns = requested
      .map((r) => toReturnView(streams.get(returnStreamId(r.returnId)) ?? [], now, false))
      .filter((v) => v !== null)
      .filter((v) => canSeeReturn(actor, v))
      .filter((v) => query.agencyId === undefined || v.agencyId === query.agencyId)
      .filter((v) => query.status === undefined || v.status === query.status)
      .map(({ content: _content, approved: _approved, ...summary }) => summary);
    return { cycleId, returns };
  }
}
