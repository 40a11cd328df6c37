import { pick, Random, seededRandom } from './support/fuzz.js';
import { ProcessorWatch, watchProcessors } from './support/processor-health.js';
import { openCycle } from './support/reporting.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';

/**
 * The pages' forms, posted the way an attacker would rather than as a browser fills them in. The OpenAPI fuzz
 * (fuzz-openapi.e2e.ts) covers the JSON routes; this walks the pages each role can reach, finds every form
 * that posts, and posts it back with the CSRF token the page gave (so the hostile value reaches the handler)
 * and one field mutated: NUL, half a surrogate pair as raw bytes, bytes that are not UTF-8, 200,000 characters,
 * the field twice, as a nested object (`field[a]=`), left out, numbers and dates out of range, and a
 * `__proto__` key. No answer may be 500 or more, and afterwards no processor may have failed on what was written.
 *
 * Seeded: the seed is printed; FORM_FUZZ_SEED=<seed> replays the same posts, FORM_FUZZ_POSTS=<n> changes how many.
 */
const SEED = Number(process.env.FORM_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const POSTS = Number(process.env.FORM_FUZZ_POSTS ?? 700);
/** Pages each role's walk reads at most: every kind of page is a few links from the start. */
const PAGES_PER_ROLE = 150;
/** Pages of one shape (the same path but for ids and keys) a walk reads: the plan's forty measures are one form. */
const PAGES_PER_SHAPE = 2;

/** A page's path with its ids and keys (segments with digits, `~`, escapes or dots) as `:x`, the query dropped. */
const shapeOf = (path: string) =>
  path
    .split('?')[0]
    .split('/')
    .map((segment) => (/[\d~%.]/.test(segment) ? ':x' : segment))
    .join('/')
    // The plan's parts are named by their keys, such as a theme's `safe-communities`.
    .replace(/^(\/coordinate\/plan\/[a-z]+)\/[^/]+/, '$1/:x');

/** A form as the page wrote it: where it posts and its fields with the values the page filled in. */
interface Form {
  role: string;
  page: string;
  action: string;
  fields: [string, string][];
}

/** A form's field names in order: with its action, what makes two forms the same form. */
const namesOf = (form: Pick<Form, 'fields'>) => form.fields.map(([name]) => name);

/** One mutation of a form's urlencoded body: its name, and the body it makes from the page's fields. */
interface Mutation {
  name: string;
  body(fields: [string, string][], target: string): string;
}

const enc = encodeURIComponent;
const encode = (fields: [string, string][]) => fields.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
/** The body with `target`'s value replaced by `raw`, written as is (already percent-encoded). */
const replacedRaw = (fields: [string, string][], target: string, raw: string) =>
  fields.map(([k, v]) => `${enc(k)}=${k === target ? raw : enc(v)}`).join('&');
const replaced = (value: string) => (fields: [string, string][], target: string) =>
  replacedRaw(fields, target, enc(value));

const MUTATIONS: Mutation[] = [
  { name: 'empty', body: replaced('') },
  { name: 'NUL', body: replaced('a\u0000b') },
  { name: 'lone surrogate (raw bytes)', body: (f, t) => replacedRaw(f, t, 'x%ED%A0%80y') },
  { name: 'not UTF-8', body: (f, t) => replacedRaw(f, t, '%FF%FE%C0%AF') },
  { name: 'a bare %', body: (f, t) => replacedRaw(f, t, '100%') },
  { name: '200,000 characters', body: replaced('x'.repeat(200_000)) },
  { name: 'whitespace only', body: replaced(' \t\u00a0\u2028 ') },
  { name: 'markup', body: replaced('<script>alert(1)</script><img src=x onerror=alert(1)>') },
  { name: 'negative', body: replaced('-1') },
  { name: 'huge number', body: replaced('9'.repeat(400)) },
  { name: 'exponent', body: replaced('1e309') },
  { name: 'impossible date', body: replaced('2019-02-30') },
  { name: 'year 0000', body: replaced('0000-01-01') },
  { name: 'path', body: replaced('../../../etc/passwd') },
  { name: 'twice', body: (f, t) => `${encode(f)}&${enc(t)}=again` },
  {
    name: 'nested',
    body: (f, t) => `${encode(f.filter(([k]) => k !== t))}&${enc(t)}%5Ba%5D=1&${enc(t)}%5Bb%5D%5Bc%5D=2`,
  },
  {
    name: 'as a list',
    body: (f, t) => `${encode(f.filter(([k]) => k !== t))}&${enc(t)}%5B%5D=1&${enc(t)}%5B%5D=2`,
  },
  { name: 'left out', body: (f, t) => encode(f.filter(([k]) => k !== t)) },
  {
    name: '__proto__',
    body: (f) => `${encode(f)}&__proto__%5Bpolluted%5D=1&constructor%5Bprototype%5D%5Bx%5D=1`,
  },
];

/**
 * Query parameters the pages read (banners, filters, the sign-in's next, the appendices' error anchors), each
 * twice or mangled: `name=a&name=b` arrives as a list where a handler may expect a string.
 */
const HOSTILE_QUERY = [
  ...[
    'done',
    'error',
    'saved',
    'copied',
    'posted',
    'resolved',
    'unchanged',
    'field',
    'form',
    'appendix',
    'next',
  ].map((name) => `${name}=a&${name}=b`),
  ...['measure', 'theme', 'agency', 'state', 'q', 'page', 'asAt', 'format'].map(
    (name) => `${name}=%FF&${name}=%00`,
  ),
  'asAt=0000-01-01',
  'page=-1',
  '__proto__%5Bx%5D=1',
].join('&');

/** Where a signed-in role's walk starts, and where a visitor's who is not signed in does. */
const SIGNED_IN_START = ['/', '/agency', '/coordinate', '/review', '/account'];
const PUBLIC_START = ['/', '/sign-in', '/forgot-password', '/link/new', '/set-password/not-a-token'];

/** Posts that end the role's own access (its token or session) or sign it out: posted last, once each. */
const ENDS_ACCESS = /sign-out|\/revoke$|\/deactivate$|forget/;

describe('hostile posts to every page form, as every role (e2e)', () => {
  let product: Product;
  let watch: ProcessorWatch;
  const forms: Form[] = [];
  const faults: string[] = [];
  let posted = 0;
  let refusedAsForged = 0;
  const statuses = new Map<number, number>();
  /** Each role's headers, and the CSRF cookie and token one of its pages gave (valid for all its posts). */
  const roles: Record<string, { headers: Record<string, string>; csrf?: { cookie: string; token: string } }> =
    {};

  beforeAll(async () => {
    watch = watchProcessors();
    product = await startProduct('fuzz_forms');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'fuzz-2019-20',
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2', 'H1'],
    );
    // A return in each state a page offers forms for: submitted (review), draft (the lead's form).
    const lead = as.lead('sevenoaks-csp');
    const content = { rag: 'amber', narrative: 'Most actions were achieved.', dot: 'improving' };
    expect((await call('PUT', `/returns/${cycleId}.S1/draft`, lead, content)).status).toBe(200);
    expect((await call('POST', `/returns/${cycleId}.S1/submit`, lead)).status).toBe(200);
    expect((await call('PUT', `/returns/${cycleId}.S2/draft`, lead, content)).status).toBe(200);

    roles.coordinator = { headers: as.coordinator };
    roles.reviewer = { headers: as.reviewer };
    roles.viewer = { headers: as.viewer };
    roles.lead = { headers: lead };
    // Each starts where the product sends them, and at the pages of this cycle and its returns.
    const start: Record<string, string[]> = {
      coordinator: [
        `/coordinate/cycles/${cycleId}`,
        `/coordinate/cycles/${cycleId}/appendices`,
        `/coordinate/returns/${cycleId}.S1`,
        `/coordinate/returns/${cycleId}.S2`,
        `/coordinate/cycles/${cycleId}/links`,
        '/coordinate/staff',
        '/coordinate/retention',
        '/coordinate/sign-on',
        '/admin/processors',
      ],
      reviewer: [`/review/returns/${cycleId}.S1`],
      viewer: [],
      lead: [`/agency/cycles/${cycleId}`, `/agency/returns/${cycleId}.S2`, `/agency/returns/${cycleId}.S1`],
    };
    for (const [role, r] of Object.entries(roles)) await walk(role, r, [...start[role], ...SIGNED_IN_START]);
    // Someone not signed in: the sign-in, password and new-link pages, and a lead's real link from the mail.
    const mailed = product.smtp.mails.map((m) => /\/l\/[A-Za-z0-9_-]{16,}/.exec(m.text)?.[0]).find(Boolean);
    expect(mailed).toBeDefined();
    roles.anonymous = { headers: {} };
    await walk('anonymous', roles.anonymous, [...PUBLIC_START, mailed!]);
    // Hundreds of pages, each read twice: a run at load average 15 (2 cores) took over the 120 s this had before.
  }, 300_000);
  afterAll(async () => {
    watch.stop();
    await product.stop();
  });

  const get = (path: string, headers: Record<string, string>) =>
    fetch(`${product.baseUrl}${path}`, { headers: { ...headers, accept: 'text/html' }, redirect: 'manual' });

  /** Reads the pages a role can reach from the start, breadth first, and keeps the forms that post. */
  async function walk(role: string, r: (typeof roles)[string], start: readonly string[]) {
    const queue = [...start];
    const seen = new Set<string>();
    const shapes = new Map<string, number>();
    while (queue.length > 0 && seen.size < PAGES_PER_ROLE) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const shape = shapeOf(path);
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
      if (shapes.get(shape)! > PAGES_PER_SHAPE) continue;
      const response = await get(path, r.headers);
      if (response.status >= 500) faults.push(`${role} GET ${path}: ${response.status}`);
      const location = response.headers.get('location');
      if (location?.startsWith('/')) queue.push(location);
      if (!(response.headers.get('content-type') ?? '').includes('text/html')) {
        await response.arrayBuffer();
        continue;
      }
      const html = await response.text();
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
      // The page again with hostile query parameters: each it reads, and some it does not, twice or mangled.
      const hostile = await get(`${path}${path.includes('?') ? '&' : '?'}${HOSTILE_QUERY}`, r.headers);
      await hostile.arrayBuffer();
      if (hostile.status >= 500) faults.push(`${role} GET ${path} with hostile query: ${hostile.status}`);
      for (const form of formsIn(html, path)) {
        const token = form.fields.find(([k]) => k === '_csrf')?.[1];
        if (token && cookie.startsWith('pr_csrf=') && !r.csrf) r.csrf = { cookie, token };
        forms.push({ role, page: path, ...form });
      }
      for (const [, href] of html.matchAll(/<a\b[^>]*\bhref="(\/[^"#]*)"/g)) {
        const link = decodeEntities(href);
        // Files (CSV, XLSX, PDF, ...) say nothing about forms and some take seconds to make.
        if (/\.(csv|xlsx|docx|pdf|json|ods)(\?|$)|\/download|\/export|sign-out/.test(link)) continue;
        if (!seen.has(link)) queue.push(link);
      }
    }
  }

  it('finds forms to post as every role, and reads every page it walked, hostile query or not, without a 500', () => {
    expect(faults).toEqual([]);
    const byRole = Object.fromEntries(Object.keys(roles).map((role) => [role, 0]));
    for (const form of forms) byRole[form.role] += 1;
    // Every role that can write has forms; the walk is broken if one finds none.
    expect(byRole.coordinator).toBeGreaterThan(5);
    expect(byRole.reviewer).toBeGreaterThan(0);
    expect(byRole.lead).toBeGreaterThan(0);
    expect(byRole.anonymous).toBeGreaterThanOrEqual(3);
    // And each role with forms got the CSRF token they carry, so the posts reach the handlers.
    const withoutToken = Object.keys(roles).filter((role) => byRole[role] > 0 && !roles[role].csrf);
    expect(withoutToken).toEqual([]);
  });

  it('answers every mutated post with less than 500', async () => {
    const random: Random = seededRandom(SEED);
    console.log(`form fuzz seed ${SEED} (FORM_FUZZ_SEED=${SEED} replays it), ${POSTS} posts`);
    // One of each form (same action and fields), the ones that end a role's access last.
    const distinct = [
      ...new Map(forms.map((f) => [`${f.role} ${f.action} ${namesOf(f).join(',')}`, f])).values(),
    ];
    const ordinary = distinct.filter((f) => !ENDS_ACCESS.test(f.action));
    const last = distinct.filter((f) => ENDS_ACCESS.test(f.action));
    const post = async (form: Form, mutation: Mutation, target: string) => {
      const r = roles[form.role];
      const cookies = [r.headers.cookie, r.csrf?.cookie].filter(Boolean).join('; ');
      const fields = form.fields.map(([k, v]): [string, string] =>
        k === '_csrf' && r.csrf ? [k, r.csrf.token] : [k, v],
      );
      const response = await fetch(`${product.baseUrl}${form.action}`, {
        method: 'POST',
        headers: {
          ...r.headers,
          ...(cookies ? { cookie: cookies } : {}),
          origin: product.baseUrl,
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: mutation.body(fields, target),
        redirect: 'manual',
      }).catch((error: Error) => {
        // An answer the client cannot read (headers over 16 KB, say) is a fault too.
        faults.push(
          `${form.role} POST ${form.action} ${target} ${mutation.name}: ${error.message} (${String(error.cause)})`,
        );
        return null;
      });
      if (!response) return;
      const text = await response.text();
      posted += 1;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 403 && /csrf|cross-origin/i.test(text)) refusedAsForged += 1;
      if (response.status >= 500) {
        faults.push(
          `${form.role} POST ${form.action} (${form.page}) ${target} ${mutation.name}: ${response.status} ${text.slice(0, 200)}`,
        );
      }
      // A stale page (its version moved on by a post before): read it again, so later posts of the form get
      // past the version check to the rules.
      if (response.status === 409) await refresh(form);
    };
    const refresh = async (form: Form) => {
      const response = await get(form.page, roles[form.role].headers);
      const html = await response.text();
      const names = namesOf(form).join(',');
      const fresh = formsIn(html, form.page).find(
        (f) => f.action === form.action && namesOf(f).join(',') === names,
      );
      if (fresh) form.fields = fresh.fields;
    };
    const targets = (form: Form) => namesOf(form).filter((k) => k !== '_csrf');
    for (let i = 0; i < POSTS && ordinary.length > 0; i++) {
      // Every form at least once before any twice, then at random.
      const form = i < ordinary.length ? ordinary[i] : pick(random, ordinary);
      const fieldNames = targets(form);
      await post(form, pick(random, MUTATIONS), fieldNames.length > 0 ? pick(random, fieldNames) : '_none');
    }
    for (const form of last)
      await post(form, pick(random, MUTATIONS), pick(random, [...targets(form), '_none']));
    console.log(
      `${distinct.length} forms, ${posted} posts; answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(faults).toEqual([]);
    expect(posted).toBeGreaterThanOrEqual(Math.min(POSTS, 100));
    // The posts carry the page's CSRF token, so they reach the handlers: the check does not stop them.
    expect(refusedAsForged).toBeLessThan(posted / 20);
  }, 300_000);

  it('leaves every processor caught up, none failing and nothing parked', async () => {
    expect(await watch.trouble(product)).toEqual([]);
  });
});

/** The forms of a page that post, with their fields as the page filled them in. */
function formsIn(html: string, page: string): Omit<Form, 'role' | 'page'>[] {
  const found: Omit<Form, 'role' | 'page'>[] = [];
  for (const [, attributes, inner] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (!/\bmethod="post"/i.test(attributes)) continue;
    const action = decodeEntities(/\baction="([^"]*)"/.exec(attributes)?.[1] ?? page) || page;
    if (!action.startsWith('/')) continue;
    const fields: [string, string][] = [];
    for (const [tag] of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = attr(tag, 'name');
      const type = (attr(tag, 'type') ?? 'text').toLowerCase();
      if (!name || type === 'file' || type === 'submit' || type === 'button') continue;
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(tag)) {
        if (!fields.some(([k]) => k === name)) fields.push([name, attr(tag, 'value') ?? 'on']);
        continue;
      }
      fields.push([name, attr(tag, 'value') ?? '']);
    }
    for (const [, attributesOf, text] of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attr(`<x ${attributesOf}>`, 'name');
      if (name) fields.push([name, decodeEntities(text)]);
    }
    for (const [, attributesOf, options] of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(`<x ${attributesOf}>`, 'name');
      const value = /<option\b[^>]*\bvalue="([^"]*)"/.exec(options)?.[1];
      if (name) fields.push([name, decodeEntities(value ?? '')]);
    }
    found.push({ action, fields });
  }
  return found;
}

function attr(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x2F;/g, '/')
    .replace(/&amp;/g, '&');
}
