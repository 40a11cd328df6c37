import { createHash } from 'node:crypto';

/**
 * The hash of one event, in two parts so an append needs no extra round trip:
 *
 * - its content digest, SHA-256 over the canonical JSON of [stream id, type, schema version, data, metadata],
 *   computed here in Node before the append (the costly part: it reads every byte of the data);
 * - its link, SHA-256 over `previous hash (hex, '' for a stream's first event)|version|recorded at (microseconds
 *   since the epoch)|content digest`, computed by PostgreSQL's event_chain() inside the append's one statement,
 *   where the stream's row lock already tells it the stream's head hash, its next version and the clock.
 *
 * The link is the hash stored in events.hash. chainLink below is the same link in Node: the verifier and the
 * backfill use it, and the event-store spec proves both sides agree.
 */
export function eventContentDigest(event: {
  streamId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
}): string {
  return sha256Hex(
    canonicalJson([event.streamId, event.type, event.schemaVersion, event.data, event.metadata]),
  );
}

/** A stream's next hash: see eventContentDigest. `previous` is null for the stream's first event. */
export function chainLink(
  previous: string | null,
  version: number,
  recordedAtMicros: string,
  contentDigest: string,
): string {
  return sha256Hex(`${previous ?? ''}|${version}|${recordedAtMicros}|${contentDigest}`);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted and no whitespace, dropping what JSON.stringify drops (undefined, functions) and
 * honouring toJSON (Dates). jsonb keeps neither key order nor spacing, so only this form survives a round trip:
 * the value the app appended and the value read back from the row give the same text.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '') ?? 'null';
}

function write(value: unknown, key: string): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('A bigint cannot be stored as JSON');
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => write(item, String(i)) ?? 'null').join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const k of Object.keys(record).sort()) {
        const text = write(record[k], k);
        if (text !== undefined) members.push(`${JSON.stringify(k)}:${text}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined; // undefined, functions, symbols: left out, as JSON.stringify leaves them out
  }
}
