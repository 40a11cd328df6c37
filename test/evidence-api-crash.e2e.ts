import { ChildProcess } from 'node:child_process';
import { EvidenceRepository } from '../libs/returns/src/index.js';
import { spawnApi } from './support/api-process.js';
import { eventually } from './support/eventually.js';
import { multipartStream, streamUpload } from './support/multipart.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { kill } from './support/worker-process.js';

/**
 * An operator's probe: the api killed outright (SIGKILL) while a lead's keyed upload is half sent, and the client
 * sending it again under the same Idempotency-Key to another api, twice. The file is attached once, the second
 * retry is answered as the first, and what the killed api had stored is only bytes no event names (the sweep's).
 */
describe('a keyed evidence upload through an api crash (e2e)', () => {
  let product: Product;
  let child: ChildProcess | null = null;
  let returnId: string;
  const csp = 'sevenoaks-csp';

  beforeAll(async () => {
    product = await startProduct('evidence_crash');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Crash year',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    expect(
      (await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] })).status,
    ).toBe(200);
    returnId = `${drafted.body.id}.S1`;
  }, 90_000);
  afterAll(async () => {
    if (child) await kill(child);
    await product.stop();
  });

  const count = async (sql: string) => ((await product.db.dataSource.query(sql)) as { n: number }[])[0].n;

  it('attaches the file once, however the retries fall', async () => {
    const spawned = await spawnApi(product.config);
    child = spawned.child;
    const size = 6 * 1024 * 1024;
    const head = Buffer.from('%PDF-1.4\n');
    const headers = { ...as.lead(csp), 'idempotency-key': 'upload-through-a-crash' };
    const path = `/returns/${returnId}/evidence`;
    // Sent slowly to the api that is killed: half of it in, some of its chunks stored, then the kill.
    const body = multipartStream('plan.pdf', head, size);
    let sent = 0;
    body.on('data', (c: Buffer) => {
      sent += c.length;
      if (sent > size / 2) body.pause();
    });
    // The lead's session cookie, from the page of the api it is sent to.
    const first = streamUpload(`${spawned.baseUrl}${path}`, { ...headers, origin: spawned.baseUrl }, body);
    await eventually(
      async () => (await count('SELECT count(*)::int AS n FROM evidence_chunks')) > 0 && sent > size / 2,
      30_000,
    );
    await kill(child);
    child = null;
    expect((await first).status).toBeNull();

    const again = await streamUpload(
      `${product.baseUrl}${path}`,
      headers,
      multipartStream('plan.pdf', head, size),
    );
    const third = await streamUpload(
      `${product.baseUrl}${path}`,
      headers,
      multipartStream('plan.pdf', head, size),
    );
    expect(again.status).toBe(201);
    expect(third.status).toBe(again.status);
    expect(JSON.parse(third.text)).toEqual(JSON.parse(again.text));
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'EvidenceAttached'`)).toBe(1);
    // What the killed api had stored: bytes no event names, the sweep's, and only those.
    const objects = async () =>
      (
        await product.db.dataSource.query(`SELECT bytes::int AS bytes FROM evidence_objects ORDER BY bytes`)
      ).map((o: { bytes: number }) => o.bytes);
    expect(await objects()).toEqual([0, size]);
    expect(await product.api.get(EvidenceRepository).sweepStale(0)).toBe(1);
    expect(await objects()).toEqual([size]);
  }, 180_000);
});
