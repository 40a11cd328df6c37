import { escapeIdentifier } from 'pg';

/**
 * What a database a `restore --replace` put in its target's place says about itself, in its comment, until the
 * restore has finished what it does after the swap (moving the server's transaction ids past the restored ones,
 * rederiving what jobs fed). A restore killed between the two left a database that looked finished: an api and a
 * worker started on it without the restore run again, and on a server other than the backup's their processors
 * left the restored events unread until the server's transaction ids passed them. The api and the worker refuse
 * a database with this mark (ensureDatabase's refuseUnfinishedRestore); the restore run again finishes it.
 */
export interface UnfinishedRestoreMark {
  partnerReturnsRestoreUnfinished: string;
  /** When the restored database took its target's name. */
  at: string;
}

export function unfinishedRestoreMark(target: string): UnfinishedRestoreMark {
  return { partnerReturnsRestoreUnfinished: target, at: new Date().toISOString() };
}

/** The mark of a restore that did not finish, read from a database's comment, or null. */
export function unfinishedRestoreOf(comment: string | null): UnfinishedRestoreMark | null {
  // As markOf reads the others (not imported: marked-databases opens its connections through ensureDatabase).
  if (!comment?.startsWith('{')) return null;
  try {
    const mark = JSON.parse(comment) as Partial<UnfinishedRestoreMark>;
    return typeof mark.partnerReturnsRestoreUnfinished === 'string' && typeof mark.at === 'string'
      ? (mark as UnfinishedRestoreMark)
      : null;
  } catch {
    return null;
  }
}

/** Once the restore has done what it does after the swap: the database connected to is finished. */
export async function markRestoreFinished(connection: {
  query(sql: string): Promise<unknown>;
}): Promise<void> {
  const [{ name, comment }] = (await connection.query(
    `SELECT current_database() AS name, shobj_description(oid, 'pg_database') AS comment
       FROM pg_database WHERE datname = current_database()`,
  )) as { name: string; comment: string | null }[];
  if (unfinishedRestoreOf(comment))
    await connection.query(`COMMENT ON DATABASE ${escapeIdentifier(name)} IS NULL`);
}
