import { Client } from 'pg';
import { adminClient } from './ensure-database.js';

/** A database on the server, with the comment that may mark it as a tool's. */
export interface ServerDatabase {
  datname: string;
  mark: string | null;
}

/**
 * The databases a tool makes for itself beside a deployment's (a `restore --replace`'s, a drill's) and the
 * advisory locks it holds on their names while it runs, on the server's `postgres` database (advisory locks
 * belong to one database, and a session that ends, however it ends, lets its locks go). A database marked as the
 * tool's whose lock nobody holds belongs to a run that died: the next run drops it. Each tool has its own lock
 * namespace and its own mark; what they share is here.
 */
export class MarkedDatabaseLocks {
  protected constructor(
    protected readonly client: Client,
    private readonly namespace: string,
  ) {}

  /** A connection to the server's `postgres` database, which a lost connection ends quietly. */
  protected static async connect(anyDatabaseUrl: string): Promise<Client> {
    // A lost connection releases its locks; the tool's own queries fail (adminClient listens for its errors).
    return adminClient(anyDatabaseUrl);
  }

  /** Takes the lock on a database's name: false while a live run holds it. */
  async take(name: string): Promise<boolean> {
    const { rows } = await this.client.query<{ taken: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS taken',
      [this.namespace, name],
    );
    return rows[0].taken;
  }

  async release(name: string): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [this.namespace, name]);
  }

  /**
   * For each database whose mark `ours` accepts and whose lock nobody holds, `drop` (which says what it did);
   * the lock is held while it does, so two runs never drop the same one.
   */
  protected async dropDead<M>(
    ours: (database: ServerDatabase) => M | null,
    drop: (name: string, mark: M) => Promise<string>,
  ): Promise<string[]> {
    const { rows } = await this.client.query<ServerDatabase>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS mark FROM pg_database`,
    );
    const lines: string[] = [];
    for (const row of rows) {
      const mark = ours(row);
      if (mark === null) continue;
      if (!(await this.take(row.datname))) continue; // a run going on now
      try {
        lines.push(await drop(row.datname, mark));
      } finally {
        await this.release(row.datname);
      }
    }
    return lines;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** A database's comment read as a mark: JSON whose fields `valid` accepts, or null for any other comment. */
export function markOf<M>(comment: string | null, valid: (mark: Partial<M>) => boolean): M | null {
  if (!comment?.startsWith('{')) return null;
  try {
    const mark = JSON.parse(comment) as Partial<M>;
    return valid(mark) ? (mark as M) : null;
  } catch {
    return null;
  }
}
