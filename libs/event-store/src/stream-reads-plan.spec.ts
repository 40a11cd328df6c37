import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { READ_STREAM_TAILS, READ_STREAMS, STREAM_VERSIONS } from './event-store.js';

/**
 * Reads of many streams at once must probe the index once per stream, whatever PostgreSQL believes about the
 * table. Here its statistics are taken while the log holds only long streams (as a young log holds the plan and
 * partnership streams) and 20,000 short ones are added after: the state in which a chase saw the stream tails
 * read hash the whole events table, 65-95 ms a call.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('stream_reads_plan');
  // Autovacuum would analyse again before long: the statistics must stay those of the long streams alone.
  await db.dataSource.query(`
    ALTER TABLE events SET (autovacuum_enabled = false);
    ALTER TABLE streams SET (autovacuum_enabled = false);
    INSERT INTO events (stream_id, version, type, schema_version, data, metadata)
    SELECT 'plan:p' || s, v, 'Counted', 1, jsonb_build_object('n', v), '{}'
    FROM generate_series(1, 40) s, generate_series(1, 1000) v;
    INSERT INTO streams (stream_id, version) SELECT 'plan:p' || s, 1000 FROM generate_series(1, 40) s;
    ANALYZE events;
    ANALYZE streams;
    INSERT INTO events (stream_id, version, type, schema_version, data, metadata)
    SELECT 'return:r' || s, 1, 'Counted', 1, '{"n":1}', '{}' FROM generate_series(1, 20000) s;
    INSERT INTO streams (stream_id, version) SELECT 'return:r' || s, 1 FROM generate_series(1, 20000) s;`);
}, 60_000);
afterAll(() => db.drop());

const returns = (n: number) => Array.from({ length: n }, (_, i) => `return:r${i * 7 + 1}`);

async function plan(sql: string, params: unknown[]): Promise<string> {
  const rows: { 'QUERY PLAN': string }[] = await db.dataSource.query(`EXPLAIN ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

it('is a state in which the plain forms of these reads scan whole tables', async () => {
  // Without this the tests below could pass for want of a table worth scanning. A hash or merge join reads every
  // event (or every index entry) to find a few hundred.
  const ids = returns(800);
  expect(await plan('SELECT * FROM streams WHERE stream_id = ANY($1::text[])', [ids])).toMatch(
    /Seq Scan on streams/,
  );
  expect(
    await plan(
      `SELECT * FROM events JOIN unnest($1::text[], $2::integer[]) AS tail(tail_stream_id, from_version)
         ON stream_id = tail_stream_id AND version >= from_version ORDER BY stream_id, version`,
      [ids, ids.map(() => 1)],
    ),
  ).toMatch(/Seq Scan on events|Hash Join|Merge Join/);
});

it.each([100, 800])('reads the tails of %i streams one index range each', async (n) => {
  const ids = returns(n);
  const shown = await plan(READ_STREAM_TAILS, [ids, ids.map(() => 1)]);
  expect(shown).not.toMatch(/Seq Scan|Hash Join/);
  expect(shown).toMatch(/Index (Only )?Scan (using|on) events_stream_version/);
});

it.each([100, 800])('reads %i whole streams one index range each', async (n) => {
  const shown = await plan(READ_STREAMS, [returns(n), null]);
  expect(shown).not.toMatch(/Seq Scan|Hash Join/);
  expect(shown).toMatch(/Index (Only )?Scan (using|on) events_stream_version/);
});

it.each([100, 800])('reads the versions of %i streams one index probe each', async (n) => {
  const shown = await plan(STREAM_VERSIONS, [returns(n)]);
  expect(shown).not.toMatch(/Seq Scan|Hash Join/);
  expect(shown).toMatch(/Index (Only )?Scan using \w+ on streams/);
});
