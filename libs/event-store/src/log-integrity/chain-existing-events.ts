import { chainLink, EVENT_CONTENT, RECORDED_AT_MICROS } from './event-hash.js';

/** Anything that runs SQL: a DataSource, an EntityManager or a migration's QueryRunner. */
export interface Queries {
  query(text: string, parameters?: unknown[]): Promise<unknown>;
}

interface Row {
  global_position: string;
  stream_id: string;
  version: number;
  content: string;
  recorded_at_micros: string;
}

const PAGE = 2_000;

/**
 * The one-off backfill: chains every event already stored (in version order within its stream, from its row's
 * own content) and sets each stream's head, exactly as appends do from now on. Run by the migration that adds the
 * hash columns, inside its transaction, with writers locked out. Pages through streams so a long log is not held
 * in memory at once. Returns how many events it chained.
 */
export async function chainExistingEvents(sql: Queries): Promise<number> {
  let chained = 0;
  let after = '';
  for (;;) {
    const streams = (await sql.query(
      'SELECT stream_id FROM streams WHERE stream_id > $1 ORDER BY stream_id LIMIT $2',
      [after, PAGE],
    )) as { stream_id: string }[];
    if (streams.length === 0) return chained;
    after = streams[streams.length - 1].stream_id;
    const rows = (await sql.query(
      `SELECT global_position, stream_id, version, ${EVENT_CONTENT} AS content,
              ${RECORDED_AT_MICROS} AS recorded_at_micros
       FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version`,
      [streams.map((s) => s.stream_id)],
    )) as Row[];
    const positions: string[] = [];
    const hashes: string[] = [];
    const heads = new Map<string, string>();
    for (const row of rows) {
      const previous = heads.get(row.stream_id) ?? null;
      const hash = chainLink(previous, row.version, row.recorded_at_micros, row.content);
      heads.set(row.stream_id, hash);
      positions.push(row.global_position);
      hashes.push(hash);
    }
    await sql.query(
      `UPDATE events SET hash = decode(v.hash, 'hex')
       FROM unnest($1::bigint[], $2::text[]) AS v(global_position, hash)
       WHERE events.global_position = v.global_position`,
      [positions, hashes],
    );
    await sql.query(
      `UPDATE streams SET head_hashes = ARRAY[decode(v.hash, 'hex')]
       FROM unnest($1::text[], $2::text[]) AS v(stream_id, hash)
       WHERE streams.stream_id = v.stream_id`,
      [[...heads.keys()], [...heads.values()]],
    );
    chained += rows.length;
  }
}
