import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  CommandEnvelope,
  CommandResult,
  DomainError,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import {
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { ReturnRepository } from '../return/return.repository.js';
import { CaseStudy } from '../return/return-content.js';
import { LiveReturnState } from '../return/return.state.js';
import { AppendixCommand, decideAppendices } from './appendices.decide.js';
import { AppendixEvent, appendicesStreamId, PlacedCaseStudy } from './appendices.events.js';
import { AppendicesState, foldAppendices } from './appendices.state.js';

type Without<C> = C extends unknown ? Omit<C, 'actor' | 'cycle'> : never;
/** A change as the API asks for it: placing names a return's study, which the repository looks up. */
export type AppendixChange =
  | Exclude<Without<AppendixCommand>, { type: 'PlaceAgencyCaseStudy' }>
  | {
      type: 'PlaceAgencyCaseStudy';
      appendixId: string;
      returnId: string;
      index: number;
    };

/** The case studies a return carries: its last approval's, or while it has none its working copy's. */
export function caseStudiesOf(r: LiveReturnState): CaseStudy[] {
  return (r.approved?.content ?? r.content).caseStudies ?? [];
}

/** Load, decide, append for a cycle's appendices, with what the rules need of the cycle and its plan. */
@Injectable()
export class AppendicesRepository {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  async load(cycleId: string, asAt?: Date): Promise<{ state: AppendicesState; version: number }> {
    const events = await this.store.readStream<AppendixEvent>(appendicesStreamId(cycleId), { asAt });
    return {
      state: foldAppendices(events.map((e) => ({ type: e.type, data: e.data }) as AppendixEvent)),
      version: events.length > 0 ? events[events.length - 1].version : 0,
    };
  }

  /**
   * A cycle's appendices are one stream: two coordinators adding or editing different appendices at once outran
   * each other (409). A change that stated no version (If-Match) is decided again on the appendices as they now
   * stand; one that stated the version it saw is refused.
   */
  execute(cycleId: string, envelope: CommandEnvelope, change: AppendixChange): Promise<CommandResult> {
    return decidedAgainWhenOutrun(appendicesStreamId(cycleId), envelope.expectedVersion, () =>
      this.executeOnce(cycleId, envelope, change),
    );
  }

  private async executeOnce(
    cycleId: string,
    envelope: CommandEnvelope,
    change: AppendixChange,
  ): Promise<CommandResult> {
    const { state: cycle } = await this.cycles.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, cycle.partnershipId, 'cycle', cycleId);
    const { state, version } = await this.load(cycleId);
    refuseStaleVersion(appendicesStreamId(cycleId), envelope.expectedVersion, version);
    const plan = await this.plans.plan(cycle.partnershipId, cycle.planId);
    const context = {
      actor: envelope.actor,
      cycle: {
        cycleId,
        measureRefs: plan.status === 'adopted' ? [...plan.measures.keys()] : [],
        themeIds: plan.status === 'adopted' ? [...plan.themes.keys()] : [],
      },
    };
    const command: AppendixCommand =
      change.type === 'PlaceAgencyCaseStudy'
        ? { ...context, ...change, found: await this.agencyStudy(cycle, change.returnId, change.index) }
        : { ...context, ...change };
    const events = decideAppendices(command, state);
    // Under a savepoint in a request's own transaction (Idempotency-Key), so that being outrun can be tried again.
    const { nextExpectedVersion } = await this.store.appendWhileUnchanged(
      { streamId: appendicesStreamId(cycleId), expectedVersion: version, events },
      [],
      metadataFor(envelope, null),
      { recordedAt: this.clock.now() },
    );
    const data = events[0].data;
    const id = 'caseStudyId' in data ? data.caseStudyId : data.appendixId;
    return { id, version: nextExpectedVersion, status: events[0].type };
  }

  /** The study at `index` of a return the cycle requested, or null when there is no such one. */
  private async agencyStudy(
    cycle: Awaited<ReturnType<CycleRepository['load']>>['state'],
    returnId: string,
    index: number,
  ): Promise<PlacedCaseStudy | null> {
    const requested = cycle.status === 'none' || cycle.status === 'drafted' ? [] : cycle.returns;
    if (!requested.some((r) => r.returnId === returnId)) return null;
    const [found] = await this.returns.loadMany([returnId]);
    if (!found || !Number.isInteger(index) || index < 0 || index >= caseStudiesOf(found.state).length)
      return null;
    const { measureRef, themeId, agencyId } = found.state;
    return { returnId, index, measureRef, themeId, agencyId };
  }
}
