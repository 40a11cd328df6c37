import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DomainError, sha256 } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { cycleStreamId, CycleRepository, decideLinks } from '../../../returns/src/index.js';
import { AuthService } from '../auth.service.js';
import { AttemptThrottle } from '../throttle/attempt-throttle.js';
import { clientAddress } from '../throttle/client-address.js';
import { linkRules } from '../throttle/throttle-rules.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Turns a submission link's token into a short session for its agency's returns in its cycle. */
@Injectable()
export class SubmissionLinkService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AttemptThrottle) private readonly throttle: AttemptThrottle,
  ) {}

  async exchange(token: string, ip: string | undefined): Promise<{ sessionId: string; cycleId: string }> {
    // Every lookup holds a place under the address's throttle until it is known to have failed or not.
    const attempt = await this.throttle.begin(linkRules(clientAddress(ip)));
    let failed = true;
    try {
      const result = await this.lookUpAndUse(token);
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

  private async lookUpAndUse(token: string): Promise<{ sessionId: string; cycleId: string }> {
    const found: { stream_id: string; link_id: string }[] = TOKEN.test(token)
      ? await this.dataSource.query(
          `SELECT stream_id, data->>'linkId' AS link_id FROM events
           WHERE type = 'SubmissionLinkIssued' AND data->>'tokenHash' = $1`,
          [sha256(token)],
        )
      : [];
    if (found.length === 0) {
      throw new DomainError(
        'link-not-found',
        'This link is not recognised. Check it was copied whole.',
        'not-found',
      );
    }
    const cycleId = found[0].stream_id.replace(/^cycle:/, '');
    const { state } = await this.cycles.load(cycleId);
    const events = decideLinks({ type: 'UseLink', linkId: found[0].link_id }, state);
    if (state.status === 'none' || state.status === 'drafted')
      throw new DomainError('link-not-found', 'No such link', 'not-found');
    const link = state.links[found[0].link_id];
    // Every use is on the record: who opened the link and when.
    await this.store.append(
      cycleStreamId(cycleId),
      'any',
      events,
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
  }
}
