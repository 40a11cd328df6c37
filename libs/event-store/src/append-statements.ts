/**
 * The append's SQL: one statement each, so one round trip and an implicit transaction. The streams row is the lock
 * that orders writers, and `unique (stream_id, version)` on events is the backstop. The same row holds the
 * stream's head hash (streams.head_hashes: the hashes of its last append, the head last): the bump chains the new
 * events' hashes onto it (see log-integrity/event-hash.ts) and each event row takes its own.
 *
 * `chained: false` leaves the hash chain out and nothing else: only the benchmark builds it, to measure what the
 * chain costs against the very same statement (bench/append.bench.ts).
 */
export interface AppendStatement {
  /** The prepared statement's name: PostgreSQL keeps one plan per name and connection. */
  name: string;
  text: string;
}

export interface AppendStatements {
  /** One event, parameters (stream id, type, schema version, data, metadata, recorded at, expected version). */
  oneAtVersion: AppendStatement;
  /** One event, the same parameters with (any: boolean) last: a new stream, or any version when true. */
  oneNewOrAny: AppendStatement;
  /** Several events, parameters (stream id, count, events JSON, metadata, recorded at, expected version). */
  manyAtVersion: AppendStatement;
  /** Several events, the same parameters with (any: boolean) last. */
  manyNewOrAny: AppendStatement;
  /**
   * One event to each of several streams, at any version (no two the same stream): parameters (stream ids,
   * types, schema versions, data JSON texts, metadata JSON texts: one array element per stream; recorded at).
   */
  oneEachAnyVersion: AppendStatement;
  /**
   * The same with each stream's expected version (0: a new stream) as a seventh parameter, an integer array. A
   * stream not at its version is left out of RETURNING, or, expected to exist and missing, comes back at version
   * 1: the caller checks every version and rolls the transaction back on any other (see EventStore.appendEach).
   */
  oneEachAtVersion: AppendStatement;
}

// ---- One event: its fields as parameters of their own, no JSON array to take apart, the hash inline.
//
// Most appends carry one event (every command on a return), so this is the path that counts. Measured per
// statement against the many-event path on one event (backend CPU, alternating slices, 2026-12-03): the plpgsql
// loop of event_chain() and taking the JSON array apart twice cost about a quarter of the statement.

/**
 * '|recorded at (µs)|content' of chainLink (log-integrity/event-hash.ts), as event_chain() writes it, from SQL for
 * the event's recorded time and its five content parts: what follows `previous hex|version` in its hash.
 */
const TAIL = (
  recordedAt: string,
  streamId: string,
  type: string,
  schemaVersion: string,
  data: string,
  metadata: string,
) =>
  `'|' || (extract(epoch FROM ${recordedAt}) * 1000000)::bigint::text || '|' ||
     jsonb_build_array(${streamId}, ${type}, ${schemaVersion}, ${data}, ${metadata})::text`;

/** The new event's parts, each JSON parsed once: the time it is recorded at and the content its hash covers. */
const ONE_EVENT = (chained: boolean) => `
  WITH e AS MATERIALIZED (
    SELECT p.*${
      chained
        ? `, ${TAIL('p.recorded_at', '$1::text', '$2::text', '$3::smallint', 'p.data', 'p.metadata')} AS tail`
        : ''
    }
    FROM (SELECT $4::jsonb AS data, $5::jsonb AS metadata, coalesce($6::timestamptz, now()) AS recorded_at) AS p
  )`;

/**
 * The event at `version`'s hash chained on `heads`' last (the stream's head): SHA-256 of `previous hex|version|tail`,
 * the tail (TAIL) found by the SQL `tail`: the one event's, unless a statement of several streams says whose.
 */
const LINK = (heads: string | null, version: string, tail = '(SELECT tail FROM e)') => {
  const previous = heads ? `coalesce(encode(${heads}[cardinality(${heads})], 'hex'), '')` : `''`;
  return `ARRAY[sha256(convert_to(${previous} || '|' || (${version})::text || ${tail}, 'UTF8'))]`;
};

const INSERT_ONE = (chained: boolean) => `
  INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at${chained ? ', hash' : ''})
  SELECT $1, bump.version, $2, $3, e.data, e.metadata, e.recorded_at${chained ? ', bump.head_hashes[1]' : ''}
  FROM bump CROSS JOIN e
  RETURNING global_position, version`;

const oneAtVersion = (chained: boolean) => `${ONE_EVENT(chained)},
  bump AS (
    UPDATE streams SET version = version + 1, updated_at = now()${chained ? `, head_hashes = ${LINK('head_hashes', 'version + 1')}` : ''}
    WHERE stream_id = $1 AND version = $7::integer
    RETURNING version${chained ? ', head_hashes' : ''}
  )${INSERT_ONE(chained)}`;

const oneNewOrAny = (chained: boolean) => `${ONE_EVENT(chained)},
  bump AS (
    INSERT INTO streams AS s (stream_id, version${chained ? ', head_hashes' : ''})
    VALUES ($1, 1${chained ? `, ${LINK(null, '1')}` : ''})
    ON CONFLICT (stream_id) DO UPDATE
      SET version = s.version + 1, updated_at = now()${chained ? `, head_hashes = ${LINK('s.head_hashes', 's.version + 1')}` : ''}
      WHERE $7::boolean
    RETURNING s.version${chained ? ', s.head_hashes' : ''}
  )${INSERT_ONE(chained)}`;

// ---- Several events: one JSON array of them, taken apart once; event_chain() chains them in order.

/** The new events, in order, and the metadata and time they share, each JSON parsed once. */
const MANY_EVENTS = `
  WITH m AS MATERIALIZED (SELECT $4::jsonb AS metadata, coalesce($5::timestamptz, now()) AS recorded_at),
  e AS MATERIALIZED (
    SELECT e.ord::integer AS ord, e.value->>'type' AS type, (e.value->>'schemaVersion')::smallint AS schema_version,
           e.value->'data' AS data
    FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
  )`;

// Each new event's content as log-integrity/event-hash.ts defines it: the jsonb text of the same array a row gives.
const CONTENTS = `ARRAY(
  SELECT jsonb_build_array($1::text, e.type, e.schema_version, e.data, m.metadata)::text FROM e, m ORDER BY e.ord)`;

const CHAIN_ON = (heads: string | null, version: string) =>
  `event_chain(${heads ? `${heads}[cardinality(${heads})]` : 'NULL'}, ${version}, (SELECT recorded_at FROM m), ${CONTENTS})`;

const INSERT_MANY = (chained: boolean) => `
  INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at${chained ? ', hash' : ''})
  SELECT $1, bump.version - $2::integer + e.ord, e.type, e.schema_version, e.data, m.metadata, m.recorded_at${
    chained ? ', bump.head_hashes[e.ord]' : ''
  }
  FROM bump CROSS JOIN m CROSS JOIN e
  ORDER BY e.ord
  RETURNING global_position, version`;

const manyNewOrAny = (chained: boolean) => `${MANY_EVENTS},
  bump AS (
    INSERT INTO streams AS s (stream_id, version${chained ? ', head_hashes' : ''})
    VALUES ($1, $2::integer${chained ? `, ${CHAIN_ON(null, '1')}` : ''})
    ON CONFLICT (stream_id) DO UPDATE
      SET version = s.version + $2::integer, updated_at = now()${chained ? `, head_hashes = ${CHAIN_ON('s.head_hashes', 's.version + 1')}` : ''}
      WHERE $6::boolean
    RETURNING s.version${chained ? ', s.head_hashes' : ''}
  )${INSERT_MANY(chained)}`;

const manyAtVersion = (chained: boolean) => `${MANY_EVENTS},
  bump AS (
    UPDATE streams
    SET version = version + $2::integer, updated_at = now()${chained ? `, head_hashes = ${CHAIN_ON('head_hashes', 'version + 1')}` : ''}
    WHERE stream_id = $1 AND version = $6::integer
    RETURNING version${chained ? ', head_hashes' : ''}
  )${INSERT_MANY(chained)}`;

// ---- One event to each of several streams, any version: the mail ledger records a batch of mails this way.
//
// One statement for the batch instead of one per stream (measured, the chase benchmark: four single-event
// appends a mail, 40,100 statements for 10,000 mails, each a round trip in the worker's one thread). Each stream
// gets the same bump and hash as oneNewOrAny gives it alone: a new stream starts at 1 chained on '', an existing
// one is locked, moved on by one and chained on its head. Streams are bumped in stream id order, the order every
// batch takes their locks in. ON CONFLICT may touch a row once per statement, hence one event per stream.
//
// At version (a chase job's AgencyChased to each of a cycle's agencies, 10,000 single appends in the chase
// benchmark before): an existing stream moves on only from its expected version, and a new one is made whatever
// was expected, so a stream expected to exist but missing is told by its version coming back 1; the caller's
// transaction is rolled back for either.

const EACH_EVENT = (chained: boolean, atVersion: boolean) => `
  WITH e AS MATERIALIZED (
    SELECT i.ord, i.stream_id, i.type, i.schema_version, i.data, i.metadata, t.recorded_at${
      atVersion ? ', i.expected' : ''
    }${
      chained
        ? `, ${TAIL('t.recorded_at', 'i.stream_id', 'i.type', 'i.schema_version', 'i.data', 'i.metadata')} AS tail`
        : ''
    }
    FROM (
      SELECT u.ord, u.stream_id, u.type, u.schema_version, u.data::jsonb AS data, u.metadata::jsonb AS metadata${
        atVersion ? ', u.expected' : ''
      }
      FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[]${atVersion ? ', $7::integer[]' : ''})
        WITH ORDINALITY AS u(stream_id, type, schema_version, data, metadata${atVersion ? ', expected' : ''}, ord)
    ) AS i
    CROSS JOIN (SELECT coalesce($6::timestamptz, now()) AS recorded_at) AS t
  )`;

/** The new event of the stream an ON CONFLICT clause is updating, by a column of e. */
const OF_EXCLUDED = (column: string) => `(SELECT e.${column} FROM e WHERE e.stream_id = EXCLUDED.stream_id)`;

const oneEach = (chained: boolean, atVersion: boolean) => `${EACH_EVENT(chained, atVersion)},
  bump AS (
    INSERT INTO streams AS s (stream_id, version${chained ? ', head_hashes' : ''})
    SELECT e.stream_id, 1${chained ? `, ${LINK(null, '1', 'e.tail')}` : ''} FROM e ORDER BY e.stream_id
    ON CONFLICT (stream_id) DO UPDATE
      SET version = s.version + 1, updated_at = now()${
        chained ? `, head_hashes = ${LINK('s.head_hashes', 's.version + 1', OF_EXCLUDED('tail'))}` : ''
      }${
        atVersion
          ? `
      WHERE s.version = ${OF_EXCLUDED('expected')}`
          : ''
      }
    RETURNING s.stream_id, s.version${chained ? ', s.head_hashes' : ''}
  )
  INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at${chained ? ', hash' : ''})
  SELECT e.stream_id, bump.version, e.type, e.schema_version, e.data, e.metadata, e.recorded_at${
    chained ? ', bump.head_hashes[1]' : ''
  }
  FROM e JOIN bump ON bump.stream_id = e.stream_id
  ORDER BY e.ord
  RETURNING global_position, stream_id, version`;

export function appendStatements(chained = true): AppendStatements {
  const suffix = chained ? '' : '_unchained';
  return {
    oneAtVersion: { name: `event_store_append_one_at_version${suffix}`, text: oneAtVersion(chained) },
    oneNewOrAny: { name: `event_store_append_one_new_or_any${suffix}`, text: oneNewOrAny(chained) },
    manyAtVersion: { name: `event_store_append_at_version${suffix}`, text: manyAtVersion(chained) },
    manyNewOrAny: { name: `event_store_append_new_or_any${suffix}`, text: manyNewOrAny(chained) },
    oneEachAnyVersion: { name: `event_store_append_one_each_any${suffix}`, text: oneEach(chained, false) },
    oneEachAtVersion: {
      name: `event_store_append_one_each_at_version${suffix}`,
      text: oneEach(chained, true),
    },
  };
}
