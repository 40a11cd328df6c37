import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ERASED, EventStore, transactionally } from '../../../event-store/src/index.js';
import { Clock, DomainError } from '../../../kernel/src/index.js';
import { PartnershipEvent, partnershipStreamId } from '../../../plan/src/index.js';
import { EvidenceEvent, evidenceStreamId } from '../evidence/evidence.events.js';
import { foldEvidence } from '../evidence/evidence.state.js';
import { ForgetPersonCommand } from '../forget-person/forget-person.command.js';
import { ForgetPersonHandler } from '../forget-person/forget-person.handler.js';
import { PUBLICATION_ERASURE, PublicationErasure } from '../forget-person/publication-erasure.port.js';
import { RetentionPeriods } from '../set-retention-periods/retention-periods.js';
import { RetentionSettings } from '../set-retention-periods/retention-settings.query.js';
import {
  ContactFact,
  CycleFact,
  decideRetentionDue,
  EvidenceFact,
  monthsBefore,
  RetentionDue,
} from './retention-due.js';

/** A file as the run holds it: the rule's fact and where its bytes are. */
type HeldFile = EvidenceFact & { storageKey: string };

/** What the next run would do for one partnership: the coordinator's "what would go next run". */
export interface RetentionDryRun {
  periods: RetentionPeriods;
  contacts: { name: string; email: string; agencyId: string; since: string }[];
  evidence: { returnId: string; evidenceId: string; title: string }[];
  /** Of this partnership: sessions and links' sessions ended before the cut-off, used or expired password links. */
  sessions: number;
  passwordLinks: number;
  mailBefore: string;
  sessionsBefore: string;
}

/** What one run did, over every partnership. */
export interface RetentionOutcome {
  forgotten: number;
  evidenceDeleted: number;
  rows: number;
}

export const RETENTION_REASON = 'Retention period';
const DAY = 24 * 60 * 60 * 1000;
const SYSTEM_ID = 'retention';

/**
 * Applies every partnership's retention periods at a given time (the daily job passes it in). Everything due is
 * worked out afresh from the events and read models on each run, never from the job's data, so a run that is
 * delivered twice, or after a crash, finds only what is still there: doing it again changes nothing.
 */
@Injectable()
export class RetentionRun {
  private readonly logger = new Logger('Retention');
  private readonly forget: ForgetPersonHandler;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RetentionSettings) private readonly settings: RetentionSettings,
    @Inject(Clock) clock: Clock,
    @Optional() @Inject(PUBLICATION_ERASURE) publications: PublicationErasure | null = null,
  ) {
    // The very path a coordinator's "Forget this person" takes: the same rule, event and erasure of copies, and
    // the publications that named the person re-issued without them.
    this.forget = new ForgetPersonHandler(store, dataSource, clock, null, publications);
  }

  /** The partnerships hosted here: each has a stream. */
  async partnerships(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT substr(stream_id, 13) AS id FROM streams WHERE stream_id LIKE 'partnership:%' ORDER BY stream_id`,
    );
    return rows.map((r) => r.id);
  }

  async dryRun(partnershipId: string, now: Date): Promise<RetentionDryRun> {
    const { periods, due } = await this.due(partnershipId, now);
    const [{ sessions, tokens }] = (await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM sessions WHERE partnership_id = $1 AND expires_at < $2) AS sessions,
              (SELECT count(*)::int FROM password_tokens t JOIN staff_accounts s USING (staff_id)
                WHERE s.partnership_id = $1 AND coalesce(t.used_at, t.expires_at) < $2) AS tokens`,
      [partnershipId, due.sessionsBefore.toISOString()],
    )) as { sessions: number; tokens: number }[];
    return {
      periods,
      contacts: due.contacts.map((c) => ({
        name: c.name,
        email: c.email,
        agencyId: c.agencyId,
        since: c.since.toISOString(),
      })),
      evidence: due.evidence.map(({ returnId, evidenceId, title }) => ({ returnId, evidenceId, title })),
      sessions,
      passwordLinks: tokens,
      mailBefore: due.mailBefore.toISOString(),
      sessionsBefore: due.sessionsBefore.toISOString(),
    };
  }

  /**
   * One run over every partnership, after any other run here has ended: the daily job and a worker's catch-up
   * (see catchUp) may come at once, and two runs forgetting the same contact or deleting the same file raced each
   * other's appends (one failed on a stale version).
   */
  async run(now: Date): Promise<RetentionOutcome> {
    return (await this.alone('wait', () => this.runOnce(now)))!;
  }

  private async runOnce(now: Date): Promise<RetentionOutcome> {
    const outcome: RetentionOutcome = { forgotten: 0, evidenceDeleted: 0, rows: 0 };
    let mailBefore: Date | null = null;
    let sessionsBefore: Date | null = null;
    for (const partnershipId of await this.partnerships()) {
      const { due } = await this.due(partnershipId, now);
      outcome.forgotten += await this.forgetContacts(partnershipId, due);
      outcome.evidenceDeleted += await this.deleteEvidence(due.evidence as HeldFile[], now);
      outcome.rows += await this.deleteRows(
        `DELETE FROM sessions WHERE partnership_id = $1 AND expires_at < $2`,
        [partnershipId, due.sessionsBefore],
      );
      outcome.rows += await this.deleteRows(
        `DELETE FROM password_tokens t USING staff_accounts s
         WHERE s.staff_id = t.staff_id AND s.partnership_id = $1 AND coalesce(t.used_at, t.expires_at) < $2`,
        [partnershipId, due.sessionsBefore],
      );
      // What no partnership owns (copies of mail, attempt records by hashed key) keeps to the shortest period.
      if (!mailBefore || due.mailBefore > mailBefore) mailBefore = due.mailBefore;
      if (!sessionsBefore || due.sessionsBefore > sessionsBefore) sessionsBefore = due.sessionsBefore;
    }
    if (mailBefore) {
      outcome.rows += await this.deleteRows(`DELETE FROM dev_mail WHERE received_at < $1`, [mailBefore]);
      outcome.rows += await this.deleteRows(
        `DELETE FROM owed_mails WHERE settled_at IS NOT NULL AND settled_at < $1`,
        [mailBefore],
      );
    }
    if (sessionsBefore) {
      outcome.rows += await this.deleteRows(`DELETE FROM attempt_throttles WHERE window_started_at < $1`, [
        sessionsBefore,
      ]);
    }
    // Last: a run killed part way has not run, and the next worker's catch-up does it again.
    await this.dataSource.query(
      `INSERT INTO retention_runs (id, last_ran_at) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET last_ran_at = greatest(retention_runs.last_ran_at, EXCLUDED.last_ran_at)`,
      [now.toISOString()],
    );
    if (outcome.forgotten + outcome.evidenceDeleted + outcome.rows > 0)
      this.logger.log(
        `retention: ${outcome.forgotten} people forgotten, ${outcome.evidenceDeleted} files' bytes deleted, ` +
          `${outcome.rows} rows deleted`,
      );
    return outcome;
  }

  /** When a run last ended (the daily job's or a catch-up's), or null if none has. */
  async lastRun(): Promise<Date | null> {
    const rows: { last_ran_at: Date }[] = await this.dataSource.query(
      `SELECT last_ran_at FROM retention_runs WHERE id = 1`,
    );
    return rows[0]?.last_ran_at ?? null;
  }

  /**
   * The run, if none has ended in the day before `now`: the daily job's 03:15 is skipped when Redis is away then
   * or no worker is up, and the erasure due would wait for the next (a week, for a worker down a week). One run
   * however many workers ask at once: the first takes a lock, the others find it taken, or the run recorded once
   * they have it. Null when there was nothing to catch up.
   *
   * A database where no run has ever ended (a new one, or one upgraded from a release before `retention_runs`)
   * missed no run: its first worker notes its start as when runs begin, and the daily job makes the first run (or a
   * catch-up a day on, if that is missed too). It used to run at once, and said a run the schedule missed was made,
   * on every new database, where nothing can be due.
   */
  async catchUp(now: Date): Promise<RetentionOutcome | null> {
    const last = await this.lastRun();
    if (last === null) {
      await this.dataSource.query(
        `INSERT INTO retention_runs (id, last_ran_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
        [now.toISOString()],
      );
      return null;
    }
    if (!this.isLate(last, now)) return null;
    return this.alone('or-skip', async () =>
      this.isLate(await this.lastRun(), now) ? this.runOnce(now) : null,
    );
  }

  /**
   * `work` under a session lock, on a connection of its own (the run's transactions are on others): it goes with
   * the connection if the worker dies. A catch-up that finds it taken skips (a run is under way); the daily job
   * waits for it.
   */
  private async alone<T>(taking: 'wait' | 'or-skip', work: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (taking === 'wait') {
        await runner.query(`SELECT pg_advisory_lock(hashtext('partner-returns-retention-run'))`);
      } else {
        const [{ taken }] = (await runner.query(
          `SELECT pg_try_advisory_lock(hashtext('partner-returns-retention-run')) AS taken`,
        )) as { taken: boolean }[];
        if (!taken) return null;
      }
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('partner-returns-retention-run'))`);
      }
    } finally {
      await runner.release();
    }
  }

  private isLate(last: Date | null, now: Date): boolean {
    return last !== null && now.getTime() - last.getTime() >= DAY;
  }

  private async due(
    partnershipId: string,
    now: Date,
  ): Promise<{ periods: RetentionPeriods; due: RetentionDue }> {
    const { state } = await this.settings.load(partnershipId);
    const cycles = await this.cycles(partnershipId);
    const contacts = await this.contacts(partnershipId);
    const evidenceCutoff = monthsBefore(now, state.periods.evidenceYears * 12);
    const evidence = await this.heldFiles(
      cycles.filter((c) => c.closedAt !== null && c.closedAt <= evidenceCutoff),
    );
    return {
      periods: state.periods,
      due: decideRetentionDue(state.periods, { contacts, cycles, evidence }, now),
    };
  }

  private async cycles(partnershipId: string): Promise<CycleFact[]> {
    const rows: { cycle_id: string; opened_at: Date | null; closed_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT cycle_id, opened_at, closed_at FROM report_cycles WHERE partnership_id = $1`,
        [partnershipId],
      );
    return rows.map((r) => ({ cycleId: r.cycle_id, openedAt: r.opened_at, closedAt: r.closed_at }));
  }

  /**
   * Every contact the partnership's events have named and not yet forgotten (a forgotten one reads [erased]),
   * with when they last left the plan: their removal, or their agency's retirement. Not one who is on its staff.
   */
  private async contacts(partnershipId: string): Promise<ContactFact[]> {
    const events = await this.store.readStream<PartnershipEvent>(partnershipStreamId(partnershipId));
    const on = new Map<string, { email: string; name: string; agencyId: string }>();
    const off = new Map<string, ContactFact>();
    const key = (agencyId: string, email: string) => `${agencyId} ${email.trim().toLowerCase()}`;
    for (const stored of events) {
      const e = { type: stored.type, data: stored.data } as PartnershipEvent;
      if (e.type === 'AgencyContactAdded' || e.type === 'AgencyContactChanged') {
        on.set(key(e.data.agencyId, e.data.email), { ...e.data });
      } else if (e.type === 'AgencyContactRemoved') {
        const k = key(e.data.agencyId, e.data.email);
        const was = on.get(k);
        on.delete(k);
        if (was) off.set(k, { ...was, removedAt: stored.recordedAt });
      } else if (e.type === 'AgencyRetired') {
        for (const [k, c] of [...on]) {
          if (c.agencyId !== e.data.agencyId) continue;
          on.delete(k);
          off.set(k, { ...c, removedAt: stored.recordedAt });
        }
      }
    }
    // A member of the partnership's staff is still here too, whatever the plan says (a coordinator once listed as
    // an agency's contact, say): an address is one person's key, so forgetting the contact erased the member of
    // staff from everything they had done while their account went on, their history reading [erased].
    const staff: { email: string }[] = await this.dataSource.query(
      `SELECT lower(trim(email)) AS email FROM staff_accounts WHERE partnership_id = $1`,
      [partnershipId],
    );
    const stillHere = new Set([
      ...[...on.values()].map((c) => c.email.trim().toLowerCase()),
      ...staff.map((s) => s.email),
    ]);
    const facts = new Map<string, ContactFact>();
    for (const c of off.values()) {
      const email = c.email.trim().toLowerCase();
      // On the plan still (for another agency, say) or on the staff: the same person, so kept; forgotten already:
      // nothing left.
      if (stillHere.has(email) || c.email === ERASED) continue;
      const seen = facts.get(email);
      if (!seen || seen.removedAt! < c.removedAt!) facts.set(email, c);
    }
    return [...facts.values()];
  }

  /** The files still held by the returns of these cycles, folded from their evidence streams. */
  private async heldFiles(cycles: CycleFact[]): Promise<HeldFile[]> {
    const files: HeldFile[] = [];
    for (const cycle of cycles) {
      const streams: { stream_id: string }[] = await this.dataSource.query(
        `SELECT stream_id FROM streams WHERE left(stream_id, $2) = $1`,
        [evidenceStreamId(`${cycle.cycleId}.`), `evidence:${cycle.cycleId}.`.length],
      );
      for (const { stream_id } of streams) {
        const returnId = stream_id.slice('evidence:'.length);
        const state = foldEvidence(await this.store.readStream<EvidenceEvent>(stream_id));
        for (const f of state.files)
          files.push({
            returnId,
            cycleId: cycle.cycleId,
            evidenceId: f.evidenceId,
            title: f.title,
            storageKey: f.storageKey,
          });
      }
    }
    return files;
  }

  private async forgetContacts(partnershipId: string, due: RetentionDue): Promise<number> {
    let forgotten = 0;
    for (const contact of due.contacts) {
      const envelope = {
        actor: { id: SYSTEM_ID, partnershipId, role: 'system' as const },
        correlationId: `retention-${partnershipId}`,
      };
      try {
        await this.forget.execute(new ForgetPersonCommand(envelope, contact.email, RETENTION_REASON));
        forgotten++;
      } catch (error) {
        // Another run (BullMQ delivers at least once) got there first: nothing is left to do. Or another
        // partnership still has them, whose data is not this partnership's retention to end.
        if (
          error instanceof DomainError &&
          ['person-not-found', 'person-forgotten', 'person-in-other-partnership'].includes(error.code)
        )
          continue;
        throw error;
      }
    }
    return forgotten;
  }

  /**
   * Each file: EvidenceRemoved on its return's evidence stream, by the system and with the reason, and its bytes
   * deleted, in one transaction. The EvidenceAttached event keeps its SHA-256, size and name for good.
   */
  private async deleteEvidence(files: HeldFile[], now: Date): Promise<number> {
    let deleted = 0;
    for (const file of files) {
      const streamId = evidenceStreamId(file.returnId);
      const events = await this.store.readStream<EvidenceEvent>(streamId);
      if (!foldEvidence(events).files.some((f) => f.evidenceId === file.evidenceId)) continue;
      await transactionally(this.dataSource, async (manager) => {
        await this.store.append(
          streamId,
          events.length,
          [
            {
              type: 'EvidenceRemoved',
              data: { evidenceId: file.evidenceId, reason: RETENTION_REASON, removedAt: now.toISOString() },
            },
          ],
          { actorId: SYSTEM_ID, actorRole: 'system', correlationId: `retention-${file.returnId}` },
          { recordedAt: now },
          manager,
        );
        await manager.query('DELETE FROM evidence_objects WHERE storage_key = $1', [file.storageKey]);
      });
      deleted++;
    }
    return deleted;
  }

  private async deleteRows(statement: string, params: unknown[]): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      params.map((p) => (p instanceof Date ? p.toISOString() : p)),
    );
    return rows[0].n;
  }
}
