import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DomainError, sha256 } from '../../../kernel/src/index.js';
import { ConcurrencyError, EventStore } from '../../../event-store/src/index.js';
import { cycleStreamId, CycleRepository, decideLinks } from '../../../returns/src/index.js';
import { partnershipStreamId, PlanRepository } from '../../../plan/src/index.js';
import { AuthService } from '../auth.service.js';
import { contactListed } from './contact-listed.js';
import { OneAtATime } from './one-at-a-time.js';
import { inOneCommandTransaction } from '../../../event-store/src/index.js';
import { AttemptThrottle } from '../throttle/attempt-throttle.js';
import { clientAddress } from '../throttle/client-address.js';
import { linkRules } from '../throttle/throttle-rules.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Tries of a use outrun by writes to its cycle from elsewhere (another api process, a revoke). */
const USE_TRIES = 8;

/** What a link's landing page says about it, read without changing anything (mail scanners follow links). */
export type LinkLanding =
  | { state: 'not-found' }
  | {
      state: 'usable' | 'expired' | 'revoked' | 'used' | 'lapsed';
      partnershipName: string;
      cycleLabel: string;
      agencyName: string;
      dueDate: string;
      returnsAsked: number;
      /** For a link the contact asked for: when it stops working. */
      expiresAt: string | null;
    };

/** Turns a submission link's token into a short session for its agency's returns in its cycle. */
@Injectable()
export class SubmissionLinkService {
  private readonly usesOfCycle = new OneAtATime();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AttemptThrottle) private readonly throttle: AttemptThrottle,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  async exchange(token: string, ip: string | undefined): Promise<{ sessionId: string; cycleId: string }> {
    // Every lookup holds a place under the address's throttle until it is known to have failed or not.
    const attempt = await this.throttle.begin(linkRules(clientAddress(ip)));
    let failed = true;
    try {
      const result = await this.lookUpAndUseAgain(token);
      failed = false;
      return result;
    } catch (error) {
      // A link that exists but no longer works (revoked, expired) is a failure too; our own faults are not.
      failed = error instanceof DomainError;
      throw error;
    } finally {
      await this.throttle.settle(attempt, failed);
    }
  }

  /**
   * What the landing page shows. The page tells a live token from a made-up one, so it is throttled like the
   * exchange: a token not found counts as a failure under the address's limit.
   */
  async landing(token: string, ip: string | undefined): Promise<LinkLanding> {
    const attempt = await this.throttle.begin(linkRules(clientAddress(ip)));
    let failed = true;
    try {
      const landing = await this.describe(token);
      failed = landing.state === 'not-found';
      return landing;
    } finally {
      await this.throttle.settle(attempt, failed);
    }
  }

  private async describe(token: string): Promise<LinkLanding> {
    const found = await this.find(token);
    if (found.length === 0) return { state: 'not-found' };
    const cycleId = found[0].stream_id.replace(/^cycle:/, '');
    const { state } = await this.cycles.load(cycleId);
    if (state.status === 'none' || state.status === 'drafted') return { state: 'not-found' };
    const link = state.links[found[0].link_id];
    if (!link) return { state: 'not-found' };
    const partnership = await this.plans.partnership(state.partnershipId);
    const registered = partnership.status === 'registered' ? partnership : undefined;
    const now = this.clock.now().toISOString();
    return {
      state:
        link.revoked || !contactListed(partnership, link)
          ? 'revoked'
          : state.status !== 'open'
            ? 'expired'
            : link.singleUse && link.uses > 0
              ? 'used'
              : link.expiresAt && now >= link.expiresAt
                ? 'lapsed'
                : 'usable',
      partnershipName: registered?.name ?? state.partnershipId,
      cycleLabel: state.label,
      agencyName: registered?.agencies.get(link.agencyId)?.name ?? link.agencyId,
      dueDate: state.dueDate,
      returnsAsked: state.returns.filter((r) => r.agencyId === link.agencyId).length,
      expiresAt: link.expiresAt ?? null,
    };
  }

  private find(token: string): Promise<{ stream_id: string; link_id: string }[]> {
    return TOKEN.test(token)
      ? this.dataSource.query(
          `SELECT stream_id, data->>'linkId' AS link_id FROM events
           WHERE type = 'SubmissionLinkIssued' AND data->>'tokenHash' = $1`,
          [sha256(token)],
        )
      : Promise.resolve([]);
  }

  /**
   * A link is used at the version it was read at. When the cycle was written meanwhile (another link used, this
   * one by a second post at the same moment, or revoked), it is read and decided again: the second post of a
   * one-use link then finds it used, a revoked link is refused. Uses of one cycle in this process go one at a time,
   * so the morning the links go out, leads clicking at once do not outrun each other; one outrun by another
   * process's use waits a moment, more each time and never the same as its rival's, before trying again.
   */
  private async lookUpAndUseAgain(token: string): Promise<{ sessionId: string; cycleId: string }> {
    const found = await this.find(token);
    if (found.length === 0) {
      throw new DomainError(
        'link-not-found',
        'This link is not recognised. Check it was copied whole.',
        'not-found',
      );
    }
    const cycleId = found[0].stream_id.replace(/^cycle:/, '');
    const linkId = found[0].link_id;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.usesOfCycle.run(cycleId, () => this.use(cycleId, linkId));
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt === USE_TRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));
      }
    }
  }

  private async use(cycleId: string, linkId: string): Promise<{ sessionId: string; cycleId: string }> {
    const { state, version } = await this.cycles.load(cycleId);
    const opened = state.status === 'none' || state.status === 'drafted' ? null : state;
    const issued = opened?.links[linkId];
    // The plan's version is read before the plan, so the append below can confirm it is still the plan judged.
    const planStream = opened ? partnershipStreamId(opened.partnershipId) : null;
    const planVersion = planStream ? ((await this.store.streamVersion(planStream)) ?? 0) : 0;
    const contactRemoved =
      opened !== null &&
      issued !== undefined &&
      !contactListed(await this.plans.partnership(opened.partnershipId), issued);
    const events = decideLinks(
      { type: 'UseLink', linkId, now: this.clock.now().toISOString(), contactRemoved },
      state,
    );
    if (state.status === 'none' || state.status === 'drafted')
      throw new DomainError('link-not-found', 'No such link', 'not-found');
    const link = state.links[linkId];
    // Every use is on the record: who opened the link and when. The use is appended at the version it was
    // decided on, with the plan unchanged since, and its session made in the same transaction: a revoke, a
    // close or the contact's removal that came meanwhile makes it decide again (and be refused), and one that
    // comes after waits for this commit and ends the session with the rest. Appended at any version, a use read
    // before a revoke was recorded after it and its session outlived the revoke (an attacker's probe kept a
    // leaked link's session so).
    return inOneCommandTransaction(this.dataSource, async () => {
      await this.store.appendWhileUnchanged(
        { streamId: cycleStreamId(cycleId), expectedVersion: version, events },
        planStream ? [{ streamId: planStream, version: planVersion, wait: true }] : [],
        {
          actorId: link.contactEmail,
          actorRole: 'agency-lead',
          correlationId: `link-${link.linkId.slice(0, 8)}`,
        },
        { recordedAt: this.clock.now() },
      );
      const sessionId = await this.auth.createLinkSession({
        linkId: link.linkId,
        partnershipId: state.partnershipId,
        cycleId,
        agencyId: link.agencyId,
        contactEmail: link.contactEmail,
      });
      return { sessionId, cycleId };
    });
  }
}
