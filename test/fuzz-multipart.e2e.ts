import { randomBytes } from 'node:crypto';
import { pdfFile, xlsxFile } from './support/evidence-files.js';
import { pick, Random, seededRandom } from './support/fuzz.js';
import { ProcessorWatch, watchProcessors } from './support/processor-health.js';
import { openCycle } from './support/reporting.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';

/**
 * Multipart bodies written by hand, the way an attacker would send them rather than as a browser does, to every
 * route that takes a file (the lead's evidence and spreadsheet, the coordinator's plan and past cycles, on the
 * pages and the API) and to routes that take none: no boundary, a boundary that does not match, a body cut off
 * in a part's headers or in the file, file names with `../`, NUL, bytes that are not UTF-8 or 10,000 characters,
 * fields twice, nested or named `__proto__`, more parts than allowed, a header line of 100 KB, bare LF line ends.
 * Every answer must come within ANSWER_MS and be less than 500, the api must still be ready afterwards, and no
 * processor may have failed on what was written. The form fuzz (fuzz-forms.e2e.ts) does the same for the
 * pages' urlencoded forms.
 *
 * Seeded: the seed is printed; MULTIPART_FUZZ_SEED=<seed> replays the same posts, MULTIPART_FUZZ_POSTS=<n>
 * changes how many.
 */
const SEED = Number(process.env.MULTIPART_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const POSTS = Number(process.env.MULTIPART_FUZZ_POSTS ?? 300);
/** An upload the server neither answers nor refuses in this long is a fault: a request left hanging. */
const ANSWER_MS = 20_000;

/** A route that takes a file, with the fields its page's form sends beside it. */
interface Target {
  name: string;
  method: 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  fields: [string, string][];
  file: { fileName: string; type: string; content: Buffer };
}

interface Body {
  contentType: string;
  body: Buffer;
}

const CRLF = '\r\n';
const boundaryOf = (random: Random) => `----fuzz${Math.floor(random() * 1e12).toString(36)}`;
const part = (boundary: string, disposition: string, value: Buffer | string, headers = '') =>
  Buffer.concat([
    Buffer.from(`--${boundary}${CRLF}Content-Disposition: ${disposition}${headers}${CRLF}${CRLF}`, 'latin1'),
    Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'),
    Buffer.from(CRLF),
  ]);
const field = (boundary: string, name: string, value: string) =>
  part(boundary, `form-data; name="${name}"`, value);
const filePart = (boundary: string, t: Target, fileName = t.file.fileName, name = 'file') =>
  part(
    boundary,
    `form-data; name="${name}"; filename="${fileName}"`,
    t.file.content,
    `${CRLF}Content-Type: ${t.file.type}`,
  );
const closing = (boundary: string) => Buffer.from(`--${boundary}--${CRLF}`);
const type = (boundary: string) => `multipart/form-data; boundary=${boundary}`;

/** The form as a browser sends it: its fields, then the file. */
function wellFormed(
  t: Target,
  boundary: string,
  fields = t.fields,
  file: Buffer = filePart(boundary, t),
): Buffer {
  return Buffer.concat([...fields.map(([k, v]) => field(boundary, k, v)), file, closing(boundary)]);
}

/** A body with one thing wrong, built from the target's form. */
type Mutation = [name: string, make: (t: Target, random: Random) => Body];

/** The form's fields, then `file(t, boundary)` in place of its file part. */
const withFile = (name: string, file: (t: Target, b: string) => Buffer): Mutation => [
  name,
  (t, r) => {
    const b = boundaryOf(r);
    return { contentType: type(b), body: wellFormed(t, b, t.fields, file(t, b)) };
  },
];
const withFileName = (name: string, fileName: string): Mutation =>
  withFile(name, (t, b) => filePart(b, t, fileName));
const withFields = (name: string, fields: (t: Target) => [string, string][]): Mutation => [
  name,
  (t, r) => {
    const b = boundaryOf(r);
    return { contentType: type(b), body: wellFormed(t, b, fields(t)) };
  },
];
const rawFileName = (t: Target, b: string, bytes: Buffer) =>
  Buffer.concat([
    ...t.fields.map(([k, v]) => field(b, k, v)),
    Buffer.from(`--${b}${CRLF}Content-Disposition: form-data; name="file"; filename="`, 'latin1'),
    bytes,
    Buffer.from(`"${CRLF}Content-Type: ${t.file.type}${CRLF}${CRLF}`, 'latin1'),
    t.file.content,
    Buffer.from(CRLF),
    closing(b),
  ]);

/** The file's name as raw bytes, which need not be UTF-8. */
const withRawFileName = (name: string, bytes: number[]): Mutation => [
  name,
  (t, r) => {
    const b = boundaryOf(r);
    return { contentType: type(b), body: rawFileName(t, b, Buffer.from(bytes)) };
  },
];

const MUTATIONS: Mutation[] = [
  [
    'well formed',
    (t, r) => {
      const b = boundaryOf(r);
      return { contentType: type(b), body: wellFormed(t, b) };
    },
  ],
  ['no boundary', (t, r) => ({ contentType: 'multipart/form-data', body: wellFormed(t, boundaryOf(r)) })],
  [
    'boundary that does not match',
    (t, r) => ({ contentType: type('somewhere-else'), body: wellFormed(t, boundaryOf(r)) }),
  ],
  ['empty body', (t, r) => ({ contentType: type(boundaryOf(r)), body: Buffer.alloc(0) })],
  ['random bytes', (t, r) => ({ contentType: type(boundaryOf(r)), body: randomBytes(4096) })],
  [
    'cut off in the file',
    (t, r) => {
      const b = boundaryOf(r);
      const whole = wellFormed(t, b);
      return {
        contentType: type(b),
        body: whole.subarray(0, whole.length - Math.min(40, t.file.content.length)),
      };
    },
  ],
  [
    'cut off in the headers',
    (t, r) => {
      const b = boundaryOf(r);
      const whole = wellFormed(t, b);
      const at = whole.indexOf('filename=');
      return { contentType: type(b), body: whole.subarray(0, at + 4) };
    },
  ],
  [
    'no closing boundary',
    (t, r) => {
      const b = boundaryOf(r);
      return { contentType: type(b), body: wellFormed(t, b).subarray(0, -`--${b}--${CRLF}`.length) };
    },
  ],
  [
    'a part without Content-Disposition',
    (t, r) => {
      const b = boundaryOf(r);
      const bare = Buffer.from(`--${b}${CRLF}Content-Type: text/plain${CRLF}${CRLF}hello${CRLF}`);
      return { contentType: type(b), body: Buffer.concat([bare, wellFormed(t, b)]) };
    },
  ],
  [
    'a part without a name',
    (t, r) => {
      const b = boundaryOf(r);
      return {
        contentType: type(b),
        body: Buffer.concat([part(b, 'form-data; filename="x.pdf"', t.file.content), closing(b)]),
      };
    },
  ],
  [
    'attachment, not form-data',
    (t, r) => {
      const b = boundaryOf(r);
      return {
        contentType: type(b),
        body: Buffer.concat([
          part(b, 'attachment; name="file"; filename="x.pdf"', t.file.content),
          closing(b),
        ]),
      };
    },
  ],
  withFileName('file name with ../', '../../../etc/passwd'),
  withFileName('file name with NUL', 'a\u0000b.pdf'),
  withFileName('file name with control characters', 'a\u0001\u001b[31m\u007f.pdf'),
  withFileName('file name of 10,000 characters', `${'x'.repeat(10_000)}.pdf`),
  withFileName('file name with markup', '<img src=x onerror=alert(1)>.pdf'),
  withFileName('file name with a quote and a semicolon', 'a"; name="other.pdf'),
  withFileName('empty file name', ''),
  withRawFileName('file name not UTF-8', [0xff, 0xfe, 0xc0, 0xaf, 0x2e, 0x70]),
  withRawFileName('file name with a lone surrogate', [0x78, 0xed, 0xa0, 0x80, 0x2e, 0x70]),
  withFile('filename* with broken escapes', (t, b) =>
    part(b, `form-data; name="file"; filename*=UTF-8''%FF%E0%`, t.file.content),
  ),
  withFile('filename* in an unknown charset', (t, b) =>
    part(b, `form-data; name="file"; filename*=x-evil''a%2E%2E%2Fb`, t.file.content),
  ),
  withFields('every field twice', (t) => [...t.fields, ...t.fields]),
  withFields('fields nested', (t) => [
    ...t.fields.map(([k, v]): [string, string] => [`${k}[a]`, v]),
    ['title[b][c]', '1'],
  ]),
  withFields('__proto__', (t) => [
    ...t.fields,
    ['__proto__', 'x'],
    ['__proto__[polluted]', '1'],
    ['constructor[prototype][x]', '1'],
  ]),
  withFields('a field of 200,000 characters', (t) => [...t.fields, ['title', 'x'.repeat(200_000)]]),
  withFields('a field with NUL', (t) => [...t.fields, ['title', 'a\u0000b']]),
  withFields('sixty fields', (t) => [
    ...t.fields,
    ...Array.from({ length: 60 }, (_, i): [string, string] => [`f${i}`, String(i)]),
  ]),
  withFields('the fields left out', () => []),
  withFile('two files', (t, b) => Buffer.concat([filePart(b, t), filePart(b, t, 'again.pdf')])),
  withFile('the file under another name', (t, b) => filePart(b, t, t.file.fileName, 'upload')),
  [
    'the file as a text field',
    (t, r) => {
      const b = boundaryOf(r);
      return {
        contentType: type(b),
        body: wellFormed(t, b, [...t.fields, ['file', 'not a file']], Buffer.alloc(0)),
      };
    },
  ],
  [
    'the fields after the file',
    (t, r) => {
      const b = boundaryOf(r);
      return {
        contentType: type(b),
        body: Buffer.concat([filePart(b, t), ...t.fields.map(([k, v]) => field(b, k, v)), closing(b)]),
      };
    },
  ],
  withFile('a file part type that is not a type', (t, b) =>
    part(b, 'form-data; name="file"; filename="x.pdf"', t.file.content, `${CRLF}Content-Type: ;;;/`),
  ),
  withFile('a header line of 100 KB', (t, b) =>
    part(
      b,
      'form-data; name="file"; filename="x.pdf"',
      t.file.content,
      `${CRLF}X-Long: ${'a'.repeat(100_000)}`,
    ),
  ),
  [
    'bare LF line ends',
    (t, r) => {
      const b = boundaryOf(r);
      const text = wellFormed(t, b).toString('latin1').replace(/\r\n/g, '\n');
      return { contentType: type(b), body: Buffer.from(text, 'latin1') };
    },
  ],
  [
    'a boundary of 200 characters',
    (t) => {
      const b = 'b'.repeat(200);
      return { contentType: type(b), body: wellFormed(t, b) };
    },
  ],
  [
    'a quoted boundary with spaces and semicolons',
    (t) => {
      const b = 'a b;c=d';
      return { contentType: `multipart/form-data; boundary="${b}"`, body: wellFormed(t, b) };
    },
  ],
  withFile('Content-Transfer-Encoding base64', (t, b) =>
    part(
      b,
      'form-data; name="file"; filename="x.pdf"',
      t.file.content.toString('base64'),
      `${CRLF}Content-Type: ${t.file.type}${CRLF}Content-Transfer-Encoding: base64`,
    ),
  ),
  [
    'charset utf-16 on the body',
    (t, r) => {
      const b = boundaryOf(r);
      return { contentType: `${type(b)}; charset=utf-16`, body: wellFormed(t, b) };
    },
  ],
  withFile('random bytes as the file', (t, b) =>
    filePart(b, { ...t, file: { ...t.file, content: randomBytes(2048) } }),
  ),
  withFile('an empty file', (t, b) => filePart(b, { ...t, file: { ...t.file, content: Buffer.alloc(0) } })),
  [
    'multipart/mixed',
    (t, r) => {
      const b = boundaryOf(r);
      return { contentType: `multipart/mixed; boundary=${b}`, body: wellFormed(t, b) };
    },
  ],
];

describe('hostile multipart bodies to every route that takes a file, and some that take none (e2e)', () => {
  let product: Product;
  let watch: ProcessorWatch;
  const targets: Target[] = [];
  const faults: string[] = [];
  /** Each route's answers by status, printed: what reached the handlers and what a check stopped. */
  const statuses = new Map<string, Record<number, number>>();

  beforeAll(async () => {
    watch = watchProcessors();
    product = await startProduct('fuzz_multipart');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'multipart-2019-20',
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2'],
    );
    const lead = as.lead('sevenoaks-csp');
    const content = { rag: 'amber', narrative: 'Most actions were achieved.', dot: 'improving' };
    expect((await call('PUT', `/returns/${cycleId}.S2/draft`, lead, content)).status).toBe(200);
    const pdf = { fileName: 'action-plan.pdf', type: 'application/pdf', content: await pdfFile() };
    const xlsx = {
      fileName: 'returns.xlsx',
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      content: await xlsxFile(),
    };
    const planFile = {
      fileName: 'plan.json',
      type: 'application/json',
      content: Buffer.from(JSON.stringify({ partnershipId: 'sevenoaks-lsp', themes: [] })),
    };
    const coordinator = { ...as.coordinator, origin: product.baseUrl };
    // The pages' forms, with the CSRF token and cookie each page gave.
    const pages: [string, Record<string, string>, string, Target['file']][] = [
      ['lead evidence page', lead, `/agency/returns/${cycleId}.S2/evidence`, pdf],
      ['lead spreadsheet page', lead, `/agency/cycles/${cycleId}/spreadsheet`, xlsx],
      ['coordinator plan page', coordinator, '/coordinate/plan', planFile],
      ['coordinator past cycle page', coordinator, '/coordinate/cycles/historical', xlsx],
    ];
    for (const [name, headers, page, file] of pages) {
      const response = await fetch(`${product.baseUrl}${page}`, {
        headers: { ...headers, accept: 'text/html' },
      });
      expect([page, response.status]).toEqual([page, 200]);
      const html = await response.text();
      const form =
        /<form\b[^>]*action="([^"]+)"[^>]*enctype="multipart\/form-data"[^>]*>([\s\S]*?)<\/form>/.exec(html);
      expect([page, Boolean(form)]).toEqual([page, true]);
      const fields = [...form![2].matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)].map(
        ([tag]): [string, string] => [
          /\bname="([^"]*)"/.exec(tag)![1],
          /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '',
        ],
      );
      expect([page, fields.some(([k]) => k === '_csrf')]).toEqual([page, true]);
      const csrfCookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
      const cookie = [headers.cookie, csrfCookie].filter(Boolean).join('; ');
      targets.push({
        name,
        method: 'POST',
        path: form![1].replace(/&amp;/g, '&'),
        headers: { ...headers, ...(cookie ? { cookie } : {}), accept: 'text/html' },
        fields,
        file,
      });
    }
    // The API's file routes, and routes that take no file at all.
    targets.push(
      {
        name: 'API evidence',
        method: 'POST',
        path: `/returns/${cycleId}.S2/evidence`,
        headers: lead,
        fields: [],
        file: pdf,
      },
      {
        name: 'API past cycle',
        method: 'POST',
        path: '/cycles/historical',
        headers: coordinator,
        fields: [],
        file: xlsx,
      },
      {
        name: 'API draft (JSON only)',
        method: 'PUT',
        path: `/returns/${cycleId}.S2/draft`,
        headers: lead,
        fields: [['rag', 'red']],
        file: pdf,
      },
      {
        name: 'API plan import (JSON only)',
        method: 'POST',
        path: '/plan/import',
        headers: coordinator,
        fields: [],
        file: planFile,
      },
      {
        name: 'lead return page (urlencoded only)',
        method: 'POST',
        path: `/agency/returns/${cycleId}.S2`,
        headers: { ...lead, accept: 'text/html' },
        fields: targets[0].fields,
        file: pdf,
      },
    );
  }, 120_000);
  afterAll(async () => {
    watch.stop();
    await product.stop();
  });

  async function post(target: Target, [name, make]: Mutation, random: Random) {
    const { contentType, body } = make(target, random);
    const label = `${target.name} ${target.method} ${target.path}: ${name}`;
    try {
      const response = await fetch(`${product.baseUrl}${target.path}`, {
        method: target.method,
        headers: { ...target.headers, 'content-type': contentType },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(ANSWER_MS),
      });
      const text = await response.text();
      const counts = statuses.get(target.name) ?? {};
      counts[response.status] = (counts[response.status] ?? 0) + 1;
      statuses.set(target.name, counts);
      if (response.status >= 500) faults.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
    } catch (error) {
      // No answer at all (a reset, or nothing within ANSWER_MS) is a fault too.
      const cause = (error as Error & { cause?: Error }).cause;
      faults.push(`${label}: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`);
    }
  }

  it('takes a well-formed upload on each file route, so the hostile ones are tried against working routes', async () => {
    const random = seededRandom(1);
    const wellFormedPost = MUTATIONS.find(([name]) => name === 'well formed')!;
    for (const target of targets.slice(0, 4)) {
      const { contentType, body } = wellFormedPost[1](target, random);
      const response = await fetch(`${product.baseUrl}${target.path}`, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': contentType },
        body,
        redirect: 'manual',
      });
      await response.text();
      // Past the CSRF check and the parser: the page answers (a redirect, or the page again saying what is wrong).
      expect([target.name, response.status === 403 || response.status >= 500]).toEqual([target.name, false]);
    }
  });

  it('answers every hostile multipart body in time and with less than 500', async () => {
    const random = seededRandom(SEED);
    console.log(`multipart fuzz seed ${SEED} (MULTIPART_FUZZ_SEED=${SEED} replays it), ${POSTS} posts`);
    // Every mutation against every target once, then at random.
    for (const target of targets) for (const mutation of MUTATIONS) await post(target, mutation, random);
    const rest = Math.max(0, POSTS - targets.length * MUTATIONS.length);
    for (let i = 0; i < rest; i++) await post(pick(random, targets), pick(random, MUTATIONS), random);
    console.log(
      `answers by route and status:\n${[...statuses].map(([name, counts]) => `${name}: ${JSON.stringify(counts)}`).join('\n')}`,
    );
    expect(faults).toEqual([]);
    const ready = await fetch(`${product.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
  }, 600_000);

  it('leaves every processor caught up, none failing and nothing parked', async () => {
    expect(await watch.trouble(product)).toEqual([]);
  });
});
