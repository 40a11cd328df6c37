import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../config/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { cycleStreamId } from '../../../returns/src/cycle/cycle.events.js';
import { CycleRepository } from '../../../returns/src/cycle/cycle.repository.js';
import { decideLinks } from '../../../returns/src/cycle/submission-links.decide.js';
import { DomainError } from '../../../returns/src/domain-error.js';
import { AuthService } from '../auth.service.js';
import { sha256 } from '../secrets.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const FAILED_ATTEMPTS_ALLOWED = 10;
export const FAILED_ATTEMPTS_WINDOW_MINUTES = 15;

/** Turns a submission link's token into a short session for its agency's returns in its cycle. */
@Injectable()
export class SubmissionLinkService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async exchange(token: string, ip: string): Promise<{ sessionId: string; cycleId: string }> {
    await this.refuseWhileRateLimited(ip);
    const found: { stream_id: string; link_id: string }[] = TOKEN.test(token)
      ? await this.dataSource.query(
          `SELECT stream_id, data->>'linkId' AS link_id FROM events
           WHERE type = 'SubmissionLinkIssued' AND data->>'tokenHash' = $1`,
          [sha256(token)],
        )
      : [];
    if (found.length === 0) {
      await this.recordFailure(ip);
      throw new DomainError('link-not-found', 'This link is not recognised. Check it was copied whole.', 404);
    }
    const cycleId = found[0].stream_id.replace(/^cycle:/, '');
    const { state } = await this.cycles.load(cycleId);
    let events;
    try {
      events = decideLinks({ type: 'UseLink', linkId: found[0].link_id }, state);
    } catch (error) {
      await this.recordFailure(ip);
      throw error;
    }
    if (state.status === 'none' || state.status === 'drafted')
      throw new DomainError('link-not-found', 'No such link', 404);
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

  private async refuseWhileRateLimited(ip: string): Promise<void> {
    const [{ failures }]: { failures: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS failures FROM link_failures
       WHERE ip = $1 AND failed_at > $2::timestamptz - make_interval(mins => $3)`,
      [ip, this.clock.now(), FAILED_ATTEMPTS_WINDOW_MINUTES],
    );
    if (failures >= FAILED_ATTEMPTS_ALLOWED) {
      throw new DomainError(
        'too-many-attempts',
        `Too many links that did not work from your address. Try again in ${FAILED_ATTEMPTS_WINDOW_MINUTES} minutes.`,
        429,
      );
    }
  }

  private async recordFailure(ip: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO link_failures (ip, failed_at) VALUES ($1, $2)`, [
      ip,
      this.clock.now(),
    ]);
  }
}
