import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Clock, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import {
  commandTransactionOn,
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { cycleAsRead, CycleRepository } from '../cycle/cycle.repository.js';
import { decideReturn } from '../return/return.decide.js';
import { returnStreamId } from '../return/return.events.js';
import { ReturnRepository } from '../return/return.repository.js';
import { evolveReturn, isAwaitingAcceptance, isResolved } from '../return/return.state.js';
import { AgencyExtensionResult, ExtendAgencyDeadlineCommand } from './extend-agency-deadline.command.js';

/**
 * One DeadlineExtended per unresolved return of the agency, appended in one transaction at the versions read:
 * if any return refuses (its due date is already later) or moved on meanwhile, none is extended.
 */
@CommandHandler(ExtendAgencyDeadlineCommand)
export class ExtendAgencyDeadlineHandler implements ICommandHandler<ExtendAgencyDeadlineCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /**
   * A return of the agency written between the read and the append (its lead saving a draft at the deadline) is
   * no version the coordinator stated, only the cycle's is: the extension is decided again on the returns as
   * they now stand. A cycle closed in between is seen the same way, and the extension is then refused.
   */
  async execute(command: ExtendAgencyDeadlineCommand): Promise<AgencyExtensionResult> {
    if (commandTransactionOn(this.dataSource)) return this.extendOnce(command);
    return decidedAgainWhenOutrun(
      (streamId) => streamId.startsWith(returnStreamId('')) || streamId === cycleStreamId(command.cycleId),
      undefined,
      () => this.extendOnce(command),
    );
  }

  private async extendOnce(command: ExtendAgencyDeadlineCommand): Promise<AgencyExtensionResult> {
    const { envelope, cycleId, agencyId, dueDate, reason } = command;
    const { actor } = envelope;
    const { state: cycle, version } = await this.cycles.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    refuseStaleVersion(cycleStreamId(cycleId), envelope.expectedVersion, version);
    // decideReturn says the same for each return; said first, a reviewer hears 403 even with nothing to extend.
    if (actor.role !== 'coordinator') {
      throw new DomainError('forbidden', 'Only a coordinator can extend a deadline', 'forbidden');
    }
    const partnership = await this.plans.partnership(cycle.partnershipId);
    if (partnership.status === 'none' || !partnership.agencies.has(agencyId)) {
      throw new DomainError('agency-not-found', `No agency ${agencyId}`, 'not-found');
    }
    if (cycle.status !== 'open') {
      throw new DomainError(
        `cycle-${cycle.status}`,
        `Deadlines move only while the cycle is open`,
        'conflict',
      );
    }
    const unresolved = (await this.returns.loadMany(cycle.returns.map((r) => r.returnId))).filter(
      ({ state }) => state.agencyId === agencyId && !isResolved(state) && !isAwaitingAcceptance(state),
    );
    if (unresolved.length === 0) {
      throw new DomainError(
        'no-unresolved-returns',
        `${agencyId} has no return in this cycle still waiting to be approved`,
        'conflict',
      );
    }
    const appends = unresolved.map(({ state, version: at }) => ({
      streamId: returnStreamId(state.returnId),
      expectedVersion: at,
      events: decideReturn({ type: 'ExtendDeadline', actor, dueDate, reason }, state),
    }));
    const written = await this.store.appendMany(
      appends,
      // The reason is in each DeadlineExtended's data, held apart so that it can be redacted (REASON_TEXTS_HOOK):
      // a copy in the metadata would sit in every event row for good.
      metadataFor(envelope),
      { recordedAt: this.clock.now() },
      // As a return's own command does: no extension lands after the cycle's close.
      [cycleAsRead(cycleId, version)],
    );
    return {
      id: cycleId,
      version,
      status: cycle.status,
      agencyId,
      dueDate,
      returns: unresolved.map(({ state }, i) => ({
        id: state.returnId,
        version: written[i].nextExpectedVersion,
        status: appends[i].events.reduce(evolveReturn, state).status,
      })),
    };
  }
}
