import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { EventMetadata } from '../event.js';
import { PersonalData } from '../personal-data/personal-data.js';
import { KeySql } from '../personal-data/personal-keys.js';

const BATCH = 500;

/**
 * Personal data that can be erased (issue 17 point 2): a key per person, and the one-off sealing of the names
 * and addresses already in event rows. This is the only time event rows are rewritten, and it must run before
 * the hash chain's backfill (a later timestamp), so the chain is computed over the sealed rows and verifies for
 * good: forgetting someone afterwards deletes a key, never a row.
 */
export class PersonalData1765092400000 implements MigrationInterface {
  name = 'PersonalData1765092400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE personal_data_secret (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        secret bytea NOT NULL
      )`);
    await q.query(`INSERT INTO personal_data_secret (secret) VALUES ($1)`, [randomBytes(32)]);
    // lookup: HMAC of the person's address; key: theirs, AES-256-GCM. Both go when they are forgotten.
    await q.query(`
      CREATE TABLE personal_keys (
        person_id uuid PRIMARY KEY,
        lookup text UNIQUE,
        key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        erased_reason text,
        CHECK ((key IS NULL) = (erased_at IS NOT NULL)),
        CHECK (key IS NOT NULL OR lookup IS NULL)
      )`);
    await sealExistingEvents({ query: (text: string, params?: unknown[]) => q.query(text, params) });
  }

  /** Back to clear text (for people not forgotten; the forgotten stay [erased]), then no keys. */
  async down(q: QueryRunner): Promise<void> {
    const personal = new PersonalData();
    const sql: KeySql = { query: (text: string, params?: unknown[]) => q.query(text, params) };
    for (let after = 0; ;) {
      const rows: { global_position: string; data: unknown; metadata: unknown }[] = await q.query(
        `SELECT global_position, data, metadata FROM events
         WHERE global_position > $1 AND (strpos(data::text, '"pii"') > 0 OR strpos(metadata::text, '"pii"') > 0)
         ORDER BY global_position LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      await personal.open(rows, sql);
      for (const row of rows) {
        await q.query(`UPDATE events SET data = $2, metadata = $3 WHERE global_position = $1`, [
          row.global_position,
          JSON.stringify(row.data),
          JSON.stringify(row.metadata),
        ]);
      }
      after = Number(rows[rows.length - 1].global_position);
    }
    await q.query('DROP TABLE personal_keys');
    await q.query('DROP TABLE personal_data_secret');
  }
}

/** Seals the names and addresses of event rows written before sealing existed; how many rows it changed. */
export async function sealExistingEvents(sql: KeySql): Promise<number> {
  const personal = new PersonalData();
  const q = sql;
  let changed = 0;
  for (let after = 0; ;) {
    const rows: { global_position: string; data: unknown; metadata: EventMetadata }[] = await q.query(
      `SELECT global_position, data, metadata FROM events
       WHERE global_position > $1 AND (strpos(data::text, '@') > 0 OR strpos(metadata::text, '@') > 0)
       ORDER BY global_position LIMIT ${BATCH}`,
      [after],
    );
    if (rows.length === 0) return changed;
    for (const row of rows) {
      const sealed = await personal.seal([{ type: '', data: row.data }], row.metadata, sql);
      if (sealed.events[0].data === row.data && sealed.metadata === row.metadata) continue;
      await q.query(`UPDATE events SET data = $2, metadata = $3 WHERE global_position = $1`, [
        row.global_position,
        JSON.stringify(sealed.events[0].data),
        JSON.stringify(sealed.metadata),
      ]);
      changed += 1;
    }
    after = Number(rows[rows.length - 1].global_position);
  }
}
