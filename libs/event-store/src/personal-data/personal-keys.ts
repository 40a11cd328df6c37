import { createHmac, createSecretKey, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { knownPeople, PersonalKey } from './known-people.js';
import { forgetKeyObject } from './personal-cipher.js';
import { normalEmail } from './personal-fields.js';

/** Anything that runs SQL: a DataSource or a transaction's EntityManager (the same `query`). */
export type KeySql = Pick<EntityManager, 'query'>;

export type { PersonalKey };

// One statement: new people are inserted, existing ones read. A person inserted meanwhile by another transaction
// is not in this statement's snapshot, so the caller asks once more for whoever is missing.
const FIND_OR_MAKE = `
  WITH made AS (
    INSERT INTO personal_keys (person_id, lookup, key)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])
    ON CONFLICT (lookup) DO NOTHING
    RETURNING person_id, lookup, key
  )
  SELECT person_id, lookup, key FROM made
  UNION ALL
  SELECT person_id, lookup, key FROM personal_keys WHERE lookup = ANY($2::text[])`;

/**
 * The key of each person, found by a keyed hash (HMAC-SHA-256) of their address, never by the address itself.
 * The hash's secret is held in the database (personal_data_secret, made by the migration) so the api, the worker,
 * the scripts and the migration agree without a new setting; it guards the table against a guessed address only
 * as well as the keys beside it guard the data, which is what crypto-shredding is for: erasure, not secrecy from
 * whoever holds the database (see the README, Personal data).
 */
export class PersonalKeys {
  /** A KeyObject, made once: the HMAC takes one faster than raw bytes, which it would wrap again every call. */
  private secret: Promise<KeyObject> | null = null;

  async lookupOf(sql: KeySql, email: string): Promise<string> {
    this.secret ??= sql
      .query('SELECT secret FROM personal_data_secret')
      .then((rows: { secret: Buffer }[]) => createSecretKey(rows[0].secret))
      .catch((error: unknown) => {
        this.secret = null;
        throw error;
      });
    return createHmac('sha256', await this.secret)
      .update(normalEmail(email))
      .digest('base64url');
  }

  /** Each address's person and key (by its normal form), making a person with a new key for a new address. */
  async forEmails(sql: KeySql, emails: readonly string[]): Promise<Map<string, PersonalKey>> {
    const byLookup = new Map<string, string>();
    for (const email of emails) byLookup.set(await this.lookupOf(sql, email), normalEmail(email));
    const found = new Map<string, PersonalKey>();
    // Those this request has already read from the table (see known-people.ts) need no query.
    const known = knownPeople();
    for (const [lookup, email] of byLookup) {
      const person = known?.get(lookup);
      if (person) found.set(email, person);
    }
    for (let attempt = 0; attempt < 2 && found.size < byLookup.size; attempt++) {
      const wanted = [...byLookup.keys()].filter((l) => !found.has(byLookup.get(l)!));
      // A key for each in case they are new (most are not): cut from one draw of random bytes, not one each.
      const fresh = randomBytes(32 * wanted.length);
      const rows: { person_id: string; lookup: string; key: Buffer }[] = await sql.query(FIND_OR_MAKE, [
        wanted.map(() => randomUUID()),
        wanted,
        wanted.map((_, i) => fresh.subarray(32 * i, 32 * (i + 1))),
      ]);
      for (const row of rows) {
        const person = { personId: row.person_id, key: row.key };
        found.set(byLookup.get(row.lookup)!, person);
        known?.set(row.lookup, person);
      }
    }
    if (found.size < byLookup.size) throw new Error('personal keys: a person could not be found or made');
    return found;
  }

  /** The keys of these people; a forgotten person's is null (and one never known is left out: also unreadable). */
  async byIds(sql: KeySql, personIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const known = knownPeople();
    const rows: { person_id: string; key: Buffer | null; lookup: string | null }[] = await sql.query(
      `SELECT person_id, key, ${known ? 'lookup' : 'NULL AS lookup'} FROM personal_keys
       WHERE person_id = ANY($1::uuid[])`,
      [personIds],
    );
    // A forgotten person has neither key nor lookup: only people still known are kept for this request's appends.
    for (const r of rows) if (r.key && r.lookup) known?.set(r.lookup, { personId: r.person_id, key: r.key });
    return new Map(rows.map((r) => [r.person_id, r.key]));
  }

  /** The person's key, null once forgotten, undefined for no such person. */
  async keyOf(sql: KeySql, personId: string): Promise<Buffer | null | undefined> {
    return (await this.byIds(sql, [personId])).get(personId);
  }

  /** The person an address belongs to, if it was ever written in an event and not forgotten since. */
  async personOf(sql: KeySql, email: string): Promise<string | null> {
    const rows: { person_id: string }[] = await sql.query(
      'SELECT person_id FROM personal_keys WHERE lookup = $1',
      [await this.lookupOf(sql, email)],
    );
    return rows[0]?.person_id ?? null;
  }

  /**
   * Deletes the person's key and the hash of their address, keeping when and why: every value sealed with the
   * key reads as [erased] from now on, and the address, written again later, is a new person. True if they were
   * still known.
   */
  async erase(sql: KeySql, personId: string, reason: string, at: Date): Promise<boolean> {
    // As a SELECT over the UPDATE: TypeORM answers a bare UPDATE in a shape of its own.
    const rows: unknown[] = await sql.query(
      `WITH erased AS (
         UPDATE personal_keys SET key = NULL, lookup = NULL, erased_at = $3, erased_reason = $2
         WHERE person_id = $1 AND key IS NOT NULL RETURNING person_id
       ) SELECT person_id FROM erased`,
      [personId, reason, at.toISOString()],
    );
    forgetKeyObject(personId);
    const known = knownPeople();
    for (const [lookup, person] of known ?? []) if (person.personId === personId) known!.delete(lookup);
    return rows.length > 0;
  }
}
