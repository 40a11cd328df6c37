import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../../database/src/index.js';

export type LeaseAttempt =
  | { acquired: true; expiresAt: Date; now: Date }
  /** Someone else's live lease: it is theirs at least until then (longer if they keep renewing). */
  | { acquired: false; until: Date };

/** Keeps a lease alive while its holder works; stop() when done. */
export interface LeaseKeeper {
  stop(): void;
}

/**
 * Who is sending a mail right now: one row per mail, its holder and when the lease lapses unless renewed. Every
 * time is PostgreSQL's, so workers on machines whose clocks disagree still agree on who holds a mail. A lease is
 * taken over only once it has lapsed, which a live sender never lets happen (it renews a third of the way in).
 */
@Injectable()
export class MailLeases {
  private readonly logger = new Logger('MailLeases');

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async acquire(mailId: string, holder: string, leaseMs: number): Promise<LeaseAttempt> {
    for (;;) {
      const taken: { expires_at: Date; now: Date }[] = await this.dataSource.query(
        `INSERT INTO mail_leases AS l (mail_id, holder, expires_at)
         VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (mail_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
           WHERE l.expires_at <= now()
         RETURNING expires_at, now() AS now`,
        [mailId, holder, leaseMs],
      );
      if (taken.length > 0) return { acquired: true, expiresAt: taken[0].expires_at, now: taken[0].now };
      const held: { expires_at: Date }[] = await this.dataSource.query(
        'SELECT expires_at FROM mail_leases WHERE mail_id = $1',
        [mailId],
      );
      // Released between the two statements: try again.
      if (held.length > 0) return { acquired: false, until: held[0].expires_at };
    }
  }

  /**
   * Many mails' leases in one statement: those taken, and until when each of the others is held (a lease let go
   * between the two statements shows as held until now, so its mail is simply tried again).
   */
  async acquireMany(
    mailIds: readonly string[],
    holder: string,
    leaseMs: number,
  ): Promise<{ acquired: Map<string, { expiresAt: Date; now: Date }>; held: Map<string, Date> }> {
    const acquired = new Map<string, { expiresAt: Date; now: Date }>();
    const held = new Map<string, Date>();
    if (mailIds.length === 0) return { acquired, held };
    const taken: { mail_id: string; expires_at: Date; now: Date }[] = await this.dataSource.query(
      `INSERT INTO mail_leases AS l (mail_id, holder, expires_at)
       SELECT DISTINCT m, $2, now() + $3 * interval '1 millisecond' FROM unnest($1::text[]) AS m
       ON CONFLICT (mail_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE l.expires_at <= now()
       RETURNING mail_id, expires_at, now() AS now`,
      [mailIds, holder, leaseMs],
    );
    for (const t of taken) acquired.set(t.mail_id, { expiresAt: t.expires_at, now: t.now });
    const others = mailIds.filter((id) => !acquired.has(id));
    if (others.length > 0) {
      const rows: { mail_id: string; expires_at: Date; now: Date }[] = await this.dataSource.query(
        `SELECT m AS mail_id, coalesce(l.expires_at, now()) AS expires_at FROM unnest($1::text[]) AS m
         LEFT JOIN mail_leases l ON l.mail_id = m`,
        [others],
      );
      for (const r of rows) held.set(r.mail_id, r.expires_at);
    }
    return { acquired, held };
  }

  /** Pushes the lease out again; false when it is no longer this holder's (it lapsed and was taken over). */
  async renew(mailId: string, holder: string, leaseMs: number): Promise<boolean> {
    const rows = returnedRows(
      await this.dataSource.query(
        `UPDATE mail_leases SET expires_at = now() + $3 * interval '1 millisecond'
         WHERE mail_id = $1 AND holder = $2 RETURNING mail_id`,
        [mailId, holder, leaseMs],
      ),
    );
    return rows.length > 0;
  }

  /** Renews the lease every third of its term until stopped, so it never lapses under a live sender. */
  keep(mailId: string, holder: string, leaseMs: number): LeaseKeeper {
    const timer = setInterval(
      () => {
        this.renew(mailId, holder, leaseMs).then(
          (held) => held || this.logger.warn(`lease on mail ${mailId} was lost while sending`),
          (error: Error) => this.logger.warn(`lease on mail ${mailId} not renewed: ${error.message}`),
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** keep() for many leases of one holder: one statement renews them all. */
  keepMany(
    mailIds: readonly string[],
    holder: string,
    leaseMs: number,
    /** Told when a renewal fails: the leases may lapse under the sender, who should stop sending. */
    onLost: () => void = () => undefined,
  ): LeaseKeeper {
    const timer = setInterval(
      () => {
        this.dataSource
          .query(
            `UPDATE mail_leases SET expires_at = now() + $3 * interval '1 millisecond'
             WHERE mail_id = ANY($1::text[]) AND holder = $2`,
            [mailIds, holder, leaseMs],
          )
          .catch((error: Error) => {
            onLost();
            this.logger.warn(`${mailIds.length} leases not renewed: ${error.message}`);
          });
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  async releaseMany(mailIds: readonly string[], holder: string): Promise<void> {
    if (mailIds.length === 0) return;
    await this.dataSource.query('DELETE FROM mail_leases WHERE mail_id = ANY($1::text[]) AND holder = $2', [
      mailIds,
      holder,
    ]);
  }

  async release(mailId: string, holder: string): Promise<void> {
    await this.dataSource.query('DELETE FROM mail_leases WHERE mail_id = $1 AND holder = $2', [
      mailId,
      holder,
    ]);
  }

  /** Leases of senders that died long ago: the next attempt would take them over anyway. */
  async prune(olderThanMs: number): Promise<number> {
    const rows = returnedRows(
      await this.dataSource.query(
        `DELETE FROM mail_leases WHERE expires_at < now() - $1 * interval '1 millisecond' RETURNING mail_id`,
        [olderThanMs],
      ),
    );
    return rows.length;
  }
}
