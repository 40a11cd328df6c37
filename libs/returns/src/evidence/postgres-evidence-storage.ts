import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { EvidenceStorage, StoredEvidence } from './evidence-storage.js';

/** 256 KB a row: small enough to hold one in memory, large enough that a 20 MB file is 80 rows. */
export const EVIDENCE_CHUNK_BYTES = 256 * 1024;

/**
 * Evidence bytes in PostgreSQL: one `evidence_objects` row per file and its bytes in `evidence_chunks`. Reading
 * takes one chunk per query, so a download holds no transaction open; so does an upload (see put).
 */
export class PostgresEvidenceStorage implements EvidenceStorage {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Each statement on its own, and no transaction or connection held across the upload: a file comes as fast as
   * its client sends it, minutes on a slow line. Written in one transaction, an upload held back every event
   * processor for as long (their fence waits for the oldest transaction of the database: no mail, no read model),
   * and a connection of the pool (twenty slow uploads took all 20, every other request 503). The object is whole
   * once its last statement sets its size and hash; until then no event names it. One left unfinished (the client
   * gone, the content refused) is deleted here, or, when even that fails (the process killed), by the sweep, which
   * deletes bytes no event names once they are an hour old, longer than a request may take to arrive.
   */
  async put(content: Readable): Promise<StoredEvidence> {
    const storageKey = randomUUID();
    const hash = createHash('sha256');
    await this.dataSource.query(
      `INSERT INTO evidence_objects (storage_key, bytes, sha256) VALUES ($1, 0, '')`,
      [storageKey],
    );
    try {
      let bytes = 0;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      // Rows of exactly EVIDENCE_CHUNK_BYTES (the last one shorter), however the upload's pieces arrive: the
      // same file is the same rows, and no row outgrows the size a reader holds in memory.
      const flush = async (all: boolean) => {
        while (pendingBytes >= EVIDENCE_CHUNK_BYTES || (all && pendingBytes > 0)) {
          const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
          const size = Math.min(EVIDENCE_CHUNK_BYTES, pendingBytes);
          await this.dataSource.query(
            'INSERT INTO evidence_chunks (storage_key, seq, bytes) VALUES ($1, $2, $3)',
            [storageKey, seq++, joined.subarray(0, size)],
          );
          pending = size < joined.length ? [joined.subarray(size)] : [];
          pendingBytes -= size;
        }
      };
      // Awaiting each insert before pulling more holds the upload back (TCP backpressure): memory stays small.
      for await (const chunk of content) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        hash.update(buffer);
        bytes += buffer.length;
        pending.push(buffer);
        pendingBytes += buffer.length;
        if (pendingBytes >= EVIDENCE_CHUNK_BYTES) await flush(false);
      }
      await flush(true);
      const sha256 = hash.digest('hex');
      // stored_at is when the bytes were all in, not when a slow upload began: the sweep's clock.
      await this.dataSource.query(
        'UPDATE evidence_objects SET bytes = $2, sha256 = $3, stored_at = clock_timestamp() WHERE storage_key = $1',
        [storageKey, bytes, sha256],
      );
      return { storageKey, bytes, sha256 };
    } catch (error) {
      await this.delete(storageKey).catch(() => undefined);
      throw error;
    }
  }

  async get(storageKey: string): Promise<Readable | null> {
    const found: { chunks: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM evidence_chunks c WHERE c.storage_key = o.storage_key)::int AS chunks
       FROM evidence_objects o WHERE o.storage_key = $1`,
      [storageKey],
    );
    if (found.length === 0) return null;
    const dataSource = this.dataSource;
    const chunks = found[0].chunks;
    return Readable.from(
      (async function* () {
        for (let seq = 0; seq < chunks; seq++) {
          const rows: { bytes: Buffer }[] = await dataSource.query(
            'SELECT bytes FROM evidence_chunks WHERE storage_key = $1 AND seq = $2',
            [storageKey, seq],
          );
          if (rows.length === 0) throw new Error(`evidence ${storageKey} lost chunk ${seq} while read`);
          yield rows[0].bytes;
        }
      })(),
      { objectMode: false },
    );
  }

  async delete(storageKey: string, sql: Pick<EntityManager, 'query'> = this.dataSource): Promise<void> {
    await sql.query('DELETE FROM evidence_objects WHERE storage_key = $1', [storageKey]);
  }

  async storedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows: { storage_key: string }[] = await this.dataSource.query(
      'SELECT storage_key FROM evidence_objects WHERE stored_at < $1 ORDER BY stored_at LIMIT $2',
      [cutoff.toISOString(), limit],
    );
    return rows.map((r) => r.storage_key);
  }
}
