import { Pool, PoolClient } from 'pg';
import { dataSourceOptions } from './data-source-options.js';
import { QUERY_TIMEOUT_GRACE_MS, withQueryTimeout } from './query-timeout.js';
import { queryTimedOut } from './query-timed-out.js';
import { StallEndingClient } from './stall-ending-client.js';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NO_SCHEMA = { migrations: [], entities: [] };

describe('withQueryTimeout: the api and worker give up on a statement, and on a connection that stalls', () => {
  it('sets the statement and client timeouts, and the connection timeout no longer than them', () => {
    expect(withQueryTimeout(dataSourceOptions(SERVER_URL, NO_SCHEMA), 1_500).extra).toEqual({
      max: 20,
      application_name: 'partner-returns',
      Client: StallEndingClient,
      statement_timeout: 1_500,
      query_timeout: 1_500 + QUERY_TIMEOUT_GRACE_MS,
      connectionTimeoutMillis: 1_500,
    });
    expect(withQueryTimeout(dataSourceOptions(SERVER_URL, NO_SCHEMA), 30_000).extra).toMatchObject({
      statement_timeout: 30_000,
      query_timeout: 31_000,
      connectionTimeoutMillis: 10_000,
    });
    // The options the CLI scripts and migrations open with have none of them.
    expect(dataSourceOptions(SERVER_URL, NO_SCHEMA).extra).not.toHaveProperty('statement_timeout');
  });

  describe('on a real PostgreSQL', () => {
    const pools: Pool[] = [];
    afterAll(() => Promise.all(pools.map((p) => p.end())));
    const pool = (options: Record<string, unknown>) => {
      const made = new Pool({ connectionString: SERVER_URL, max: 1, Client: StallEndingClient, ...options });
      pools.push(made);
      return made;
    };
    const pid = async (on: Pool | PoolClient) =>
      (await on.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const timed = async <T>(work: Promise<T>) => {
      const started = Date.now();
      const outcome = await work.then(
        (value) => ({ value, error: undefined }),
        (error: Error) => ({ value: undefined, error }),
      );
      return { ...outcome, ms: Date.now() - started };
    };

    it('a statement PostgreSQL cancels (statement_timeout) leaves the connection in use and in the pool', async () => {
      const cancelling = pool({ statement_timeout: 300, query_timeout: 300 + QUERY_TIMEOUT_GRACE_MS });
      // Checked out and given back as TypeORM's query runners do (pool.query drops a client on any error).
      const client = await cancelling.connect();
      const before = await pid(client);
      const slept = await timed(client.query('SELECT pg_sleep(5)'));
      expect(slept.error).toMatchObject({ code: '57014' });
      expect(queryTimedOut(slept.error)).toBe(true);
      expect(slept.ms).toBeLessThan(3_000);
      expect(await pid(client)).toBe(before);
      client.release();
      expect(await pid(cancelling)).toBe(before);
    });

    it('a query with no answer in time ends its connection: what was queued on it fails at once, the pool drops it', async () => {
      // The server stays busy past query_timeout without a word, as a stalled one would.
      const stalled = pool({ query_timeout: 300 });
      const client = await stalled.connect();
      const first = await pid(client);
      await client.query('BEGIN');
      const slept = await timed(client.query('SELECT pg_sleep(5)'));
      expect(slept.error?.message).toBe('Query read timeout');
      expect(slept.ms).toBeLessThan(3_000);
      // The rollback a transaction's owner tries next fails at once rather than waiting behind the sleep.
      const rollback = await timed(client.query('ROLLBACK'));
      expect(queryTimedOut(rollback.error)).toBe(true);
      expect(rollback.ms).toBeLessThan(200);
      // Given back without an error, as TypeORM gives back a query runner's client: not kept.
      client.release();
      const next = await timed(pid(stalled));
      expect(next.value).not.toBe(first);
      expect(next.ms).toBeLessThan(3_000);
      expect(stalled.totalCount).toBe(1);
    });

    it('pool.query (prepared statements) drops a client that timed out the same way', async () => {
      const stalled = pool({ query_timeout: 300 });
      const first = await pid(stalled);
      const slept = await timed(stalled.query({ name: 'sleep', text: 'SELECT pg_sleep(5)' }));
      expect(slept.error?.message).toBe('Query read timeout');
      expect(await pid(stalled)).not.toBe(first);
    });
  });
});
