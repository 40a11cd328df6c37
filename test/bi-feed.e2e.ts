import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { ServiceUnavailableException } from '@nestjs/common';
import { Client } from 'pg';
import { biConnections, Granted } from './support/bi-role.js';
import { DataSource } from 'typeorm';
import { readModels } from '../apps/composition/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { BiAccess } from '../libs/reporting/src/index.js';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { BI_ROLE_USAGE, BiRoleRefused, parseBiRoleArgs, runBiRole } from '../scripts/bi-role-command.js';
import { AuthService } from '../libs/auth/src/index.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  startProduct,
} from './support/product.js';
import { withOneConnectionLeft } from './support/pool.js';
import { openCycle, projectionsSettled, submitAndApprove, YEAR_ONE } from './support/reporting.js';

type Headers = Record<string, string>;
/** What Power BI sees of each view: names and types are a contract with every report built on them. */
const COLUMNS = {
  cycles: [
    ['partnership_id', 'text'],
    ['cycle_id', 'text'],
    ['cycle_label', 'text'],
    ['plan_id', 'text'],
    ['period_start', 'date'],
    ['period_end', 'date'],
    ['due_date', 'date'],
    ['status', 'text'],
    ['opened_at', 'timestamp with time zone'],
    ['closed_at', 'timestamp with time zone'],
    ['publications', 'integer'],
    ['last_published_at', 'timestamp with time zone'],
  ],
  returns: [
    ['partnership_id', 'text'],
    ['cycle_id', 'text'],
    ['return_id', 'text'],
    ['measure_ref', 'text'],
    ['theme_id', 'text'],
    ['agency_id', 'text'],
    ['status', 'text'],
    ['due_date', 'date'],
    ['overdue', 'boolean'],
    ['withdrawn', 'boolean'],
    ['rag', 'text'],
    ['dot', 'text'],
    ['approved_at', 'timestamp with time zone'],
    ['approved_version', 'integer'],
    ['plan_id', 'text'],
    ['theme_title', 'text'],
    ['theme_position', 'integer'],
    ['measure_text', 'text'],
    ['measure_position', 'integer'],
    ['agency_name', 'text'],
  ],
  ratings: [
    ['partnership_id', 'text'],
    ['cycle_id', 'text'],
    ['cycle_label', 'text'],
    ['period_start', 'date'],
    ['period_end', 'date'],
    ['return_id', 'text'],
    ['measure_ref', 'text'],
    ['theme_id', 'text'],
    ['agency_id', 'text'],
    ['rag', 'text'],
    ['dot', 'text'],
    ['narrative', 'text'],
    ['comments', 'text'],
    ['approved_at', 'timestamp with time zone'],
    ['approved_version', 'integer'],
    ['plan_id', 'text'],
    ['theme_title', 'text'],
    ['theme_position', 'integer'],
    ['measure_text', 'text'],
    ['measure_position', 'integer'],
    ['agency_name', 'text'],
  ],
  agencies: [
    ['partnership_id', 'text'],
    ['cycle_id', 'text'],
    ['agency_id', 'text'],
    ['returns_requested', 'integer'],
    ['returns_submitted', 'integer'],
    ['returns_approved', 'integer'],
    ['returns_overdue', 'integer'],
    ['agency_name', 'text'],
  ],
  measures: [
    ['partnership_id', 'text'],
    ['measure_ref', 'text'],
    ['theme_id', 'text'],
    ['cycles_asked', 'integer'],
    ['cycles_rated', 'integer'],
    ['latest_rag', 'text'],
    ['theme_title', 'text'],
    ['theme_position', 'integer'],
    ['measure_text', 'text'],
    ['measure_position', 'integer'],
  ],
  plan_measures: [
    ['partnership_id', 'text'],
    ['plan_id', 'text'],
    ['theme_id', 'text'],
    ['theme_title', 'text'],
    ['theme_position', 'integer'],
    ['measure_ref', 'text'],
    ['measure_text', 'text'],
    ['measure_position', 'integer'],
    ['lead_agency_id', 'text'],
    ['lead_agency_name', 'text'],
    ['retired', 'boolean'],
  ],
} as const;
const VIEWS = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];

/** Checks a password against the SCRAM-SHA-256 verifier the server stores (RFC 5802), as the server would. */
function verifies(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!match) return false;
  const salted = pbkdf2Sync(password, Buffer.from(match[2], 'base64'), Number(match[1]), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return createHash('sha256').update(clientKey).digest('base64') === match[3];
}

/**
 * Issue 15 point 4, first part: the BI feed as PostgreSQL views in schema `bi` and a read-only role per
 * partnership. The roles connect over a real pg connection: each sees its own partnership's rows and 0 of the
 * other's, and is refused on every other table of the database, enumerated from pg_catalog so a table added later
 * is covered without touching this test.
 */
describe('BI feed: reporting views and a read-only role per partnership (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let sevenoaks: Granted;
  let other: Granted;

  const bi = biConnections(() => product.db.url);
  const connect = bi.connect;
  const refusal = (client: Client, sql: string) =>
    client.query(sql).then(
      () => 'allowed',
      (error: { code?: string }) => error.code,
    );
  const grant = async (who: Headers, ifMatch?: string) =>
    call('POST', '/partnership/bi-access', ifMatch ? { ...who, 'if-match': ifMatch } : who);

  beforeAll(async () => {
    product = await startProduct('bi_feed');
    call = http(product.baseUrl);
    await importSevenoaks(product.store);
    const theirs = sevenoaksPlan();
    theirs.partnership.id = 'other-lsp';
    await importPlan(product.store, theirs, {
      actorId: 'test',
      actorRole: 'coordinator',
      correlationId: 'other',
    });

    const ours = await openCycle(call, as.coordinator, YEAR_ONE, ['S1', 'S2']);
    await submitAndApprove(call, `${ours}.S1`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'Sevenoaks narrative',
      dot: 'improving',
    });
    const theirCycle = await openCycle(
      call,
      as.otherCoordinator,
      {
        partnershipId: 'other-lsp',
        cycleId: 'y1-2019-20',
        label: 'Their year',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2020-04-30',
      },
      ['S1', 'C1'],
    );
    // Whoever submits may not approve: the other partnership gets a reviewer of its own.
    const auth = product.api.get(AuthService);
    const reviewer = { partnershipId: 'other-lsp', email: 'oscar@other.example.org', name: 'Oscar' };
    await auth.createStaff({ ...reviewer, role: 'reviewer', password: PASSWORD });
    const { token } = await auth.createApiToken(reviewer.email, 'tests', 'other-lsp');
    const otherReviewer = { authorization: `Bearer ${token}` };
    await submitAndApprove(call, `${theirCycle}.S1`, as.otherCoordinator, otherReviewer, {
      rag: 'red',
      narrative: 'Other narrative',
    });
    await projectionsSettled(product);
  });
  afterAll(async () => {
    await bi.end();
    await product.stop();
  });

  it('makes a role per partnership for its coordinator, showing the password once', async () => {
    const made = await grant(as.coordinator);
    expect(made.status).toBe(201);
    expect(made.headers.get('etag')).toBe('"1"');
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect(made.body).toEqual({
      partnershipId: 'sevenoaks-lsp',
      role: expect.stringMatching(/^bi_sevenoaks-lsp_[0-9a-f]{8}$/),
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      database: new URL(product.db.url).pathname.slice(1),
      schema: 'bi',
      views: VIEWS.map((v) => `bi.${v}`),
      version: 1,
      createdAt: expect.any(String),
      createdBy: 'cora@sevenoaks.example.org',
      rotatedAt: expect.any(String),
      rotatedBy: 'cora@sevenoaks.example.org',
    });
    sevenoaks = made.body;
    const theirs = await grant(as.otherCoordinator);
    expect(theirs.status).toBe(201);
    other = theirs.body;
    expect(other.role).toMatch(/^bi_other-lsp_[0-9a-f]{8}$/);

    // Shown once: reading it back gives everything but the password.
    const read = await call('GET', '/partnership/bi-access', as.coordinator);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toEqual({ ...made.body, password: undefined });
    expect(JSON.stringify(read.body)).not.toContain(sevenoaks.password);

    // The server keeps only a SCRAM verifier, and it is the password's.
    const [stored] = await product.db.dataSource.query(
      `SELECT a.rolpassword, a.rolcanlogin, a.rolsuper, a.rolcreaterole, a.rolcreatedb, r.rolconfig
       FROM pg_authid a JOIN pg_roles r USING (oid) WHERE a.rolname = $1`,
      [sevenoaks.role],
    );
    expect(stored.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(verifies(stored.rolpassword, sevenoaks.password)).toBe(true);
    expect(verifies(stored.rolpassword, other.password)).toBe(false);
    expect([stored.rolcanlogin, stored.rolsuper, stored.rolcreaterole, stored.rolcreatedb]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(stored.rolconfig).toEqual(
      expect.arrayContaining(['default_transaction_read_only=on', 'search_path=bi']),
    );
  });

  it("shows each role its own partnership's rows in every view, and 0 rows of the other", async () => {
    const ours = await connect(sevenoaks);
    const theirs = await connect(other);
    for (const view of VIEWS) {
      const mine = await ours.query(`SELECT DISTINCT partnership_id FROM bi.${view}`);
      expect([view, mine.rows]).toEqual([view, [{ partnership_id: 'sevenoaks-lsp' }]]);
      const yours = await theirs.query(`SELECT DISTINCT partnership_id FROM bi.${view}`);
      expect([view, yours.rows]).toEqual([view, [{ partnership_id: 'other-lsp' }]]);
      // Asking for the other partnership by name finds nothing either.
      const asked = await ours.query(
        `SELECT count(*)::int AS n FROM bi.${view} WHERE partnership_id = 'other-lsp'`,
      );
      expect([view, asked.rows[0].n]).toEqual([view, 0]);
      const askedBack = await theirs.query(
        `SELECT count(*)::int AS n FROM bi.${view} WHERE partnership_id = 'sevenoaks-lsp'`,
      );
      expect([view, askedBack.rows[0].n]).toEqual([view, 0]);
    }
    // What the rows say, through the search path a BI tool gets (no schema needed).
    const cycles = await ours.query(`SELECT cycle_id, cycle_label, period_start::text, status FROM cycles`);
    expect(cycles.rows).toEqual([
      {
        cycle_id: 'sevenoaks-lsp~y1-2019-20',
        cycle_label: 'Year 1 2019/20',
        period_start: '2019-04-01',
        status: 'open',
      },
    ]);
    const returns = await ours.query(
      `SELECT measure_ref, status, overdue, rag FROM returns ORDER BY measure_ref`,
    );
    expect(returns.rows).toEqual([
      { measure_ref: 'S1', status: 'approved', overdue: false, rag: 'green' },
      { measure_ref: 'S2', status: 'requested', overdue: false, rag: null },
    ]);
    const ratings = await theirs.query(`SELECT measure_ref, rag, narrative FROM ratings`);
    expect(ratings.rows).toEqual([{ measure_ref: 'S1', rag: 'red', narrative: 'Other narrative' }]);
    // Their cycle was due in 2020: the return not yet sent is overdue, in the agency's counts too.
    const agencies = await theirs.query(
      `SELECT agency_id, returns_requested, returns_approved, returns_overdue FROM agencies ORDER BY agency_id`,
    );
    expect(
      agencies.rows.reduce((n: number, r: { returns_overdue: number }) => n + r.returns_overdue, 0),
    ).toBe(1);
    const measures =
      await ours.query(`SELECT measure_ref, cycles_asked, cycles_rated, latest_rag FROM measures
      ORDER BY measure_ref`);
    expect(measures.rows).toEqual([
      { measure_ref: 'S1', cycles_asked: 1, cycles_rated: 1, latest_rag: 'green' },
      { measure_ref: 'S2', cycles_asked: 1, cycles_rated: 0, latest_rag: null },
    ]);
  });

  it('stands through a rebuild of the read models, with the same rows after it', async () => {
    const ours = await connect(sevenoaks);
    const everything = async () => {
      const rows: Record<string, unknown[]> = {};
      for (const view of VIEWS)
        rows[view] = (await ours.query(`SELECT * FROM bi.${view} ORDER BY 1, 2, 3`)).rows;
      return rows;
    };
    const before = await everything();
    expect(before.returns).toHaveLength(2);
    await rebuildReadModels(product.db.dataSource, product.store, readModels(product.store));
    expect(await everything()).toEqual(before);
  });

  it('keeps the documented column names and types', async () => {
    const ours = await connect(sevenoaks);
    for (const view of VIEWS) {
      const columns = await ours.query(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'bi' AND table_name = $1 ORDER BY ordinal_position`,
        [view],
      );
      expect([view, columns.rows.map((c) => [c.column_name, c.data_type])]).toEqual([view, COLUMNS[view]]);
    }
    const listed = await ours.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'bi' ORDER BY table_name`,
    );
    expect(listed.rows.map((r) => r.table_name)).toEqual([...VIEWS].sort());
  });

  it('refuses the role on events and on every other table, view and sequence of the database', async () => {
    const relations: { schema: string; name: string; kind: string }[] = await product.db.dataSource.query(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'bi') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2`,
    );
    const names = relations.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'events',
        'streams',
        'bi_access',
        'report_returns',
        'staff_accounts',
        'sessions',
      ]),
    );
    expect(relations.length).toBeGreaterThan(20);
    const ours = await connect(sevenoaks);
    const answers: Record<string, string | undefined> = {};
    for (const { schema, name } of relations) {
      const quoted = `${ours.escapeIdentifier(schema)}.${ours.escapeIdentifier(name)}`;
      answers[`${schema}.${name}`] = await refusal(ours, `SELECT * FROM ${quoted} LIMIT 1`);
    }
    const refusedAll = Object.fromEntries(Object.keys(answers).map((name) => [name, '42501']));
    expect(answers).toEqual(refusedAll);
  });

  it('refuses every write, a change of identity and new objects', async () => {
    const ours = await connect(sevenoaks);
    // Refused by privilege, and read-only by default as a second guard.
    expect((await ours.query('SHOW transaction_read_only')).rows).toEqual([{ transaction_read_only: 'on' }]);
    expect(await refusal(ours, `DELETE FROM bi.cycles`)).toBe('42501');
    // Even in a transaction that asks to write (the views over joins cannot be written at all).
    await ours.query('BEGIN READ WRITE');
    expect(await refusal(ours, `INSERT INTO bi.cycles (cycle_id) VALUES ('x')`)).toBe('42501');
    await ours.query('ROLLBACK');
    await ours.query('BEGIN READ WRITE');
    expect(await refusal(ours, `UPDATE bi.cycles SET status = 'closed'`)).toBe('42501');
    await ours.query('ROLLBACK');
    await ours.query('BEGIN READ WRITE');
    expect(await refusal(ours, `CREATE TABLE bi.mine (x int)`)).toBe('42501');
    await ours.query('ROLLBACK');
    await ours.query('BEGIN READ WRITE');
    expect(await refusal(ours, `CREATE VIEW public.mine AS SELECT 1`)).toBe('42501');
    await ours.query('ROLLBACK');
    expect(await refusal(ours, `SET ROLE postgres`)).toBe('42501');
    expect(await refusal(ours, `SET ROLE ${ours.escapeIdentifier(other.role)}`)).toBe('42501');
    // A setting of its own changes nothing: the views ask who the role is, not what it set.
    await ours.query(`SET bi.partnership = 'other-lsp'`);
    expect((await ours.query(`SELECT count(*)::int AS n FROM bi.returns`)).rows[0].n).toBe(2);
  });

  it('rotates the password under If-Match, ending the old one and its sessions', async () => {
    const before = await connect(sevenoaks);
    const stale = await grant(as.coordinator, '"7"');
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body).toMatchObject({
      code: 'stale-bi-access',
      errors: [expect.objectContaining({ field: 'If-Match' })],
    });
    const rotated = await grant(as.coordinator, '"1"');
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ role: sevenoaks.role, version: 2 });
    expect(rotated.body.password).not.toBe(sevenoaks.password);
    const [stored] = await product.db.dataSource.query(
      `SELECT rolpassword FROM pg_authid WHERE rolname = $1`,
      [sevenoaks.role],
    );
    expect(verifies(stored.rolpassword, rotated.body.password)).toBe(true);
    expect(verifies(stored.rolpassword, sevenoaks.password)).toBe(false);
    await expect(before.query('SELECT 1')).rejects.toThrow();
    sevenoaks = rotated.body;
    const after = await connect(sevenoaks);
    expect((await after.query(`SELECT count(*)::int AS n FROM bi.cycles`)).rows[0].n).toBe(1);
    // The other partnership's role is untouched.
    const read = await call('GET', '/partnership/bi-access', as.otherCoordinator);
    expect(read.body.version).toBe(1);
  });

  it('takes rotations by both partnerships at once, one after another', async () => {
    const answers = await Promise.all([
      ...[1, 2, 3].map(() => grant(as.coordinator)),
      ...[1, 2, 3].map(() => grant(as.otherCoordinator)),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(
      answers
        .slice(0, 3)
        .map((a) => a.body.version)
        .sort(),
    ).toEqual([3, 4, 5]);
    expect(
      answers
        .slice(3)
        .map((a) => a.body.version)
        .sort(),
    ).toEqual([2, 3, 4]);
    // The last one to commit holds the password that works.
    const last = answers.slice(0, 3).find((a) => a.body.version === 5)!.body;
    const [stored] = await product.db.dataSource.query(
      `SELECT rolpassword FROM pg_authid WHERE rolname = $1`,
      [last.role],
    );
    expect(verifies(stored.rolpassword, last.password)).toBe(true);
    sevenoaks = last;
    other = answers.slice(3).find((a) => a.body.version === 4)!.body;
  });

  it('refuses staff who are not coordinators', async () => {
    for (const who of [as.reviewer, as.viewer, as.lead('sevenoaks-csp')]) {
      expect((await grant(who)).status).toBe(403);
      expect((await call('GET', '/partnership/bi-access', who)).status).toBe(403);
    }
  });

  it('npm run bi:role makes, rotates and drops the same role from the command line', async () => {
    expect(() => parseBiRoleArgs([])).toThrow('--partnership is required');
    expect(() => parseBiRoleArgs(['--partnership', 'x"; DROP ROLE postgres; --'])).toThrow(BiRoleRefused);
    expect(BI_ROLE_USAGE).toContain('--partnership <id>');
    const clock = new SystemClock();
    await expect(
      runBiRole(product.db.dataSource, clock, parseBiRoleArgs(['--partnership', 'nobody-lsp'])),
    ).rejects.toThrow('partnership "nobody-lsp" does not exist');
    const lines = await runBiRole(
      product.db.dataSource,
      clock,
      parseBiRoleArgs(['--partnership', 'other-lsp', '--by', 'ops']),
    );
    expect(lines[0]).toBe('Rotated the BI role of other-lsp.');
    expect(lines).toContain(
      'views:    bi.cycles, bi.returns, bi.ratings, bi.agencies, bi.measures, bi.plan_measures',
    );
    expect(lines).toContain(`user:     ${other.role}`);
    const password = /^password: (\S+)/.exec(lines.find((l) => l.startsWith('password:'))!)![1];
    const [stored] = await product.db.dataSource.query(
      `SELECT rolpassword FROM pg_authid WHERE rolname = $1`,
      [other.role],
    );
    expect(verifies(stored.rolpassword, password)).toBe(true);
    expect((await call('GET', '/partnership/bi-access', as.otherCoordinator)).body).toMatchObject({
      version: 5,
      rotatedBy: 'ops',
    });
    expect(
      await runBiRole(
        product.db.dataSource,
        clock,
        parseBiRoleArgs(['--partnership', 'other-lsp', '--revoke']),
      ),
    ).toEqual(['Dropped the BI role of other-lsp.']);
    expect(
      await product.db.dataSource.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [other.role]),
    ).toEqual([]);
  });

  it("answers 503 naming the fix when the service's database user may not manage roles, changing nothing", async () => {
    const limited = `pr_limited_${Date.now()}`;
    const admin = product.db.dataSource;
    await admin.query(`CREATE ROLE "${limited}" LOGIN`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE ON bi_access TO "${limited}"`);
    const url = new URL(product.db.url);
    url.username = limited;
    const asLimited = new DataSource({ type: 'postgres', url: url.toString() });
    await asLimited.initialize();
    try {
      const before = await admin.query(`SELECT * FROM bi_access ORDER BY partnership_id`);
      const actor = { id: 'x', role: 'coordinator' as const, partnershipId: 'sevenoaks-lsp' };
      const refused = await new BiAccess(asLimited).grant(actor, new Date()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ServiceUnavailableException);
      expect((refused as ServiceUnavailableException).getResponse()).toMatchObject({
        status: 503,
        type: 'https://partner-returns.dev/problems/bi-roles-unavailable',
        detail: expect.stringContaining('CREATEROLE'),
      });
      expect(await admin.query(`SELECT * FROM bi_access ORDER BY partnership_id`)).toEqual(before);
    } finally {
      await asLimited.destroy();
      await admin.query(`REVOKE ALL ON bi_access FROM "${limited}"`);
      await admin.query(`DROP ROLE "${limited}"`);
    }
  });

  it('replays a retried rotation (same Idempotency-Key) once, without the password', async () => {
    const keyed = { ...as.coordinator, 'idempotency-key': 'bi-rotation-1' };
    const before = await connect(sevenoaks);
    // The old password's sessions are ended on the request's own connection, which holds the rotation until it
    // commits: on a second from the pool, with the others all held, it waited out the pool's 10 s.
    const started = Date.now();
    const first = await withOneConnectionLeft(product.api.get(DataSource), () => grant(keyed));
    expect(Date.now() - started).toBeLessThan(8_000);
    await expect(before.query('SELECT 1')).rejects.toThrow();
    const retry = await grant(keyed);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual({ ...first.body, password: undefined });
    expect((await call('GET', '/partnership/bi-access', as.coordinator)).body.version).toBe(
      first.body.version,
    );
    const [stored] = await product.db.dataSource.query(
      `SELECT body FROM idempotency_keys WHERE idempotency_key = 'bi-rotation-1'`,
    );
    expect(stored.body).not.toContain(first.body.password);
    sevenoaks = first.body;
  });

  it('drops the role on DELETE, after which there is nothing to read or drop', async () => {
    const stale = await call('DELETE', '/partnership/bi-access', { ...as.coordinator, 'if-match': '"5"' });
    expect([stale.status, stale.body.code]).toEqual([409, 'stale-bi-access']);
    const gone = await call('DELETE', '/partnership/bi-access', { ...as.coordinator, 'if-match': '"6"' });
    expect(gone.status).toBe(204);
    expect(
      await product.db.dataSource.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [sevenoaks.role]),
    ).toEqual([]);
    const read = await call('GET', '/partnership/bi-access', as.coordinator);
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ code: 'bi-access-not-found' });
    expect((await call('DELETE', '/partnership/bi-access', as.coordinator)).status).toBe(404);
    await expect(connect(sevenoaks)).rejects.toThrow();
  });
});
