import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  mintLink,
  Clock,
  CommandResult,
  DomainError,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { linkableLeads, PlanRepository } from '../../../plan/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { signOffOf } from '../cycle/sign-off.js';
import { decideCycle } from '../cycle/cycle.decide.js';
import { evolveCycle } from '../cycle/cycle.state.js';
import { decideLinks } from '../cycle/submission-links.decide.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { returnStreamId } from '../return/return.events.js';
import { OpenCycleCommand } from './open-cycle.command.js';

/**
 * Opening a cycle requests every return and issues every agency lead a submission link, in one transaction:
 * the cycle is never open without its returns, and the links' mails follow from the stored events.
 */
@CommandHandler(OpenCycleCommand)
export class OpenCycleHandler implements ICommandHandler<OpenCycleCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ envelope, cycleId, measureRefs }: OpenCycleCommand): Promise<CommandResult> {
    const { state, version } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'cycle', cycleId);
    refuseStaleVersion(cycleStreamId(cycleId), envelope.expectedVersion, version);
    const plan = await this.plans.plan(state.partnershipId, state.planId);
    const planMeasures =
      plan.status === 'adopted'
        ? [...plan.measures.values()]
            .sort((a, b) => a.position - b.position)
            .map((m) => ({
              ref: m.ref,
              themeId: m.themeId,
              leadAgencyId: m.leadAgencyId,
            }))
        : [];
    const now = this.clock.now();
    const events = decideCycle(
      { type: 'OpenCycle', actor: envelope.actor, now, planMeasures, measureRefs },
      state,
    );
    const partnership = await this.plans.partnership(state.partnershipId);
    const agencies = new Set(
      events.flatMap((e) => (e.type === 'CycleOpened' ? e.data.returns.map((r) => r.agencyId) : [])),
    );
    const links = [...agencies].flatMap((agencyId) => {
      const agency = partnership.status === 'registered' ? partnership.agencies.get(agencyId) : undefined;
      return linkableLeads(agency).map((c) => mintLink(this.config.tokenPepper, agencyId, c.email));
    });
    events.push(
      ...decideLinks({ type: 'IssueLinks', actor: envelope.actor, links }, events.reduce(evolveCycle, state)),
    );
    const opened = events.find((e) => e.type === 'CycleOpened');
    const requests = (opened?.type === 'CycleOpened' ? opened.data.returns : []).map((r) => ({
      streamId: returnStreamId(r.returnId),
      expectedVersion: 'no_stream' as const,
      events: [
        {
          type: 'ReturnRequested',
          data: {
            returnId: r.returnId,
            cycleId,
            partnershipId: state.partnershipId,
            planId: state.planId,
            measureRef: r.measureRef,
            themeId: r.themeId,
            agencyId: r.agencyId,
            dueDate: state.dueDate,
            signOff: signOffOf(state.signOff),
          },
        },
      ],
    }));
    const [cycle] = await this.store.appendMany(
      [{ streamId: cycleStreamId(cycleId), expectedVersion: version, events }, ...requests],
      metadataFor(envelope),
      { recordedAt: now },
    );
    return { id: cycleId, version: cycle.nextExpectedVersion, status: 'open' };
  }
}
