import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { EventStore, Sql } from '../../../event-store/src/index.js';
import { Clock, mintLink } from '../../../kernel/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { CycleEvent, cycleStreamId, CycleRepository, decideLinks } from '../../../returns/src/index.js';
import { AfterTheAnswer } from '../background/after-the-answer.js';
import { holdingCycle } from '../submission-links/holding-cycle.js';
import { AttemptThrottle } from '../throttle/attempt-throttle.js';
import { clientAddress } from '../throttle/client-address.js';
import { newLinkRules } from '../throttle/throttle-rules.js';

/** The page where an agency lead whose link expired asks for another. */
export const NEW_LINK_PAGE = '/link/new';

/** A link asked for by email works for a day: long enough to find the mail, short enough not to linger. */
export const REQUESTED_LINK_HOURS = 24;

/**
 * "My link has expired: send me a new one". Anyone can type an email address, so the answer never says whether
 * it is known, the link goes only to that registered address (through the mail ledger, like every link), and
 * it works once and for a day. The contact's earlier links keep working: a stranger typing a lead's address
 * must not be able to cut off the link the lead is using.
 */
@Injectable()
export class RequestNewLink implements BeforeApplicationShutdown {
  private readonly logger = new Logger('RequestNewLink');
  private readonly afterTheAnswer: AfterTheAnswer;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(AttemptThrottle) private readonly throttle: AttemptThrottle,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.afterTheAnswer = new AfterTheAnswer(dataSource, this.logger);
  }

  /**
   * Issues a new link for every open cycle where this address is a lead contact of an agency asked for returns.
   * Throws TooManyAttempts past the limits; otherwise returns nothing, whoever the address belongs to. Every
   * request counts against the address typed and the client's address, found or not.
   */
  async request(
    email: string,
    ip: string | undefined,
    /** Calls `go` once the answer has gone (the page's response closed): the work starts then. */
    answered: (go: () => void) => void = (go) => go(),
  ): Promise<void> {
    const wanted = email.trim().toLowerCase();
    const attempt = await this.throttle.begin(newLinkRules(wanted, clientAddress(ip)));
    await this.throttle.settle(attempt, true);
    // After the answer: deciding the link holding the cycle's row, appending it and queuing its mail made the
    // answer to a lead's address about 25 ms later than to an unknown one (medians of 40), which told an attacker
    // who leads an agency. The limits are unchanged: every request is counted before this, known or not.
    this.afterTheAnswer.start('new link not issued', () => this.issueFor(wanted), answered);
  }

  /** Links still being issued finish before the api stops. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.afterTheAnswer.finished();
  }

  private async issueFor(email: string): Promise<void> {
    for (const cycleId of await this.openCycleIds()) {
      // Most addresses lead nothing in most cycles: looked at first without holding the cycle, so a stranger's
      // request holds up no lead's draft.
      if ((await this.decideIn(cycleId, email)) === null) continue;
      // A cycle's stream takes other writes too (links used as leads click): retried three times, the request
      // was outrun by a burst of them each time (409), and a known address answered differently (a conflict page)
      // from an unknown one. Decided again holding the cycle's row, nothing can outrun it.
      await holdingCycle(this.dataSource, cycleId, async (held) => {
        const decided = await this.decideIn(cycleId, email, held);
        if (decided) await this.issue(cycleId, email, decided);
      });
    }
  }

  /** The new links the address is owed in the cycle, read through `sql` (the pool when not given); null if none. */
  private async decideIn(
    cycleId: string,
    email: string,
    sql?: Sql,
  ): Promise<{ version: number; events: CycleEvent[] } | null> {
    const { state, version } = await this.cycles.load(cycleId, undefined, sql);
    if (state.status !== 'open') return null;
    const partnership = await this.plans.partnership(state.partnershipId, undefined, sql);
    if (partnership.status !== 'registered') return null;
    const asked = new Set(state.returns.map((r) => r.agencyId));
    const expiresAt = new Date(this.clock.now().getTime() + REQUESTED_LINK_HOURS * 3_600_000).toISOString();
    // One link per agency the address leads (a person can lead more than one), all in one append.
    const events = [...partnership.agencies.values()].flatMap((agency) => {
      const contact = [...agency.contacts.values()].find(
        (c) => c.role === 'lead' && c.email.toLowerCase() === email,
      );
      if (agency.retired || !asked.has(agency.id) || !contact) return [];
      const link = {
        ...mintLink(this.config.tokenPepper, agency.id, contact.email),
        expiresAt,
        singleUse: true as const,
      };
      return decideLinks({ type: 'IssueRequestedLink', link }, state);
    });
    return events.length === 0 ? null : { version, events };
  }

  private async issue(
    cycleId: string,
    email: string,
    { version, events }: { version: number; events: CycleEvent[] },
  ): Promise<void> {
    // On the record as the contact's own request; the mail follows from the event, through the ledger.
    await this.store.append(
      cycleStreamId(cycleId),
      version,
      events,
      {
        actorId: email,
        actorRole: 'agency-lead',
        correlationId: `new-link-${cycleId}`.slice(0, 100),
        reason: 'The contact asked for a new link',
      },
      { recordedAt: this.clock.now() },
    );
    this.logger.log(`${events.length} new link(s) issued on request in ${cycleId}`);
  }

  /** Cycles opened and not closed since, read from their events (a handful at any time). */
  private async openCycleIds(): Promise<string[]> {
    const rows: { stream_id: string }[] = await this.dataSource.query(
      `SELECT o.stream_id FROM events o
       WHERE o.type = 'CycleOpened'
         AND NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = o.stream_id AND c.type = 'CycleClosed')
       ORDER BY o.global_position DESC`,
    );
    return rows.map((r) => r.stream_id.replace(/^cycle:/, ''));
  }
}
