import { Queries } from './chain-existing-events.js';
import { chainLink, EVENT_CONTENT, RECORDED_AT_MICROS } from './event-hash.js';
import { LOG_CHECKPOINTS_STREAM } from './log-digest.js';
import { rootOfHeads, StreamHead } from './stream-heads.js';

/** The digest `npm run log:verify` is given from outside: a root, with its fence when known. */
export interface GivenDigest {
  root: string;
  fence?: string;
}

/** An event that does not verify: where it is, and why. */
export interface UnverifiedEvent {
  globalPosition: number;
  streamId: string;
  version: number;
  reason: string;
}

export type LogVerification =
  | { ok: true; events: number; streams: number; fence: string; position: number }
  | {
      ok: false;
      events: number;
      /** The first event (by global position) that does not verify, when one can be named. */
      event: UnverifiedEvent | null;
      reason: string;
    };

interface Row {
  global_position: string;
  stream_id: string;
  version: number;
  content: string;
  recorded_at_micros: string;
  transaction_id: string;
  hash: string | null;
}

const PAGE = 5_000;

// Raw rows in (stream, version) order, paged on the unique index: the upcasters are not applied, since the hash
// covers what was stored.
const PAGE_OF_EVENTS = `SELECT global_position, stream_id, version, ${EVENT_CONTENT} AS content,
    ${RECORDED_AT_MICROS} AS recorded_at_micros,
    transaction_id::text AS transaction_id, encode(hash, 'hex') AS hash
  FROM events WHERE (stream_id, version) > ($1, $2) ORDER BY stream_id, version LIMIT $3`;

const STREAM_HEADS = `SELECT stream_id, version, encode(head_hashes[cardinality(head_hashes)], 'hex') AS hash
  FROM streams`;

/**
 * Checks the log against a digest held outside the database:
 *
 * 1. every event against the one before it in its stream: versions 1, 2, 3... without a gap, and its stored
 *    hash equal to the hash of its own content chained on the stored hash before it. Each row is checked on its
 *    own, so a changed row is named itself, not every row after it;
 * 2. every stream's row (its version and head hash) against its last event, which catches a removed last event;
 * 3. the root over every stream's head under the digest's fence against the given root. This is what catches
 *    an attacker who rewrote rows and recomputed every later hash and every checkpoint inside the database:
 *    the rows then agree with each other, but not with the digest printed outside.
 *
 * Without a fence the digest's checkpoint is looked up in the log by its root; a root no checkpoint records
 * fails. `progress` gets a line per page (stderr in the script).
 */
export async function verifyLog(
  sql: Queries,
  given: GivenDigest,
  progress?: { write(text: string): unknown },
): Promise<LogVerification> {
  const fence = given.fence ?? (await fenceOfRoot(sql, given.root));
  const [{ total }] = (await sql.query('SELECT count(*)::int AS total FROM events')) as { total: number }[];
  let first: UnverifiedEvent | null = null;
  const fail = (row: Row, reason: string) => {
    const position = Number(row.global_position);
    if (!first || position < first.globalPosition) {
      first = { globalPosition: position, streamId: row.stream_id, version: row.version, reason };
    }
  };
  const last = new Map<string, Row>();
  const heads = new Map<string, StreamHead>();
  let position = 0;
  let events = 0;
  let previous: Row | null = null;
  for (let after: [string, number] = ['', 0]; ;) {
    const rows = (await sql.query(PAGE_OF_EVENTS, [...after, PAGE])) as Row[];
    if (rows.length === 0) break;
    for (const row of rows) {
      const before = previous?.stream_id === row.stream_id ? previous : null;
      const reason = checkRow(row, before);
      if (reason) fail(row, reason);
      last.set(row.stream_id, row);
      if (fence !== null && BigInt(row.transaction_id) < BigInt(fence)) {
        heads.set(row.stream_id, { streamId: row.stream_id, version: row.version, hash: row.hash ?? '' });
        position = Math.max(position, Number(row.global_position));
      }
      previous = row;
    }
    events += rows.length;
    after = [rows[rows.length - 1].stream_id, rows[rows.length - 1].version];
    progress?.write(
      `verified ${events.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} events\n`,
    );
  }

  const streamRows = (await sql.query(STREAM_HEADS)) as {
    stream_id: string;
    version: number;
    hash: string | null;
  }[];
  for (const s of streamRows) {
    const end = last.get(s.stream_id);
    if (!end) continue; // a stream row with no events names no event; the root below still covers the log
    if (end.version !== s.version || end.hash !== s.hash) {
      fail(
        end,
        `the stream stands at version ${s.version}, but its last event is version ${end.version} or has another hash: events were removed from its end or rewritten`,
      );
    }
  }

  if (first) return { ok: false, events, event: first, reason: (first as UnverifiedEvent).reason };
  if (fence === null) {
    return { ok: false, events, event: null, reason: `no checkpoint in the log records root ${given.root}` };
  }
  const root = rootOfHeads(heads.values());
  if (root !== given.root) {
    return {
      ok: false,
      events,
      event: null,
      reason:
        `the log under fence ${fence} has root ${root}, not the digest's ${given.root}: every row agrees with ` +
        'the rows beside it, so rows were changed, removed or added and the hashes recomputed after the digest',
    };
  }
  return { ok: true, events, streams: heads.size, fence, position };
}

/** Why a row does not follow the one before it in its stream (null: it does). */
function checkRow(row: Row, before: Row | null): string | null {
  const expected = (before?.version ?? 0) + 1;
  if (row.version !== expected) {
    return before
      ? `version ${row.version} follows version ${before.version}: an event is missing or out of order`
      : `the stream starts at version ${row.version}: an event is missing or out of order`;
  }
  if (row.hash === null) return 'it has no hash';
  if (chainLink(before?.hash ?? null, row.version, row.recorded_at_micros, row.content) !== row.hash) {
    return 'its hash does not match its content and the hash of the event before it';
  }
  return null;
}

async function fenceOfRoot(sql: Queries, root: string): Promise<string | null> {
  const rows = (await sql.query(
    `SELECT data->>'fence' AS fence FROM events WHERE stream_id = $1 AND data->>'root' = $2 LIMIT 1`,
    [LOG_CHECKPOINTS_STREAM, root],
  )) as { fence: string }[];
  return rows[0]?.fence ?? null;
}

/** Reads `--digest`'s value: the JSON `npm run log:digest` prints, or a bare root (64 hex digits). */
export function parseDigestArgument(text: string): GivenDigest {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return { root: trimmed.toLowerCase() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error('--digest must be the JSON `npm run log:digest` prints, or a root of 64 hex digits');
  }
  const { root, fence } = (parsed ?? {}) as { root?: unknown; fence?: unknown };
  if (typeof root !== 'string' || !/^[0-9a-f]{64}$/i.test(root)) {
    throw new Error('--digest: "root" must be 64 hex digits');
  }
  if (fence !== undefined && (typeof fence !== 'string' || !/^[0-9]+$/.test(fence))) {
    throw new Error('--digest: "fence" must be a transaction id in decimal digits');
  }
  return { root: root.toLowerCase(), fence };
}
