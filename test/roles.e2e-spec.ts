import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { routeAccess, RouteAccess } from '../libs/http/src/index.js';
import { PAGE_PREFIXES } from '../libs/web/src/index.js';
import { as, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from './support/product.js';

/**
 * Who may use which route: every route the app serves, for each kind of caller, in the product's words. This
 * table is the reviewer's copy of the @Roles/@Public declarations; the test fails if a route is served that the
 * table does not name, if a route declares neither, if a declaration and the table disagree, or if the guard
 * answers anything but what the table says.
 *
 * "Refused" is the guard's own answer: 401 "Sign in first" for nobody signed in, 403 with the route's sentence
 * for a role not named. "Allowed" is anything else: the route then answers as it always did (a 404 for the ids
 * this test makes up, a 400 for an empty form, a page), and the rules (decide) still have their say.
 */
const CALLERS = [
  'coordinator',
  'reviewer',
  'board member',
  'viewer',
  'agency lead',
  'API token',
  'nobody signed in',
] as const;
type Caller = (typeof CALLERS)[number];

/** The audiences a route is declared for, each spelt out as the callers it lets in. */
const AUDIENCES = {
  /** Anyone, signed in or not: sign-in, health, a submission link's landing page. */
  anyone: [
    'coordinator',
    'reviewer',
    'board member',
    'viewer',
    'agency lead',
    'API token',
    'nobody signed in',
  ],
  /** Anyone signed in; what each sees is narrowed by the query (an agency lead sees only its agency). */
  'signed in': ['coordinator', 'reviewer', 'board member', 'viewer', 'agency lead', 'API token'],
  /** People with a staff account: not agency leads. */
  staff: ['coordinator', 'reviewer', 'board member', 'viewer', 'API token'],
  /** Who may write a return: its agency's lead, and the staff who may edit (not viewers, not the board). */
  'return editors': ['coordinator', 'reviewer', 'agency lead', 'API token'],
  'reviewers and coordinators': ['coordinator', 'reviewer', 'API token'],
  /** The review queue and page: reviewers, and the second stage of two-stage cycles, who read them too. */
  'review readers': ['coordinator', 'reviewer', 'board member', 'API token'],
  /** The second stage of sign-off in two-stage cycles: accept, or return to review. */
  'second stage': ['coordinator', 'board member', 'API token'],
  /** A return's files: its agency's lead while it is editable, the coordinator until approval (the rules say when). */
  'evidence keepers': ['coordinator', 'agency lead', 'API token'],
  coordinators: ['coordinator', 'API token'],
  'agency leads': ['agency lead'],
} as const satisfies Record<string, readonly Caller[]>;
type Audience = keyof typeof AUDIENCES;

/** The roles each audience is declared with (the API token here is a coordinator's: a token acts as its owner). */
const DECLARED_ROLES: Record<Exclude<Audience, 'anyone'>, string[]> = {
  'signed in': ['coordinator', 'reviewer', 'board', 'viewer', 'agency-lead'],
  staff: ['coordinator', 'reviewer', 'board', 'viewer'],
  'return editors': ['coordinator', 'reviewer', 'agency-lead'],
  'reviewers and coordinators': ['coordinator', 'reviewer'],
  'review readers': ['coordinator', 'reviewer', 'board'],
  'second stage': ['coordinator', 'board'],
  'evidence keepers': ['coordinator', 'agency-lead'],
  coordinators: ['coordinator'],
  'agency leads': ['agency-lead'],
};

const WHO_MAY_USE: Record<string, Audience> = {
  // Signing in and out, the start page, health, and the link in an agency lead's mail.
  'GET /': 'anyone',
  'GET /sign-in': 'anyone',
  'POST /sign-in': 'anyone',
  'POST /sign-out': 'anyone',
  'POST /auth/sign-in': 'anyone',
  'POST /auth/sign-out': 'anyone',
  'GET /health/live': 'anyone',
  'GET /health/ready': 'anyone',
  // Prometheus has no session: METRICS_TOKEN guards it when set (unset here), see metrics.e2e-spec.
  'GET /metrics': 'anyone',
  'GET /l/:token': 'anyone',
  'POST /l': 'anyone',
  'GET /link/new': 'anyone',
  'POST /link/new': 'anyone',
  'GET /accessibility': 'anyone',
  'GET /privacy': 'anyone',
  'GET /cookies': 'anyone',
  'GET /auth/me': 'signed in',

  // Staff accounts and API tokens.
  'POST /staff': 'coordinators',
  'PUT /staff/:email/themes': 'coordinators',
  'POST /staff/:email/disable': 'coordinators',
  'POST /auth/tokens': 'staff',
  'DELETE /auth/tokens/:tokenId': 'staff',
  // Each staff member's own mail preference (digest or at once).
  'GET /me/mail-preferences': 'staff',
  'PUT /me/mail-preferences': 'staff',
  // The partnership's single sign-on: set up by a coordinator; the way out to the provider and back is public.
  'GET /single-sign-on': 'coordinators',
  'PUT /single-sign-on': 'coordinators',
  'DELETE /single-sign-on': 'coordinators',
  'GET /sign-in/sso/:partnershipId': 'anyone',
  'POST /sign-in/sso/:partnershipId': 'anyone',
  'GET /sign-in/sso/:partnershipId/callback': 'anyone',
  'GET /coordinate/sign-on': 'coordinators',
  'POST /coordinate/sign-on': 'coordinators',

  // The plan.
  'POST /plan/import': 'coordinators',
  'GET /partnerships/:partnershipId/plan': 'signed in',
  'GET /partnerships/:partnershipId/agencies': 'staff',

  // Cycles.
  'GET /cycles': 'signed in',
  'POST /cycles': 'coordinators',
  'POST /cycles/historical': 'coordinators',
  'GET /cycles/:cycleId': 'signed in',
  'POST /cycles/:cycleId/open': 'coordinators',
  'POST /cycles/:cycleId/close': 'coordinators',
  'PUT /cycles/:cycleId/report-headings': 'coordinators',
  'POST /cycles/:cycleId/agencies/:agencyId/extend': 'coordinators',
  'GET /cycles/:cycleId/links': 'coordinators',
  'POST /cycles/:cycleId/links/:linkId/revoke': 'coordinators',
  'POST /cycles/:cycleId/agencies/:agencyId/links/reissue': 'coordinators',

  // Returns.
  'GET /returns': 'signed in',
  'GET /returns/:returnId': 'signed in',
  'GET /returns/:returnId/diff': 'signed in',
  'PUT /returns/:returnId/draft': 'return editors',
  'POST /returns/:returnId/submit': 'return editors',
  'POST /returns/:returnId/approve': 'reviewers and coordinators',
  'POST /returns/:returnId/send-back': 'reviewers and coordinators',
  'POST /returns/bulk-decisions': 'review readers',
  'POST /returns/:returnId/accept': 'second stage',
  'POST /returns/:returnId/return-to-review': 'second stage',
  'POST /returns/:returnId/reopen': 'coordinators',
  'POST /returns/:returnId/extend': 'coordinators',
  'POST /returns/:returnId/reassign': 'coordinators',
  'POST /returns/:returnId/withdraw': 'coordinators',
  'POST /returns/:returnId/redactions': 'coordinators',
  'POST /cycles/:cycleId/appendices/redactions': 'coordinators',
  'POST /cycles/:cycleId/redactions': 'coordinators',
  // A return's conversation: read by anyone who may see the return (viewers too), written by its two sides.
  'GET /returns/:returnId/messages': 'signed in',
  'POST /returns/:returnId/messages': 'return editors',
  'POST /returns/:returnId/messages/:messageId/resolve': 'reviewers and coordinators',
  'POST /returns/:returnId/messages/:messageId/redactions': 'coordinators',
  // A return's files: read by anyone who may see the return, attached and removed by its lead or coordinator.
  'GET /returns/:returnId/evidence': 'signed in',
  'GET /returns/:returnId/evidence/:evidenceId': 'signed in',
  'POST /returns/:returnId/evidence': 'evidence keepers',
  'DELETE /returns/:returnId/evidence/:evidenceId': 'evidence keepers',
  // A return's files: the coordinator chooses which the report lists by title.
  'PUT /returns/:returnId/evidence/:evidenceId/report-choice': 'coordinators',

  // Chasing.
  'GET /cycles/:cycleId/chase-schedule': 'staff',
  'GET /cycles/:cycleId/chases': 'coordinators',
  'POST /cycles/:cycleId/chase': 'coordinators',
  'POST /cycles/:cycleId/agencies/:agencyId/chase': 'coordinators',

  // Reports.
  // A cycle's appendices: staff read them, only the coordinator changes them.
  'GET /cycles/:cycleId/appendices': 'staff',
  'POST /cycles/:cycleId/appendices': 'coordinators',
  'PUT /cycles/:cycleId/appendices/:appendixId': 'coordinators',
  'DELETE /cycles/:cycleId/appendices/:appendixId': 'coordinators',
  'POST /cycles/:cycleId/appendices/:appendixId/move': 'coordinators',
  'POST /cycles/:cycleId/appendices/:appendixId/case-studies': 'coordinators',
  'POST /cycles/:cycleId/appendices/:appendixId/agency-case-studies': 'coordinators',
  'PUT /cycles/:cycleId/appendices/:appendixId/case-studies/:caseStudyId': 'coordinators',
  'DELETE /cycles/:cycleId/appendices/:appendixId/case-studies/:caseStudyId': 'coordinators',
  'POST /cycles/:cycleId/appendices/:appendixId/case-studies/:caseStudyId/move': 'coordinators',
  'GET /cycles/:cycleId/report': 'signed in',
  'GET /cycles/:cycleId/status': 'signed in',
  'POST /cycles/:cycleId/publish': 'coordinators',
  'GET /cycles/:cycleId/publications': 'signed in',

  // The BI feed: the partnership's read-only PostgreSQL role.
  'GET /partnership/bi-access': 'coordinators',
  'POST /partnership/bi-access': 'coordinators',
  'DELETE /partnership/bi-access': 'coordinators',

  // Personal data: forgetting a person (issue 17).
  'POST /partnership/people/forget': 'coordinators',
  // Retention periods (issue 17 point 5): the partnership's own, set and previewed by its coordinator.
  'GET /partnership/retention': 'coordinators',
  'PUT /partnership/retention': 'coordinators',
  'GET /partnership/retention/due': 'coordinators',
  'GET /coordinate/retention': 'coordinators',
  'POST /coordinate/retention': 'coordinators',

  // The coordinator's pages.
  'GET /coordinate': 'coordinators',
  'GET /coordinate/cycles/new': 'coordinators',
  'POST /coordinate/cycles/new': 'coordinators',
  'GET /coordinate/cycles/historical': 'coordinators',
  'POST /coordinate/cycles/historical': 'coordinators',
  'GET /coordinate/cycles/:cycleId': 'coordinators',
  'GET /coordinate/cycles/:cycleId/agencies/:agencyId': 'coordinators',
  'GET /coordinate/cycles/:cycleId/chase-schedule': 'coordinators',
  'GET /coordinate/cycles/:cycleId/chases': 'coordinators',
  'POST /coordinate/cycles/:cycleId/:action': 'coordinators',
  'GET /coordinate/cycles/:cycleId/appendices': 'coordinators',
  'POST /coordinate/cycles/:cycleId/appendices/:action': 'coordinators',
  'GET /coordinate/returns/:returnId': 'coordinators',
  'GET /coordinate/returns/:returnId/redact': 'coordinators',
  'POST /coordinate/returns/:returnId/:action': 'coordinators',
  'GET /coordinate/plan': 'coordinators',
  'POST /coordinate/plan': 'coordinators',
  'GET /coordinate/plan/download': 'coordinators',
  'POST /coordinate/plan/upload': 'coordinators',
  'GET /coordinate/plan/:part/new': 'coordinators',
  'POST /coordinate/plan/:part/new': 'coordinators',
  'GET /coordinate/plan/:part/:key/change': 'coordinators',
  'POST /coordinate/plan/:part/:key/change': 'coordinators',
  'GET /coordinate/plan/:part/:key/remove': 'coordinators',
  'POST /coordinate/plan/:part/:key/remove': 'coordinators',
  'GET /coordinate/plan/contact/:key/forget': 'coordinators',
  'POST /coordinate/plan/contact/:key/forget': 'coordinators',

  // The reviewer's pages.
  'GET /review': 'review readers',
  'GET /review/returns/:returnId': 'review readers',
  'POST /review/returns/:returnId/approve': 'reviewers and coordinators',
  'POST /review/returns/:returnId/send-back': 'reviewers and coordinators',
  'POST /review/bulk': 'review readers',
  'POST /review/bulk/confirm': 'review readers',
  'GET /review/returns/:returnId/messages': 'reviewers and coordinators',
  'POST /review/returns/:returnId/messages': 'reviewers and coordinators',
  'POST /review/returns/:returnId/messages/:messageId/resolve': 'reviewers and coordinators',
  'POST /review/returns/:returnId/accept': 'second stage',
  'POST /review/returns/:returnId/return-to-review': 'second stage',

  // The agency lead's pages.
  'GET /agency/cycles/:cycleId': 'agency leads',
  'GET /agency/cycles/:cycleId/spreadsheet': 'agency leads',
  'GET /agency/cycles/:cycleId/returns.xlsx': 'agency leads',
  'POST /agency/cycles/:cycleId/returns.xlsx': 'agency leads',
  'GET /agency/returns/:returnId': 'agency leads',
  'POST /agency/returns/:returnId': 'agency leads',
  'GET /agency/returns/:returnId/tables': 'agency leads',
  'POST /agency/returns/:returnId/tables': 'agency leads',
  'GET /agency/returns/:returnId/case-studies': 'agency leads',
  'POST /agency/returns/:returnId/case-studies': 'agency leads',
  'GET /agency/returns/:returnId/check': 'agency leads',
  'POST /agency/returns/:returnId/submit': 'agency leads',
  'GET /agency/returns/:returnId/submitted': 'agency leads',
  'GET /agency/returns/:returnId/sent': 'agency leads',
  'GET /agency/returns/:returnId/sent/:version': 'agency leads',
  'POST /agency/returns/:returnId/from-last-year': 'agency leads',
  'GET /agency/returns/:returnId/messages': 'agency leads',
  'POST /agency/returns/:returnId/messages': 'agency leads',
  'GET /agency/returns/:returnId/evidence': 'agency leads',
  'POST /agency/returns/:returnId/evidence': 'agency leads',
  'POST /agency/returns/:returnId/evidence/:evidenceId/remove': 'agency leads',

  // Staff pages (coordinators), each staff member's account, and forgotten passwords (nobody signed in yet).
  'GET /coordinate/staff': 'coordinators',
  'GET /coordinate/staff/invite': 'coordinators',
  'POST /coordinate/staff/invite': 'coordinators',
  'GET /coordinate/staff/:staffId': 'coordinators',
  'POST /coordinate/staff/:staffId': 'coordinators',
  'POST /coordinate/staff/:staffId/deactivate': 'coordinators',
  'GET /coordinate/staff/:staffId/forget': 'coordinators',
  'POST /coordinate/staff/:staffId/forget': 'coordinators',
  'GET /account': 'staff',
  'GET /account/password': 'staff',
  'POST /account/password': 'staff',
  'GET /account/tokens': 'staff',
  'POST /account/tokens': 'staff',
  'POST /account/tokens/:tokenId/revoke': 'staff',
  'POST /account/mail-preferences': 'staff',
  'GET /account/forgot-password': 'anyone',
  'POST /account/forgot-password': 'anyone',
  'GET /account/set-password/:token': 'anyone',
  'GET /account/set-password': 'anyone',
  'POST /account/set-password': 'anyone',

  // A cycle's submission links, page by agency (coordinators); the viewer's read-only pages (any staff).
  'GET /coordinate/cycles/:cycleId/links': 'coordinators',
  'POST /coordinate/cycles/:cycleId/links/:linkId/revoke': 'coordinators',
  'POST /coordinate/cycles/:cycleId/links/agencies/:agencyId/reissue': 'coordinators',
  'GET /view': 'staff',
  'GET /view/cycles/:cycleId': 'staff',
  'GET /view/cycles/:cycleId/agencies/:agencyId': 'staff',

  // The operator's pages (each also asks that the coordinator's partnership runs the deployment).
  'GET /admin/processors': 'coordinators',
  'POST /admin/processors/retry': 'coordinators',
  'POST /admin/processors/skip': 'coordinators',
};

/** Made-up ids: nothing is found, so an allowed call changes nothing. */
const SAMPLE: Record<string, string> = {
  cycleId: 'no-such-cycle',
  returnId: 'no-such-return',
  partnershipId: 'sevenoaks-lsp',
  agencyId: 'no-such-agency',
  linkId: 'no-such-link',
  email: 'nobody@sevenoaks.example.org',
  tokenId: '00000000-0000-4000-8000-000000000000',
  staffId: '00000000-0000-4000-8000-000000000000',
  token: 'no-such-token',
  action: 'no-such-action',
  version: '1',
};

interface Route {
  key: string;
  method: string;
  path: string;
  access: RouteAccess | undefined;
}

/** Every route of every controller the app registered, with what it declares (read as the guard reads it). */
function declaredRoutes(product: Product): Route[] {
  const reflector = product.api.get(Reflector);
  const controllers = new Set<object>();
  for (const module of product.api.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values())
      if (wrapper.metatype) controllers.add(wrapper.metatype);
  }
  const segments = (value: unknown) =>
    ([] as unknown[])
      .concat(value ?? '')
      .map(String)
      .flatMap((p) => p.split('/'))
      .filter(Boolean);
  const routes: Route[] = [];
  for (const controller of controllers as Set<new () => object>) {
    const base = segments(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      if (name === 'constructor') continue;
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined)
        continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const path = '/' + [...base, ...segments(Reflect.getMetadata(PATH_METADATA, handler))].join('/');
      const access = routeAccess(reflector, handler as () => unknown, controller);
      routes.push({ key: `${method} ${path}`, method, path, access });
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

function audienceOf(access: RouteAccess | undefined): string {
  if (!access) return 'nothing declared';
  if (access.public) return 'anyone';
  const roles = [...access.roles].sort().join(', ');
  const named = Object.entries(DECLARED_ROLES).find(([, r]) => [...r].sort().join(', ') === roles);
  return named?.[0] ?? `roles ${roles}`;
}

describe('who may use which route: the RolesGuard (e2e)', () => {
  let product: Product;
  let routes: Route[];
  const headers = {} as Record<Caller, Record<string, string>>;

  beforeAll(async () => {
    product = await startProduct('roles');
    await importSevenoaks(product.store);
    routes = declaredRoutes(product);
    // Staff as the pages see them, by session cookie; the API token is the coordinator's bearer token.
    const origin = product.baseUrl;
    const staffCallers = [
      ['coordinator', 'coordinator'],
      ['reviewer', 'reviewer'],
      ['board member', 'board'],
      ['viewer', 'viewer'],
    ] as const;
    for (const [caller, role] of staffCallers) {
      const signIn = await fetch(`${origin}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email: STAFF[role], password: PASSWORD }),
      });
      expect(signIn.status).toBe(200);
      headers[caller] = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0], origin };
    }
    headers['agency lead'] = { ...as.lead('sevenoaks-dc') };
    headers['API token'] = { ...as.coordinator, origin };
    headers['nobody signed in'] = { origin };
  });
  afterAll(() => product.stop());

  /**
   * One call as this caller: a page's form carries the CSRF token a page would have given them (else the CSRF
   * check, which runs first, would answer instead of the guard); an API write carries an empty JSON body.
   */
  async function send(method: string, path: string, caller: Record<string, string>): Promise<Response> {
    const h: Record<string, string> = { accept: 'application/json', ...caller };
    let body: string | undefined;
    if (method !== 'GET' && PAGE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) {
      const page = await fetch(`${product.baseUrl}/sign-in`, { headers: caller });
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      h.cookie = [caller.cookie, (page.headers.get('set-cookie') ?? '').split(';')[0]]
        .filter(Boolean)
        .join('; ');
      h['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: token }).toString();
    } else if (method !== 'GET') {
      h['content-type'] = 'application/json';
      body = '{}';
    }
    return fetch(`${product.baseUrl}${path}`, { method, headers: h, body, redirect: 'manual' });
  }

  it('names every route the app serves, and no other', () => {
    const app = product.api.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    };
    const served = app.router.stack
      // The OpenAPI document and its viewer are Swagger's own routes, open to all, outside the controllers.
      .filter(
        (layer) =>
          layer.route && !layer.route.path.includes('*') && !layer.route.path.startsWith('/api/docs'),
      )
      .flatMap((layer) =>
        Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`),
      );
    expect([...new Set(served)].sort()).toEqual(routes.map((r) => r.key));
    expect(routes.map((r) => r.key)).toEqual(Object.keys(WHO_MAY_USE).sort());
  });

  it('finds every route declaring @Roles(...) or @Public(), as the table says', () => {
    const declared = Object.fromEntries(routes.map((r) => [r.key, audienceOf(r.access)]));
    expect(declared).toEqual(WHO_MAY_USE);
  });

  it('refuses the queue dashboard, which Bull Board serves outside the guard, the same way', async () => {
    const ask = (caller: Record<string, string>, accept = 'application/json') =>
      fetch(`${product.baseUrl}/admin/queues`, { headers: { ...caller, accept }, redirect: 'manual' });
    // The guard's own answer to nobody signed in, on a route of Nest's.
    const guards = (await (await ask({})).json()) as Record<string, unknown>;
    const unsigned = await fetch(`${product.baseUrl}/cycles`, { headers: { accept: 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(guards).toEqual({ ...((await unsigned.json()) as object), instance: '/admin/queues' });
    expect(guards).toMatchObject({ code: 'unauthenticated', status: 401 });
    for (const caller of [as.reviewer, as.board, as.viewer, as.lead('sevenoaks-dc')]) {
      const refused = await ask(caller);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await refused.json()).toMatchObject({
        code: 'forbidden',
        title: 'Only a coordinator can see the queues',
        type: 'https://partner-returns.dev/problems/forbidden',
      });
    }
    // A browser signed out goes to sign-in and comes back; a reviewer's browser gets the refusal as a page.
    const browser = await ask({}, 'text/html');
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/sign-in?next=%2Fadmin%2Fqueues');
    const page = await ask(as.reviewer, 'text/html');
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Only a coordinator can see the queues');
    expect((await ask(as.coordinator)).status).toBe(200);
  });

  it('lets each caller through, or refuses them with the guard’s own answer, as the table says', async () => {
    const answers: Record<string, Record<Caller, 'allowed' | 'refused'>> = {};
    const expected: typeof answers = {};
    // Signing out last: it ends the session the calls after it would use.
    const order = [...routes].sort(
      (a, b) => Number(a.path.endsWith('sign-out')) - Number(b.path.endsWith('sign-out')),
    );
    for (const route of order) {
      const path = route.path.replace(/:(\w+)/g, (_, name: string) =>
        encodeURIComponent(SAMPLE[name] ?? name),
      );
      const refusal = route.access && !route.access.public ? route.access.refusal : null;
      answers[route.key] = {} as Record<Caller, 'allowed' | 'refused'>;
      expected[route.key] = {} as Record<Caller, 'allowed' | 'refused'>;
      for (const caller of CALLERS) {
        const response = await send(route.method, path, headers[caller]);
        const body = (await response.json().catch(() => ({}))) as {
          type?: string;
          title?: string;
          code?: string;
        };
        const refused =
          (response.status === 401 && body.type === 'https://partner-returns.dev/problems/unauthenticated') ||
          (response.status === 403 && body.code === 'forbidden' && body.title === refusal);
        answers[route.key][caller] = refused ? 'refused' : 'allowed';
        expected[route.key][caller] = (AUDIENCES[WHO_MAY_USE[route.key]] as readonly Caller[]).includes(
          caller,
        )
          ? 'allowed'
          : 'refused';
      }
    }
    expect(answers).toEqual(expected);
    // Every route as every caller, one after another, the allowed ones doing their real work (a PDF is printed
    // two or three times for its contents): minutes on a loaded machine.
  }, 300_000);
});
