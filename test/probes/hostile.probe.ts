import { as, http, importSevenoaks, Product, startProduct } from '../support/product.js';

/** Not part of the suite (run as narrative-views.probe.ts is): hostile requests, printing each answer that is 500+, slow, or not problem+json. */
describe('hostile requests (probe)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  let returnId: string;

  beforeAll(async () => {
    product = await startProduct('hostile_probe');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const cycle = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = cycle.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, {});
    returnId = `${cycleId}.S1`;
  }, 120_000);
  afterAll(() => product?.stop());

  it('probes', async () => {
    const lead = () => ({ ...as.lead('sevenoaks-csp') });
    const coord = () => ({ ...as.coordinator });
    const json = { 'content-type': 'application/json' };
    type Req = [string, string, string, Record<string, string>, string | undefined];
    const reqs: Req[] = [
      [
        'dup keys',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","rag":"purple"}',
      ],
      [
        '1e309 indicator',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","indicators":[{"name":"x","value":1e309}]}',
      ],
      [
        '1e309 position',
        'POST',
        `/cycles/${cycleId}/appendices`,
        { ...coord(), ...json },
        '{"title":"A","introduction":"x"}',
      ],
      [
        'NUL narrative',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","narrative":"a\\u0000b"}',
      ],
      [
        'lone surrogate narrative',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","narrative":"a\\ud800b"}',
      ],
      [
        'lone surrogate key',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","\\ud800":1}',
      ],
      [
        '__proto__ key',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","__proto__":{"x":1}}',
      ],
      [
        'constructor key',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json },
        '{"rag":"amber","constructor":{"prototype":{"x":1}}}',
      ],
      ['json null body', 'PUT', `/returns/${returnId}/draft`, { ...lead(), ...json }, 'null'],
      ['json array body', 'PUT', `/returns/${returnId}/draft`, { ...lead(), ...json }, '[]'],
      ['json number body', 'PUT', `/returns/${returnId}/draft`, { ...lead(), ...json }, '1e309'],
      ['json string body', 'PUT', `/returns/${returnId}/draft`, { ...lead(), ...json }, '"x"'],
      [
        'utf16 charset',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), 'content-type': 'application/json; charset=utf-16' },
        '{"rag":"amber"}',
      ],
      [
        'bogus charset',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), 'content-type': 'application/json; charset=bogus' },
        '{"rag":"amber"}',
      ],
      [
        'merge-patch ct',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), 'content-type': 'application/merge-patch+json' },
        '{"rag":"amber"}',
      ],
      [
        'form ct api',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), 'content-type': 'application/x-www-form-urlencoded' },
        'rag=amber&rag[x]=1',
      ],
      [
        'gzip enc',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'content-encoding': 'gzip' },
        '{"rag":"amber"}',
      ],
      [
        'bogus enc',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'content-encoding': 'br, x' },
        '{"rag":"amber"}',
      ],
      [
        'if-match huge',
        'POST',
        `/returns/${returnId}/submit`,
        { ...lead(), 'if-match': '9'.repeat(400) },
        undefined,
      ],
      [
        'if-match 1e309',
        'POST',
        `/returns/${returnId}/submit`,
        { ...lead(), 'if-match': '1e309' },
        undefined,
      ],
      ['if-match neg', 'POST', `/returns/${returnId}/submit`, { ...lead(), 'if-match': '-1' }, undefined],
      [
        'if-match weak',
        'POST',
        `/returns/${returnId}/submit`,
        { ...lead(), 'if-match': 'W/"1", "2"' },
        undefined,
      ],
      [
        'if-match 2^53+1',
        'POST',
        `/returns/${returnId}/submit`,
        { ...lead(), 'if-match': '9007199254740993' },
        undefined,
      ],
      [
        'idem key huge',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'idempotency-key': 'k'.repeat(8000) },
        '{"rag":"amber"}',
      ],
      [
        'idem key empty',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'idempotency-key': '' },
        '{"rag":"amber"}',
      ],
      [
        'idem key utf8',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'idempotency-key': 'Ã©Ã©' },
        '{"rag":"amber"}',
      ],
      [
        'idem key 1',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'idempotency-key': 'same-1' },
        '{"rag":"amber"}',
      ],
      [
        'idem key 1 other body',
        'PUT',
        `/returns/${returnId}/draft`,
        { ...lead(), ...json, 'idempotency-key': 'same-1' },
        '{"rag":"red"}',
      ],
      [
        'idem key 1 other route',
        'POST',
        `/returns/${returnId}/submit`,
        { ...lead(), 'idempotency-key': 'same-1' },
        undefined,
      ],
      ['path id NUL', 'GET', `/returns/%00`, coord(), undefined],
      ['path id long', 'GET', `/returns/${'a'.repeat(5000)}`, coord(), undefined],
      ['path id bad %', 'GET', `/returns/%E0%A4%A`, coord(), undefined],
      ['path id surrogate', 'GET', `/returns/%ED%A0%80`, coord(), undefined],
      ['cycle id weird', 'GET', `/cycles/..%2F..%2Fetc/report`, coord(), undefined],
      ['evidence id', 'GET', `/returns/${returnId}/evidence/not-a-uuid`, coord(), undefined],
      [
        'evidence id del',
        'DELETE',
        `/returns/${returnId}/evidence/not-a-uuid`,
        { ...coord(), ...json },
        '{}',
      ],
      [
        'appendix id',
        'PUT',
        `/cycles/${cycleId}/appendices/not-a-uuid`,
        { ...coord(), ...json },
        '{"title":"x"}',
      ],
      [
        'appendix cs id',
        'DELETE',
        `/cycles/${cycleId}/appendices/x/case-studies/y`,
        { ...coord() },
        undefined,
      ],
      ['message id', 'POST', `/returns/${returnId}/messages/zzz/resolve`, { ...coord() }, undefined],
      ['report format arr', 'GET', `/cycles/${cycleId}/report?format=html&format=pdf`, coord(), undefined],
      ['report format obj', 'GET', `/cycles/${cycleId}/report?format[a]=1`, coord(), undefined],
      ['report format weird', 'GET', `/cycles/${cycleId}/report?format=%00`, coord(), undefined],
      ['report part', 'GET', `/cycles/${cycleId}/report?format=html&part=zzz`, coord(), undefined],
      [
        'report orientation',
        'GET',
        `/cycles/${cycleId}/report?format=pdf&orientation=diagonal`,
        coord(),
        undefined,
      ],
      [
        'report asAt bad',
        'GET',
        `/cycles/${cycleId}/report?asAt=+275760-09-13T00:00:00Z`,
        coord(),
        undefined,
      ],
      ['report asAt huge', 'GET', `/cycles/${cycleId}/report?asAt=9999999999999999`, coord(), undefined],
      ['report asAt arr', 'GET', `/cycles/${cycleId}/report?asAt[]=1`, coord(), undefined],
      ['status asAt bad', 'GET', `/cycles/${cycleId}/status?asAt=0000-00-00`, coord(), undefined],
      ['return asAt', 'GET', `/returns/${returnId}?asAt=-000001-01-01T00:00:00Z`, coord(), undefined],
      ['diff big', 'GET', `/returns/${returnId}/diff?from=1e309&to=99999999999999999999`, coord(), undefined],
      ['diff neg', 'GET', `/returns/${returnId}/diff?from=-1&to=0`, coord(), undefined],
      ['list returns query', 'GET', `/returns?state[$ne]=x&cycleId=%00&limit=1e309`, coord(), undefined],
      ['list returns limit', 'GET', `/returns?limit=-1&offset=1e400`, coord(), undefined],
      ['list cycles', 'GET', `/cycles?limit=99999999999999999999&cursor=%FF`, coord(), undefined],
      ['retention due', 'GET', `/partnership/retention/due?asAt=x&at=y`, coord(), undefined],
      ['sign-in arrays', 'POST', `/auth/sign-in`, json, '{"email":["a"],"password":{"x":1}}'],
      ['sign-in NUL', 'POST', `/auth/sign-in`, json, '{"email":"a\\u0000@b.c","password":"\\ud800"}'],
      [
        'sign-in huge pw',
        'POST',
        `/auth/sign-in`,
        json,
        JSON.stringify({ email: 'a@b.c', password: 'p'.repeat(90_000) }),
      ],
      [
        'staff create',
        'POST',
        `/staff`,
        { ...coord(), ...json },
        '{"email":"x\\u0000@y.z","name":"\\ud800","role":"reviewer"}',
      ],
      ['staff email path', 'PUT', `/staff/%00/themes`, { ...coord(), ...json }, '{"themes":[]}'],
      [
        'staff email long',
        'PUT',
        `/staff/${'a'.repeat(3000)}@x.y/themes`,
        { ...coord(), ...json },
        '{"themes":["\\u0000"]}',
      ],
      ['link bad', 'GET', `/l/%00`, {}, undefined],
      ['link long', 'GET', `/l/${'x'.repeat(5000)}`, {}, undefined],
      ['link post', 'POST', `/l`, json, '{"token":["a"]}'],
      ['sso cb no state', 'GET', `/single-sign-on/sevenoaks-lsp/callback?code=x`, {}, undefined],
      ['sso cb arr', 'GET', `/single-sign-on/sevenoaks-lsp/callback?code[]=x&state[]=y`, {}, undefined],
      [
        'sso cb err',
        'GET',
        `/single-sign-on/sevenoaks-lsp/callback?error=%00&error_description=${'x'.repeat(3000)}`,
        {},
        undefined,
      ],
      ['sso cb partnership', 'GET', `/single-sign-on/%00/callback?code=x&state=y`, {}, undefined],
      [
        'sso put',
        'PUT',
        `/single-sign-on`,
        { ...coord(), ...json },
        '{"issuer":"http://127.0.0.1:1/\\u0000","clientId":"x","clientSecret":"y"}',
      ],
      [
        'plan import junk',
        'POST',
        `/plan/import`,
        { ...coord(), 'content-type': 'application/yaml' },
        'a: &a [*a, *a, *a]',
      ],
      [
        'plan import yaml bomb',
        'POST',
        `/plan/import`,
        { ...coord(), 'content-type': 'application/x-yaml' },
        'a: &a ["x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      ],
      ['plan import json', 'POST', `/plan/import`, { ...coord(), ...json }, '{"plan":{"__proto__":{"x":1}}}'],
      [
        'historical junk',
        'POST',
        `/cycles/historical`,
        { ...coord(), ...json },
        '{"report":{"measures":[{"narrative":1e309}]}}',
      ],
      [
        'bulk',
        'POST',
        `/returns/bulk-decisions`,
        { ...coord(), ...json },
        JSON.stringify({
          decision: 'approve',
          mode: 'all',
          returns: Array.from({ length: 5000 }, () => ({ returnId, version: 1 })),
        }),
      ],
      [
        'chase policy',
        'POST',
        `/cycles`,
        { ...coord(), ...json },
        JSON.stringify({
          partnershipId: 'sevenoaks-lsp',
          planId: 'community-plan-2019-22',
          label: 'Y',
          periodStart: '2019-04-01',
          periodEnd: '2020-03-31',
          dueDate: '2030-04-30',
          chasePolicy: 'POLICY',
        }).replace('"POLICY"', '{"remindWorkingDaysBefore":[1e309],"overdueEveryWorkingDays":1e-400}'),
      ],
      [
        'cycle dates',
        'POST',
        `/cycles`,
        { ...coord(), ...json },
        JSON.stringify({
          partnershipId: 'sevenoaks-lsp',
          planId: 'community-plan-2019-22',
          label: 'Y2',
          periodStart: '2019-02-30',
          periodEnd: '+275760-09-13',
          dueDate: '0000-01-01',
        }),
      ],
      [
        'extend',
        'POST',
        `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`,
        { ...coord(), ...json },
        '{"dueDate":"2030-13-45","reason":"x"}',
      ],
      [
        'extend agency id',
        'POST',
        `/cycles/${cycleId}/agencies/%00/extend`,
        { ...coord(), ...json },
        '{"dueDate":"2031-01-01","reason":"x"}',
      ],
      [
        'chase agency',
        'POST',
        `/cycles/${cycleId}/agencies/${'x'.repeat(3000)}/chase`,
        { ...coord() },
        undefined,
      ],
      [
        'message body',
        'POST',
        `/returns/${returnId}/messages`,
        { ...coord(), ...json },
        '{"body":"\\u0000\\ud800","answers":"x"}',
      ],
      ['retention', 'PUT', `/partnership/retention`, { ...coord(), ...json }, '{"returnsYears":1e309}'],
      [
        'mail prefs',
        'PUT',
        `/me/mail-preferences`,
        { ...coord(), ...json, 'if-match': '"0"' },
        '{"delivery":"digest","delivery":"x"}',
      ],
      [
        'headings',
        'PUT',
        `/cycles/${cycleId}/report-headings`,
        { ...coord(), ...json, 'if-match': '1' },
        '{"reportTitle":"\\ud800"}',
      ],
      ['tokens', 'POST', `/auth/tokens`, { ...coord(), ...json }, '{"name":"\\u0000","expiresInDays":1e309}'],
      ['tokens del', 'DELETE', `/auth/tokens/%00`, { ...coord() }, undefined],
      ['bi access', 'POST', `/partnership/bi-access`, { ...coord(), ...json, 'if-match': 'x' }, '{}'],
      [
        'redaction',
        'POST',
        `/returns/${returnId}/redactions`,
        { ...coord(), ...json },
        '{"field":"narrative","start":1e309,"end":-1}',
      ],
      [
        'reassign',
        'POST',
        `/returns/${returnId}/reassign`,
        { ...coord(), ...json },
        '{"agencyId":"\\u0000"}',
      ],
      [
        'report choice',
        'PUT',
        `/returns/${returnId}/report-choice`,
        { ...coord(), ...json },
        '{"evidenceIds":["\\u0000"]}',
      ],
      [
        'move appendix',
        'POST',
        `/cycles/${cycleId}/appendices/x/move`,
        { ...coord(), ...json },
        '{"position":1e309}',
      ],
      ['huge header', 'GET', `/returns/${returnId}`, { ...coord(), 'x-big': 'x'.repeat(20_000) }, undefined],
      [
        'many headers',
        'GET',
        `/returns/${returnId}`,
        { ...coord(), ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'y'])) },
        undefined,
      ],
      [
        'bad auth',
        'GET',
        `/returns/${returnId}`,
        { authorization: 'Bearer ' + 'x'.repeat(10_000) },
        undefined,
      ],
      ['bad auth2', 'GET', `/returns/${returnId}`, { authorization: 'Basic %%%' }, undefined],
      [
        'accept weird',
        'GET',
        `/cycles/${cycleId}/report`,
        { ...coord(), accept: 'text/html;q=1e309, */*;q=-1' },
        undefined,
      ],
      [
        'accept huge',
        'GET',
        `/cycles/${cycleId}/report`,
        { ...coord(), accept: 'a/b,'.repeat(3000) },
        undefined,
      ],
      [
        'accept lang',
        'GET',
        `/review`,
        { ...coord(), accept: 'text/html', 'accept-language': 'x'.repeat(8000) },
        undefined,
      ],
      [
        'range',
        'GET',
        `/returns/${returnId}/evidence`,
        { ...coord(), range: 'bytes=0-1,0-1,0-1' },
        undefined,
      ],
      [
        'if-none-match',
        'GET',
        `/returns/${returnId}/messages`,
        { ...coord(), 'if-none-match': '"' + 'x'.repeat(5000) },
        undefined,
      ],
      ['options', 'OPTIONS', `/returns/${returnId}`, coord(), undefined],
      ['trace', 'TRACE', `/returns/${returnId}`, coord(), undefined],
      ['propfind', 'PROPFIND', `/returns/${returnId}`, coord(), undefined],
      [
        'get with body',
        'GET',
        `/returns/${returnId}`,
        { ...coord(), ...json, 'content-length': '1' },
        undefined,
      ],
    ];
    for (const [name, method, path, headers, body] of reqs) {
      const start = performance.now();
      let line: string;
      try {
        const res = await fetch(`${product.baseUrl}${path}`, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        const ct = res.headers.get('content-type') ?? '';
        const ms = Math.round(performance.now() - start);
        const bad =
          res.status >= 500 ||
          (res.status >= 400 && !ct.includes('problem+json') && !ct.includes('text/html')) ||
          ms > 5000;
        line = `${bad ? 'BAD ' : '    '}${name}: ${res.status} ${ct} ${ms}ms ${text.slice(0, 220).replace(/\n/g, ' ')}`;
      } catch (error) {
        line = `BAD ${name}: threw ${(error as Error).message} ${(error as Error & { cause?: Error }).cause?.message ?? ''}`;
      }
      process.stdout.write(line + '\n');
    }
    const ret = await call('GET', `/returns/${returnId}`, as.coordinator);
    process.stdout.write(`return now: ${JSON.stringify(ret.body.content ?? ret.body).slice(0, 400)}\n`);
  }, 600_000);
});
