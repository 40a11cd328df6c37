import { MigrationInterface, QueryRunner } from 'typeorm';
import { chainExistingEvents } from '../log-integrity/chain-existing-events.js';

/**
 * Issue 17 point 1, the tamper-evident log: every event's hash, chained to the previous event of its stream
 * (see log-integrity/event-hash.ts for what it covers), and each stream's head so the next append can chain on
 * without a second round trip. streams.head_hashes holds the hashes of the stream's last append, in order: the
 * append's one statement computes them once in the streams row update and the events insert takes them from
 * there; its last element is the stream's head.
 *
 * Events already stored are chained here, once (chainExistingEvents), with writers locked out meanwhile.
 * hash stays nullable: a row written around the store (the benchmark's bulk loader, some tests) simply fails
 * `npm run log:verify`, which is what a row nobody hashed should do.
 */
export class LogHashes1765092600100 implements MigrationInterface {
  name = 'LogHashes1765092600100';

  async up(q: QueryRunner): Promise<void> {
    // Each event's hash from its content (see log-integrity/event-hash.ts). IMMUTABLE: same inputs, same hashes;
    // the recorded time goes in as whole microseconds, so no time zone or text format is involved.
    await q.query(`
      CREATE FUNCTION event_chain(previous bytea, first_version integer, recorded_at timestamptz, contents text[])
      RETURNS bytea[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        micros text := (extract(epoch FROM recorded_at) * 1000000)::bigint::text;
        head bytea := previous;
        hashes bytea[] := '{}';
      BEGIN
        FOR i IN 1 .. coalesce(cardinality(contents), 0) LOOP
          head := sha256(convert_to(
            coalesce(encode(head, 'hex'), '') || '|' || (first_version + i - 1) || '|' || micros || '|' || contents[i],
            'UTF8'));
          hashes := hashes || head;
        END LOOP;
        RETURN hashes;
      END $$`);
    await q.query('ALTER TABLE events ADD COLUMN hash bytea');
    await q.query('ALTER TABLE streams ADD COLUMN head_hashes bytea[]');
    await q.query('LOCK TABLE streams, events IN EXCLUSIVE MODE');
    await chainExistingEvents(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE streams DROP COLUMN head_hashes');
    await q.query('ALTER TABLE events DROP COLUMN hash');
    await q.query('DROP FUNCTION event_chain(bytea, integer, timestamptz, text[])');
  }
}
