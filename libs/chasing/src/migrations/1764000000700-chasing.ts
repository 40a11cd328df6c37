import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chasing: the return-status read model the chase scheduler scans (all of it rebuildable from the events), and
 * the themes a reviewer looks after (empty: every theme), so a submission is announced to the right reviewers.
 */
export class Chasing1764000000700 implements MigrationInterface {
  name = 'Chasing1764000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chase_cycles (
        cycle_id text PRIMARY KEY,
        partnership_id text NOT NULL,
        status text NOT NULL,
        policy jsonb NOT NULL,
        opened_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE return_status (
        return_id text PRIMARY KEY,
        cycle_id text NOT NULL,
        agency_id text NOT NULL,
        theme_id text NOT NULL,
        measure_ref text NOT NULL,
        status text NOT NULL,
        due_date date NOT NULL
      )`);
    // The scan reads only what is still waiting for the agency.
    await q.query(
      `CREATE INDEX return_status_outstanding ON return_status (cycle_id, agency_id)
       WHERE status IN ('requested', 'draft')`,
    );
    await q.query(`
      CREATE TABLE chase_steps (
        cycle_id text NOT NULL,
        agency_id text NOT NULL,
        step text NOT NULL,
        kind text NOT NULL,
        state text NOT NULL CHECK (state IN ('requested', 'chased')),
        PRIMARY KEY (cycle_id, agency_id, step)
      )`);
    await q.query(`
      CREATE TABLE chase_mails (
        cycle_id text NOT NULL,
        agency_id text NOT NULL,
        step text NOT NULL,
        recipient text NOT NULL,
        role text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'claimed', 'retrying', 'sent', 'failed')),
        message_id text,
        reason text,
        PRIMARY KEY (cycle_id, agency_id, step, recipient)
      )`);
    await q.query(
      `CREATE INDEX chase_mails_unfinished ON chase_mails (cycle_id) WHERE state IN ('pending', 'claimed', 'retrying')`,
    );
    await q.query(`ALTER TABLE staff_accounts ADD COLUMN theme_ids text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE staff_accounts DROP COLUMN theme_ids');
    await q.query('DROP TABLE chase_mails');
    await q.query('DROP TABLE chase_steps');
    await q.query('DROP TABLE return_status');
    await q.query('DROP TABLE chase_cycles');
  }
}
