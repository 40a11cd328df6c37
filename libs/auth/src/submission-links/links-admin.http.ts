import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig, Clock } from '../../../config/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { CorrelationId, CurrentActor } from '../../../http/src/index.js';
import { PlanRepository } from '../../../plan/src/plan.repository.js';
import { metadataFor } from '../../../returns/src/command-envelope.js';
import { CycleEvent, cycleStreamId } from '../../../returns/src/cycle/cycle.events.js';
import { CycleRepository } from '../../../returns/src/cycle/cycle.repository.js';
import { CycleState, evolveCycle } from '../../../returns/src/cycle/cycle.state.js';
import { decideLinks } from '../../../returns/src/cycle/submission-links.decide.js';
import { Actor, DomainError, samePartnershipOr404 } from '../../../returns/src/domain-error.js';
import { ReasonDto } from '../../../returns/src/return/return-commands.http.js';
import { AuthService } from '../auth.service.js';
import { mintLink } from '../secrets.js';

/** The coordinator's view of a cycle's links: who holds one, whether it was used; revoke and reissue. */
@ApiTags('submission links')
@Controller('cycles/:cycleId')
export class LinksAdminHttp {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('links')
  async list(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor) {
    const { state } = await this.load(cycleId, actor);
    if (actor.role !== 'coordinator')
      throw new DomainError('forbidden', 'Only a coordinator manages links', 403);
    const links = state.status === 'drafted' || state.status === 'none' ? [] : Object.values(state.links);
    return { links };
  }

  @Post('links/:linkId/revoke')
  @HttpCode(200)
  async revoke(
    @Param('cycleId') cycleId: string,
    @Param('linkId') linkId: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ) {
    const { state, version } = await this.load(cycleId, actor);
    const events = decideLinks({ type: 'RevokeLink', actor, linkId, reason: body.reason }, state);
    const result = await this.append(cycleId, version, events, actor, correlationId, body.reason);
    await this.auth.endLinkSessions(linkId);
    return { ...result, revoked: [linkId] };
  }

  /** Revokes the agency's live links and issues each of its current lead contacts a new one, mailed at once. */
  @Post('agencies/:agencyId/links/reissue')
  @HttpCode(200)
  async reissue(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ) {
    const { state, version } = await this.load(cycleId, actor);
    if (
      state.status === 'none' ||
      state.status === 'drafted' ||
      !state.returns.some((r) => r.agencyId === agencyId)
    ) {
      throw new DomainError('agency-not-in-cycle', 'That agency has no returns in this cycle', 404);
    }
    const partnership = await this.plans.partnership(state.partnershipId);
    const agency = partnership.status === 'registered' ? partnership.agencies.get(agencyId) : undefined;
    const live = Object.values(state.links).filter((l) => l.agencyId === agencyId && !l.revoked);
    const events: CycleEvent[] = [];
    let current: CycleState = state;
    for (const link of live) {
      const revoked = decideLinks(
        { type: 'RevokeLink', actor, linkId: link.linkId, reason: body.reason },
        current,
      );
      current = revoked.reduce(evolveCycle, current);
      events.push(...revoked);
    }
    const fresh = [...(agency?.contacts.values() ?? [])]
      .filter((c) => c.role === 'lead')
      .map((c) => mintLink(this.config.tokenPepper, agencyId, c.email));
    events.push(...decideLinks({ type: 'IssueLinks', actor, links: fresh }, current));
    const result = await this.append(cycleId, version, events, actor, correlationId, body.reason);
    for (const link of live) await this.auth.endLinkSessions(link.linkId);
    return { ...result, revoked: live.map((l) => l.linkId), issued: fresh.map((l) => l.linkId) };
  }

  private async load(cycleId: string, actor: Actor) {
    const loaded = await this.cycles.load(cycleId);
    if (loaded.state.status === 'none') throw new DomainError('cycle-not-found', `No cycle ${cycleId}`, 404);
    samePartnershipOr404(actor, loaded.state.partnershipId, 'cycle');
    return loaded;
  }

  private async append(
    cycleId: string,
    version: number,
    events: CycleEvent[],
    actor: Actor,
    correlationId: string,
    reason: string,
  ) {
    const { nextExpectedVersion } = await this.store.append(
      cycleStreamId(cycleId),
      version,
      events,
      metadataFor({ actor, correlationId }, reason),
      { recordedAt: this.clock.now() },
    );
    return { id: cycleId, version: nextExpectedVersion };
  }
}
