import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { EvidenceStorage, StoredEvidence } from './evidence-storage.js';

/** 256 KB a row: small enough to hold one in memory, large enough that a 20 MB file is 80 rows. */
export const EVIDENCE_CHUNK_BYTES = 256 * 1024;

/**
 * How many puts a process writes at once. Each holds a connection of the pool (20) until its client has sent
 * the last byte, minutes on a slow line: twenty leads uploading at once held them all, and every other request
 * waited out the pool's 10 s (503). The rest wait their turn holding none, their clients held back meanwhile.
 */
export const EVIDENCE_PUTS_AT_ONCE = 4;

/**
 * Evidence bytes in PostgreSQL: one `evidence_objects` row per file and its bytes in `evidence_chunks`, all
 * written in one transaction on a connection of its own, so a put that fails (client gone, content refused)
 * leaves no row at all. Reading takes one chunk per query, so a download holds no transaction open.
 */
export class PostgresEvidenceStorage implements EvidenceStorage {
  private readonly puts = new Turns(EVIDENCE_PUTS_AT_ONCE);

  constructor(private readonly dataSource: DataSource) {}

  async put(content: Readable): Promise<StoredEvidence> {
    return this.puts.run(() => this.putNow(content));
  }

  private async putNow(content: Readable): Promise<StoredEvidence> {
    const storageKey = randomUUID();
    const hash = createHash('sha256');
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`INSERT INTO evidence_objects (storage_key, bytes, sha256) VALUES ($1, 0, '')`, [
        storageKey,
      ]);
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
          await runner.query('INSERT INTO evidence_chunks (storage_key, seq, bytes) VALUES ($1, $2, $3)', [
            storageKey,
            seq++,
            joined.subarray(0, size),
          ]);
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
      // stored_at is when the bytes became visible (commit), not when a slow upload began: the sweep's clock.
      await runner.query(
        'UPDATE evidence_objects SET bytes = $2, sha256 = $3, stored_at = clock_timestamp() WHERE storage_key = $1',
        [storageKey, bytes, sha256],
      );
      await runner.commitTransaction();
      return { storageKey, bytes, sha256 };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
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

/** Runs at most `size` of the works given at once; the others wait, in the order they came. */
class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // The turn passes straight to the next waiting, so none arriving meanwhile can take it first.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
