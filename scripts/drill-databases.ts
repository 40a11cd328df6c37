import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import {
  adminClient,
  databaseName,
  dropDatabase,
  MarkedDatabaseLocks,
  markOf,
  withDatabaseName,
} from '../libs/database/src/index.js';
import { deleteQueueKeys } from '../libs/queues/src/index.js';

/**
 * The databases `npm run backup:drill` restores into, and what it leaves if it dies.
 *
 * A drill drops its database when it ends, so it may only ever drop one it created itself: it once restored into
 * whatever DRILL_DATABASE_URL named, and when the restore refused a database that was not empty, dropped it
 * anyway (DRILL_DATABASE_URL set to DATABASE_URL dropped the deployment, and the dump it had just made went with
 * its temporary folder). And a drill killed mid-way (kill -9, a host that restarts) left its database, a whole
 * copy of the deployment with its personal-data keys, for good, with its dump in a temporary folder and its
 * queue keys in Redis; the next drill neither noticed nor cleared them.
 *
 * So a drill creates its database itself (refusing one that exists), marks it with a comment saying whose drill
 * it is and where its dump and queue keys are, and holds an advisory lock on its name on the server's `postgres`
 * database for as long as it runs. A database so marked whose lock nobody holds is a drill that died: the next
 * drill of the same deployment drops it and clears its dump and queue keys.
 */
export class DrillTargetRefused extends Error {}

/** What a drill's database says about itself, in its comment. */
interface DrillMark {
  partnerReturnsDrillOf: string;
  queuePrefix: string;
  dir: string;
}

/** A server's `postgres` database, where drills hold their locks (advisory locks belong to one database). */
export class DrillLocks extends MarkedDatabaseLocks {
  static async open(anyDatabaseUrl: string): Promise<DrillLocks> {
    return new DrillLocks(await MarkedDatabaseLocks.connect(anyDatabaseUrl), 'partner-returns-drill');
  }

  /**
   * Creates the drill's database and marks it as the drill's. A database of that name that exists is refused
   * and left alone: it may be the deployment's own, or anyone's.
   */
  async create(targetUrl: string, mark: DrillMark): Promise<void> {
    const name = databaseName(targetUrl);
    await onServerOf(targetUrl, async (admin) => {
      try {
        await admin.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
      } catch (error) {
        if ((error as { code?: string }).code !== '42P04') throw error;
        throw new DrillTargetRefused(
          `database ${name} already exists: the drill restores only into a database it creates (and drops ` +
            `it afterwards), so it leaves ${name} alone. Name another in DRILL_DATABASE_URL, or leave it unset`,
        );
      }
      await admin.query(
        `COMMENT ON DATABASE ${escapeIdentifier(name)} IS ${escapeLiteral(JSON.stringify(mark))}`,
      );
    });
  }

  /** A database kept with --keep is the operator's from now on: no later drill takes it for a leftover. */
  async unmark(targetUrl: string): Promise<void> {
    await onServerOf(targetUrl, (admin) =>
      admin.query(`COMMENT ON DATABASE ${escapeIdentifier(databaseName(targetUrl))} IS NULL`),
    );
  }

  /**
   * Drops the databases of this deployment's drills that died (marked, and nobody holds their lock), with their
   * dump folders and queue keys; returns a line for each.
   */
  async clearLeftovers(sourceUrl: string, redisUrl: string): Promise<string[]> {
    return this.dropDead(
      ({ mark }) => {
        const ours = markOf<DrillMark>(
          mark,
          (m) =>
            typeof m.partnerReturnsDrillOf === 'string' &&
            typeof m.queuePrefix === 'string' &&
            typeof m.dir === 'string',
        );
        return ours?.partnerReturnsDrillOf === databaseName(sourceUrl) ? ours : null;
      },
      async (name, mark) => {
        await dropDatabase(withDatabaseName(sourceUrl, name));
        if (/^drill-[0-9a-z-]+$/.test(mark.queuePrefix))
          await deleteQueueKeys(redisUrl, mark.queuePrefix).catch(() => undefined);
        // Only a folder the drill itself made under the temporary folder: the comment is not trusted further.
        if (mark.dir.startsWith(join(tmpdir(), 'partner-returns-drill-')) && !mark.dir.includes(`..${sep}`))
          rmSync(mark.dir, { recursive: true, force: true });
        return `drill: dropped ${name}, left by a drill that did not finish, with its dump and queue keys`;
      },
    );
  }
}

/** DRILL_DATABASE_URL may name another server: its database is made there. */
async function onServerOf<T>(databaseUrl: string, use: (admin: Client) => Promise<T>): Promise<T> {
  const admin = await adminClient(databaseUrl);
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}
