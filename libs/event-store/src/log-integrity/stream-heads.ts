import { createHash } from 'node:crypto';

/** A stream's last event under a checkpoint's fence: what the checkpoint's root is a digest of. */
export interface StreamHead {
  streamId: string;
  version: number;
  /** The event's hash, hex. */
  hash: string;
}

/**
 * The root a checkpoint records: SHA-256 over one line per stream, `"stream id" version hash`, sorted by stream
 * id (JavaScript string order, never a database collation). One digest over every stream's head stands for
 * every event under the fence, since each head's hash chains over all of its stream before it; and it is
 * computed from the heads alone, so appends to different streams never wait on one global chain.
 */
export function rootOfHeads(heads: Iterable<StreamHead>): string {
  const sorted = [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const hash = createHash('sha256');
  for (const h of sorted) hash.update(`${JSON.stringify(h.streamId)} ${h.version} ${h.hash}\n`, 'utf8');
  return hash.digest('hex');
}
