import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { EVIDENCE_CHUNK_BYTES, PostgresEvidenceStorage } from './postgres-evidence-storage.js';

const KB = 1024;

/** The same bytes, arriving as pieces of the sizes given (the last piece takes what is left). */
function arriving(content: Buffer, pieceSizes: number[]): Readable {
  const pieces: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < content.length; i++) {
    const size = pieceSizes[Math.min(i, pieceSizes.length - 1)];
    pieces.push(content.subarray(at, at + size));
    at += size;
  }
  return Readable.from(pieces, { objectMode: false });
}

/** Evidence bytes in PostgreSQL (real PostgreSQL): rows of a fixed size however an upload's pieces arrive. */
describe('PostgresEvidenceStorage', () => {
  let db: TestDatabase;
  let storage: PostgresEvidenceStorage;
  // 700 KB: two whole rows and a last one of 188 KB.
  const content = Buffer.from(Array.from({ length: 700 * KB }, (_, i) => (i * 31) % 251));
  const rowSizes = async (storageKey: string) =>
    (
      (await db.dataSource.query(
        'SELECT length(bytes) AS size FROM evidence_chunks WHERE storage_key = $1 ORDER BY seq',
        [storageKey],
      )) as { size: number }[]
    ).map((r) => r.size);

  beforeAll(async () => {
    db = await createTestDatabase('evidence_storage');
    storage = new PostgresEvidenceStorage(db.dataSource);
  });
  afterAll(() => db.drop());

  it.each([
    ['one piece of 700 KB', [700 * KB]],
    ['pieces of 200 KB, which cross each row boundary', [200 * KB]],
    ['pieces of 16 KB, as a socket gives them', [16 * KB]],
    ['pieces of 1 byte and then 300 KB', [1, 300 * KB]],
  ])(
    'stores a file arriving as %s in rows of 256 KB (the last shorter), and reads back the same bytes',
    async (_, pieces) => {
      const stored = await storage.put(arriving(content, pieces));
      expect(stored).toEqual({
        storageKey: expect.any(String),
        bytes: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
      });
      expect(await rowSizes(stored.storageKey)).toEqual([
        EVIDENCE_CHUNK_BYTES,
        EVIDENCE_CHUNK_BYTES,
        content.length - 2 * EVIDENCE_CHUNK_BYTES,
      ]);
      const back: Buffer[] = [];
      for await (const piece of (await storage.get(stored.storageKey))!) back.push(piece as Buffer);
      expect(Buffer.concat(back).equals(content)).toBe(true);
    },
  );

  it('stores an empty file as no row', async () => {
    const stored = await storage.put(Readable.from([], { objectMode: false }));
    expect(stored.bytes).toBe(0);
    expect(await rowSizes(stored.storageKey)).toEqual([]);
  });
});
