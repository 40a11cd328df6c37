import { Client } from 'pg';
import { eventually } from './eventually.js';
import type { TestDatabase } from './test-database.js';

/**
 * Sends `requests` in turn while another connection holds `streamId`'s row (FOR UPDATE), each once the ones
 * before it wait on a lock, runs `meanwhile` once they all wait, then lets go and gives their answers in order:
 * the order they reach their appends in is fixed, whatever the machine's speed. A race made to happen, not hoped
 * for.
 */
export async function inTurnWhileHeld<T extends unknown[]>(
  db: Pick<TestDatabase, 'url' | 'dataSource'>,
  streamId: string,
  requests: { [K in keyof T]: () => Promise<T[K]> },
  meanwhile: () => Promise<unknown> = async () => undefined,
): Promise<T> {
  const holder = new Client({ connectionString: db.url });
  await holder.connect();
  const waiting = (n: number) =>
    eventually(async () => {
      const [{ count }] = await db.dataSource.query(
        `SELECT count(*)::int AS count FROM pg_locks l JOIN pg_stat_activity a USING (pid)
          WHERE NOT l.granted AND a.datname = current_database()`,
      );
      return count >= n;
    });
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [streamId]);
    const sent: Promise<unknown>[] = [];
    for (const request of requests as (() => Promise<unknown>)[]) {
      await waiting(sent.length);
      sent.push(request());
    }
    await waiting(sent.length);
    await meanwhile();
    await holder.query('ROLLBACK');
    return (await Promise.all(sent)) as T;
  } finally {
    await holder.end();
  }
}
