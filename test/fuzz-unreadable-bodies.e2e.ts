import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pick, seededRandom } from './support/fuzz.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle } from './support/reporting.js';

/**
 * An attacker's probe of every JSON write with bodies the parsers cannot read: JSON that is a number or null, JSON
 * cut short, a charset that is not UTF, a gzip body that is not gzip, an encoding nobody knows, headers over
 * 16 KB. Each was refused (never a 500), but as `about:blank` with body-parser's words ("Unexpected token 'n'",
 * "Bad Request"), or for the headers as a bare 431 with no body: none named the field and the rule. Seeded, so a
 * failure replays: each route is tried with every kind of body, in an order the seed picks, as who may write it.
 */
describe('bodies and headers the parsers cannot read, on every JSON write (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const SEED = 20261206;

  beforeAll(async () => {
    product = await startProduct('fuzz_unreadable_bodies');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'unreadable-bodies',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(
      (await call('PUT', `/returns/${cycleId}.S1/draft`, as.lead('sevenoaks-csp'), { rag: 'amber' })).status,
    ).toBe(200);
  }, 120_000);
  afterAll(() => product?.stop());

  /** Events a request could have written: the worker's mails of the links sent on opening go on meanwhile. */
  const events = async () =>
    Number(
      (
        await product.db.dataSource.query(
          `SELECT count(*) AS n FROM events WHERE stream_id NOT LIKE 'link-mail:%'`,
        )
      )[0].n as string,
    );

  type Who = () => Record<string, string>;
  /** Every JSON write an attacker with a link, a staff account or nothing can reach, with a body it takes. */
  const routes = (): [string, string, Who, string][] => [
    ['PUT', `/returns/${cycleId}.S1/draft`, () => as.lead('sevenoaks-csp'), '{"rag":"green"}'],
    ['POST', `/returns/${cycleId}.S1/messages`, () => as.lead('sevenoaks-csp'), '{"body":"Hello"}'],
    ['POST', `/returns/${cycleId}.S1/send-back`, () => as.reviewer, '{"reason":"More"}'],
    ['POST', '/cycles', () => as.coordinator, '{"label":"Y"}'],
    ['POST', `/cycles/${cycleId}/appendices`, () => as.coordinator, '{"title":"A"}'],
    [
      'PUT',
      `/cycles/${cycleId}/report-headings`,
      () => ({ ...as.coordinator, 'if-match': '"1"' }),
      '{"reportTitle":"T"}',
    ],
    [
      'POST',
      `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`,
      () => as.coordinator,
      '{"dueDate":"2031-01-01"}',
    ],
    ['POST', '/staff', () => as.coordinator, '{"email":"new@kent.gov.uk","name":"N","role":"reviewer"}'],
    ['PUT', '/me/mail-preferences', () => as.reviewer, '{"delivery":"digest"}'],
    ['PUT', '/partnership/retention', () => as.coordinator, '{"contactMonths":24}'],
    ['POST', '/plan/import', () => as.coordinator, '{"plan":{}}'],
    ['POST', '/auth/sign-in', () => ({}), '{"email":"a@b.c","password":"p"}'],
    ['POST', '/l', () => ({}), '{"token":"x"}'],
  ];

  const json = { 'content-type': 'application/json' };
  /** A hostile way to send `body`, and the status, field and rule the answer must name. */
  const kinds: [
    string,
    (body: string) => { headers: Record<string, string>; body: string | Buffer },
    number,
    string,
    string,
  ][] = [
    ['JSON null', () => ({ headers: json, body: 'null' }), 400, 'body', 'object-body'],
    ['a JSON number past a double', () => ({ headers: json, body: '1e309' }), 400, 'body', 'object-body'],
    ['a JSON string', () => ({ headers: json, body: '"x"' }), 400, 'body', 'object-body'],
    ['JSON cut short', (body) => ({ headers: json, body: body.slice(0, -1) }), 400, 'body', 'json-syntax'],
    [
      'single quotes',
      (body) => ({ headers: json, body: body.replace(/"/g, "'") }),
      400,
      'body',
      'json-syntax',
    ],
    [
      'a charset that is not UTF',
      (body) => ({ headers: { 'content-type': 'application/json; charset=latin1' }, body }),
      415,
      'Content-Type',
      'charset',
    ],
    [
      'gzip that is not gzip',
      (body) => ({ headers: { ...json, 'content-encoding': 'gzip' }, body }),
      400,
      'Content-Encoding',
      'content-encoding',
    ],
    [
      'gzip cut short',
      (body) => ({ headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(body).subarray(0, 12) }),
      400,
      'Content-Encoding',
      'content-encoding',
    ],
    [
      'an unknown encoding',
      (body) => ({ headers: { ...json, 'content-encoding': 'x-pack' }, body }),
      415,
      'Content-Encoding',
      'content-encoding',
    ],
    [
      'headers over 16 KB',
      (body) => ({ headers: { ...json, 'x-padding': 'x'.repeat(17_000) }, body }),
      431,
      'headers',
      'max-header-size',
    ],
  ];

  it('answers each with problem+json naming the field and the rule, and changes nothing', async () => {
    const random = seededRandom(SEED);
    const before = await events();
    const seen: string[] = [];
    for (const [method, path, who, valid] of routes()) {
      const order = [...kinds].sort(() => random() - 0.5);
      const [name, hostile, status, field, rule] = pick(random, order);
      for (const [kind, make, expected, expectedField, expectedRule] of [
        [name, hostile, status, field, rule],
        ...order,
      ] as const) {
        const { headers, body } = make(valid);
        const response = await fetch(`${product.baseUrl}${path}`, {
          method,
          headers: { ...who(), ...headers },
          body,
          signal: AbortSignal.timeout(15_000),
        }).catch((error: Error) => {
          throw new Error(
            `${kind}: ${method} ${path}: ${error.message} (${String((error.cause as Error)?.message)})`,
          );
        });
        const text = await response.text();
        const answer = {
          request: `${kind}: ${method} ${path}`,
          status: response.status,
          type: response.headers.get('content-type'),
          named: (JSON.parse(text) as { errors?: { field: string; rule: string }[] }).errors?.[0],
        };
        expect(answer).toEqual({
          request: `${kind}: ${method} ${path}`,
          status: expected,
          type: expect.stringContaining('application/problem+json'),
          named: expect.objectContaining({ field: expectedField, rule: expectedRule }),
        });
        seen.push(kind);
      }
    }
    expect(new Set(seen).size).toBe(kinds.length);
    // Not one of them wrote anything.
    expect(await events()).toBe(before);
  }, 240_000);

  it('answers a request Node cannot parse with problem+json naming the rule, on a connection used before', async () => {
    const { port } = new URL(product.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let [text, sent] = ['', false];
      socket.on('data', (piece) => {
        text += piece.toString('utf8');
        // The first answer read whole: now a request no parser reads, on the same connection.
        if (!sent && text.includes('{"status":"ok"}')) {
          sent = true;
          socket.write('BAD REQUEST LINE\r\n\r\n');
        }
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(`GET /health/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    });
    const second = answer.slice(answer.lastIndexOf('HTTP/1.1 '));
    expect(second).toMatch(/^HTTP\/1\.1 400 /);
    expect(second).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      errors: [{ field: 'request', rule: 'http-syntax' }],
    });
  });
});
