import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail ledger's two tables beside its events. mail_leases: who is sending a mail now, renewed while the
 * sender lives (a heartbeat has no place in the event log). owed_mails: every mail job an event owes, written by
 * the outbox relay in the transaction that moves its checkpoint and settled once the ledger has the mail's
 * outcome, so a Redis that comes back empty loses no mail (the worker re-enqueues what is unsettled).
 *
 * Nothing is backfilled: mail jobs the relay handed to Redis before this migration carry no record either way
 * (submission-link mails had no ledger at all) and are presumed sent; re-sending them would mail every lead of an
 * open cycle a second link. Events the relay has not reached yet are recorded when it does.
 */
export class MailLedger1765030000100 implements MigrationInterface {
  name = 'MailLedger1765030000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_leases (
        mail_id text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE owed_mails (
        job_id text PRIMARY KEY,
        job_name text NOT NULL,
        job_data jsonb NOT NULL,
        event_position bigint NOT NULL,
        owed_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz,
        outcome text
      )`);
    // Reconciliation reads only what is still owed.
    await q.query(`CREATE INDEX owed_mails_unsettled ON owed_mails (job_id) WHERE settled_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE owed_mails');
    await q.query('DROP TABLE mail_leases');
  }
}
