import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  Clock,
  Actor,
  DomainError,
  samePartnershipOr404,
  mintLink,
  requireReason,
} from '../../../kernel/src/index.js';
import { decidedAgainWhenOutrun, EventStore, metadataFor, Sql } from '../../../event-store/src/index.js';
import { linkableLeads, PlanRepository } from '../../../plan/src/index.js';
import {
  CycleEvent,
  cycleStreamId,
  CycleRepository,
  CycleLink,
  CycleState,
  evolveCycle,
  decideLinks,
} from '../../../returns/src/index.js';
import { contactListed } from './contact-listed.js';
import { holdingCycle } from './holding-cycle.js';

export type ListedLink = CycleLink & { contactRemoved: boolean };

/** A coordinator's work on a cycle's links: list them, revoke one, reissue an agency's. Used by API and pages. */
@Injectable()
export class LinksAdmin {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The cycle's links, each saying whether its contact has since been removed from the plan (it no longer opens). */
  async list(cycleId: string, actor: Actor): Promise<ListedLink[]> {
    const { state } = await this.load(cycleId, actor);
    if (actor.role !== 'coordinator')
      throw new DomainError('forbidden', 'Only a coordinator manages links', 'forbidden');
    if (state.status === 'drafted' || state.status === 'none') return [];
    const partnership = await this.plans.partnership(state.partnershipId);
    return Object.values(state.links).map((link) => ({
      ...link,
      contactRemoved: !contactListed(partnership, link),
    }));
  }

  /**
   * Every use of a link is written to the cycle, so a revoke decided on the cycle as read is often outrun by one:
   * it is decided again on the cycle as it now stands (a link's holder using it in a loop kept the coordinator
   * from revoking it, each try refused as stale). It holds the cycle's row while it decides (see holdingCycle).
   */
  revoke(cycleId: string, linkId: string, reason: string, actor: Actor, correlationId: string) {
    return decidedAgainWhenOutrun(cycleStreamId(cycleId), undefined, () =>
      holdingCycle(this.dataSource, cycleId, (held) =>
        this.revokeOnce(cycleId, linkId, reason, actor, correlationId, held),
      ),
    );
  }

  /**
   * Revokes the agency's live links and issues each of its current lead contacts a new one, mailed at once. The
   * reason is held to the rule here: with no live link to revoke, no RevokeLink decision checks it, and the
   * dashboard's form (which has no API body's limits) put whatever it was given into the events' metadata.
   */
  async reissue(cycleId: string, agencyId: string, reason: string, actor: Actor, correlationId: string) {
    const checked = requireReason(reason, 'send a new link');
    return decidedAgainWhenOutrun(cycleStreamId(cycleId), undefined, () =>
      holdingCycle(this.dataSource, cycleId, (held) =>
        this.reissueOnce(cycleId, agencyId, checked, actor, correlationId, held),
      ),
    );
  }

  private async revokeOnce(
    cycleId: string,
    linkId: string,
    reason: string,
    actor: Actor,
    correlationId: string,
    held: Sql,
  ) {
    const { state, version } = await this.load(cycleId, actor, held);
    const events = decideLinks({ type: 'RevokeLink', actor, linkId, reason }, state);
    // Its sessions end in the append's transaction (LINK_SESSIONS_END_HOOK).
    const result = await this.append(cycleId, version, events, actor, correlationId);
    return { ...result, revoked: [linkId] };
  }

  private async reissueOnce(
    cycleId: string,
    agencyId: string,
    reason: string,
    actor: Actor,
    correlationId: string,
    held: Sql,
  ) {
    const { state, version } = await this.load(cycleId, actor, held);
    if (
      state.status === 'none' ||
      state.status === 'drafted' ||
      !state.returns.some((r) => r.agencyId === agencyId)
    ) {
      throw new DomainError('agency-not-in-cycle', 'That agency has no returns in this cycle', 'not-found');
    }
    const partnership = await this.plans.partnership(state.partnershipId, undefined, held);
    const agency = partnership.status === 'registered' ? partnership.agencies.get(agencyId) : undefined;
    const fresh = linkableLeads(agency).map((c) => mintLink(this.config.tokenPepper, agencyId, c.email));
    // No one to send a new link to (the lead forgotten, reading [erased]): revoking the links and sending none
    // answered "new links sent" on the page, and once nothing was left to revoke, 500 (nothing to append).
    if (fresh.length === 0) {
      throw new DomainError(
        'no-lead-contact',
        'No new link was sent: the agency has no lead contact a link can go to. Add one on the plan page first',
        'conflict',
      );
    }
    const live = Object.values(state.links).filter((l) => l.agencyId === agencyId && !l.revoked);
    const events: CycleEvent[] = [];
    let current: CycleState = state;
    for (const link of live) {
      const revoked = decideLinks({ type: 'RevokeLink', actor, linkId: link.linkId, reason }, current);
      current = revoked.reduce(evolveCycle, current);
      events.push(...revoked);
    }
    events.push(...decideLinks({ type: 'IssueLinks', actor, links: fresh }, current));
    const result = await this.append(cycleId, version, events, actor, correlationId);
    return { ...result, revoked: live.map((l) => l.linkId), issued: fresh.map((l) => l.linkId) };
  }

  private async load(cycleId: string, actor: Actor, sql?: Sql) {
    const loaded = await this.cycles.load(cycleId, undefined, sql);
    if (loaded.state.status === 'none')
      throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, loaded.state.partnershipId, 'cycle', cycleId);
    return loaded;
  }

  private async append(
    cycleId: string,
    version: number,
    events: CycleEvent[],
    actor: Actor,
    correlationId: string,
  ) {
    // Under a savepoint in a request's own transaction (Idempotency-Key), so that being outrun can be tried again.
    // The reason stays out of the metadata: each SubmissionLinkRevoked holds it apart (CYCLE_REASON_TEXTS), where
    // it can be redacted, and a copy in the metadata would keep it readable in the log for good.
    const { nextExpectedVersion } = await this.store.appendWhileUnchanged(
      { streamId: cycleStreamId(cycleId), expectedVersion: version, events },
      [],
      metadataFor({ actor, correlationId }),
      { recordedAt: this.clock.now() },
    );
    return { id: cycleId, version: nextExpectedVersion };
  }
}
