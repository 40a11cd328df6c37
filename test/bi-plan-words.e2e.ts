import { Client } from 'pg';
import { biConnections } from './support/bi-role.js';
import { MIGRATIONS, readModels } from '../apps/composition/src/index.js';
import { importPlan, PlanFile } from '../libs/plan/src/index.js';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  startProduct,
} from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove, YEAR_ONE } from './support/reporting.js';

const meta = (correlationId: string) => ({
  actorId: 'test',
  actorRole: 'coordinator' as const,
  correlationId,
});

/** The plan file's measures in the order the printed report follows: themes in turn, each theme's measures. */
const planOrder = (plan: PlanFile) =>
  plan.themes.flatMap((t) =>
    t.measures.map((m) => ({
      measure_ref: m.ref,
      measure_text: m.text,
      theme_id: t.id,
      theme_title: t.title,
      lead_agency_id: m.leadAgency,
      lead_agency_name: plan.agencies.find((a) => a.id === m.leadAgency)!.name,
    })),
  );

/**
 * The BI feed's words and plan order (a council officer's dashboards sorted "1.10" before "1.2" and showed bare
 * ids): bi.plan_measures and the words appended to the other views, read over a real connection as each
 * partnership's BI role, kept up to date by the worker as the plan is edited, and the same after a rebuild.
 */
describe('BI feed: the plan order and words (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let ours: Client;
  let theirs: Client;
  let cycleId: string;

  const bi = biConnections(() => product.db.url);
  const connect = bi.connect;
  const rows = async (client: Client, sql: string) => (await client.query(sql)).rows;

  /** The other partnership's plan: the same shape, but words of its own, so a leak would show. */
  const theirPlan = () => {
    const plan = sevenoaksPlan();
    plan.partnership.id = 'other-lsp';
    for (const agency of plan.agencies) agency.name = `Their ${agency.name}`;
    for (const theme of plan.themes) {
      theme.title = `Their ${theme.title}`;
      for (const measure of theme.measures) measure.text = `Their ${measure.text}`;
    }
    return plan;
  };

  beforeAll(async () => {
    product = await startProduct('bi_plan_words');
    call = http(product.baseUrl);
    await importSevenoaks(product.store);
    await importPlan(product.store, theirPlan(), meta('other'));
    cycleId = await openCycle(call, as.coordinator, YEAR_ONE, ['C1', 'S2', 'S1']);
    await submitAndApprove(call, `${cycleId}.S1`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'Sevenoaks narrative',
      dot: 'improving',
    });
    await openCycle(
      call,
      as.otherCoordinator,
      {
        partnershipId: 'other-lsp',
        cycleId: 'y1-2019-20',
        label: 'Their year',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'C1'],
    );
    await projectionsSettled(product);
    const ourRole = await call('POST', '/partnership/bi-access', as.coordinator);
    const theirRole = await call('POST', '/partnership/bi-access', as.otherCoordinator);
    expect([ourRole.status, theirRole.status]).toEqual([201, 201]);
    ours = await connect(ourRole.body);
    theirs = await connect(theirRole.body);
  });
  afterAll(async () => {
    await bi.end();
    await product.stop();
  });

  it("lists the plan's measures in the printed report's order, with the words of the plan", async () => {
    const listed = await rows(
      ours,
      `SELECT measure_ref, measure_text, theme_id, theme_title, lead_agency_id, lead_agency_name
       FROM plan_measures ORDER BY measure_position`,
    );
    expect(listed).toEqual(planOrder(sevenoaksPlan()));
    // Sorted as text, the refs would not be in the plan's order: the position is what the dashboard sorts by.
    expect(listed.map((r) => r.measure_ref)).not.toEqual(listed.map((r) => r.measure_ref).sort());
    const positions = await rows(
      ours,
      `SELECT theme_id, min(theme_position) AS first, max(theme_position) AS last,
         min(measure_position) AS low, max(measure_position) AS high, count(*)::int AS n, bool_or(retired) AS retired
       FROM plan_measures GROUP BY theme_id ORDER BY min(theme_position)`,
    );
    expect(positions.map((p) => p.theme_id)).toEqual(sevenoaksPlan().themes.map((t) => t.id));
    let next = 1;
    for (const [i, p] of positions.entries()) {
      // One place per theme (1, 2, 3...), and its measures numbered on from the theme before.
      expect(p).toMatchObject({ first: i + 1, last: i + 1, low: next, retired: false });
      expect(p.high).toBe(next + p.n - 1);
      next += p.n;
    }
  });

  it('gives every row of the other views its words and places, and each agency its name', async () => {
    const returns = await rows(
      ours,
      `SELECT measure_ref, plan_id, theme_title, theme_position, measure_text, measure_position, agency_name, rag
       FROM returns ORDER BY measure_position`,
    );
    const words = new Map(
      planOrder(sevenoaksPlan()).map((m, i) => [m.measure_ref, { ...m, position: i + 1 }]),
    );
    expect(returns.map((r) => r.measure_ref)).toEqual(['S1', 'S2', 'C1']);
    for (const r of returns)
      expect(r).toEqual({
        measure_ref: r.measure_ref,
        plan_id: 'community-plan-2019-22',
        theme_title: words.get(r.measure_ref)!.theme_title,
        theme_position: r.measure_ref.startsWith('S') ? 1 : 2,
        measure_text: words.get(r.measure_ref)!.measure_text,
        measure_position: words.get(r.measure_ref)!.position,
        agency_name: words.get(r.measure_ref)!.lead_agency_name,
        rag: r.measure_ref === 'S1' ? 'green' : null,
      });
    expect(
      await rows(
        ours,
        `SELECT measure_ref, measure_text, theme_title, agency_name, measure_position FROM ratings`,
      ),
    ).toEqual([
      {
        measure_ref: 'S1',
        measure_text: words.get('S1')!.measure_text,
        theme_title: 'Safe Communities',
        agency_name: 'Sevenoaks District Community Safety Partnership',
        measure_position: 1,
      },
    ]);
    const agencies = await rows(ours, `SELECT agency_id, agency_name FROM agencies ORDER BY agency_id`);
    const names = new Map(sevenoaksPlan().agencies.map((a) => [a.id, a.name]));
    expect(agencies.length).toBeGreaterThan(0);
    for (const a of agencies) expect(a.agency_name).toBe(names.get(a.agency_id));
    expect(
      await rows(
        ours,
        `SELECT measure_ref, theme_title, measure_text, measure_position FROM measures
        ORDER BY measure_position`,
      ),
    ).toEqual(
      ['S1', 'S2', 'C1'].map((ref) => ({
        measure_ref: ref,
        theme_title: words.get(ref)!.theme_title,
        measure_text: words.get(ref)!.measure_text,
        measure_position: words.get(ref)!.position,
      })),
    );
  });

  it("shows neither partnership the other's plan, words or agencies", async () => {
    // The other partnership's words are in the read model...
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM report_plan_measures WHERE partnership_id = 'other-lsp'`,
    );
    expect(n).toBe(planOrder(sevenoaksPlan()).length);
    // ...and each role reads only its own.
    expect(
      await rows(theirs, `SELECT measure_ref, measure_text, lead_agency_name FROM plan_measures`),
    ).toEqual(
      expect.arrayContaining([
        {
          measure_ref: 'S1',
          measure_text: `Their ${sevenoaksPlan().themes[0].measures[0].text}`,
          lead_agency_name: 'Their Sevenoaks District Community Safety Partnership',
        },
      ]),
    );
    for (const [client, own, other] of [
      [ours, 'sevenoaks-lsp', 'other-lsp'],
      [theirs, 'other-lsp', 'sevenoaks-lsp'],
    ] as const) {
      expect(await rows(client, `SELECT DISTINCT partnership_id FROM plan_measures`)).toEqual([
        { partnership_id: own },
      ]);
      expect(
        await rows(client, `SELECT count(*)::int AS n FROM plan_measures WHERE partnership_id = '${other}'`),
      ).toEqual([{ n: 0 }]);
      // Every word a role reads is its own partnership's: ours never starts with "Their", theirs always does.
      const said = await rows(
        client,
        `SELECT theme_title AS w FROM plan_measures UNION SELECT measure_text FROM plan_measures
         UNION SELECT lead_agency_name FROM plan_measures UNION SELECT agency_name FROM returns
         UNION SELECT measure_text FROM returns UNION SELECT theme_title FROM ratings
         UNION SELECT agency_name FROM agencies UNION SELECT measure_text FROM measures`,
      );
      expect(said.length).toBeGreaterThan(10);
      expect(said.filter((r) => r.w.startsWith('Their ')).length).toBe(own === 'other-lsp' ? said.length : 0);
    }
    // The new tables are the role's to read only through the views.
    const refused = await ours.query(`SELECT * FROM public.report_plan_measures`).then(
      () => 'allowed',
      (e: { code?: string }) => e.code,
    );
    expect(refused).toBe('42501');
  });

  it("holds no contact's name or address: agencies are named, people are not", async () => {
    const people = sevenoaksPlan().agencies.flatMap((a) => a.contacts.flatMap((c) => [c.name, c.email]));
    for (const view of ['plan_measures', 'returns', 'ratings', 'agencies', 'measures']) {
      const all = JSON.stringify(await rows(ours, `SELECT * FROM ${view}`));
      expect([view, people.filter((p) => all.includes(p))]).toEqual([view, []]);
    }
  });

  it('shows a plan edit once it is made: renamed, reordered, added and retired measures, a renamed agency', async () => {
    const plan = sevenoaksPlan();
    const safe = plan.themes.find((t) => t.id === 'safe-communities')!;
    // Green Environment moves to the top, S2 before S1 and reworded, S5 retired, S10 added at the end.
    const green = plan.themes.findIndex((t) => t.id === 'green-environment');
    plan.themes.unshift(...plan.themes.splice(green, 1));
    const s2 = safe.measures.findIndex((m) => m.ref === 'S2');
    safe.measures.unshift(...safe.measures.splice(s2, 1));
    safe.measures.find((m) => m.ref === 'S2')!.text = 'Anti-social behaviour incidents fall each year';
    safe.measures.splice(
      safe.measures.findIndex((m) => m.ref === 'S5'),
      1,
    );
    safe.measures.push({ ref: 'S10', text: 'Fewer repeat victims of crime', leadAgency: 'kent-police' });
    safe.title = 'Safer Communities';
    plan.agencies.find((a) => a.id === 'sevenoaks-csp')!.name = 'Sevenoaks Community Safety Partnership';
    const imported = await importPlan(product.store, plan, meta('edit'));
    expect(imported.changes.map((c) => c.type)).toEqual(
      expect.arrayContaining([
        'ThemeChanged',
        'MeasureChanged',
        'MeasureAdded',
        'MeasureRetired',
        'AgencyRenamed',
      ]),
    );
    await projectionsSettled(product);

    const live = await rows(
      ours,
      `SELECT measure_ref, measure_text, theme_id, theme_title, lead_agency_id, lead_agency_name
       FROM plan_measures WHERE NOT retired ORDER BY measure_position`,
    );
    expect(live).toEqual(planOrder(plan));
    expect(live.slice(0, 1).map((r) => r.theme_id)).toEqual(['green-environment']);
    // The retired measure stays, after every live one, in its last words: past cycles' rows still read.
    const retired = await rows(
      ours,
      `SELECT measure_ref, measure_position, retired FROM plan_measures WHERE retired OR measure_ref = 'S10'
       ORDER BY measure_position`,
    );
    expect(retired).toEqual([
      { measure_ref: 'S10', measure_position: expect.any(Number), retired: false },
      { measure_ref: 'S5', measure_position: live.length + 1, retired: true },
    ]);
    // The cycle's returns follow: S2 now before S1, Safe Communities renamed, the lead agency renamed.
    const returns = await rows(
      ours,
      `SELECT measure_ref, theme_title, measure_text, agency_name FROM returns ORDER BY measure_position`,
    );
    const text = (ref: string) => planOrder(plan).find((m) => m.measure_ref === ref)!;
    expect(returns).toEqual(
      ['S2', 'S1', 'C1'].map((ref) => ({
        measure_ref: ref,
        theme_title: text(ref).theme_title,
        measure_text: text(ref).measure_text,
        agency_name: text(ref).lead_agency_name,
      })),
    );
    expect(returns[0]).toMatchObject({
      theme_title: 'Safer Communities',
      measure_text: 'Anti-social behaviour incidents fall each year',
    });
    expect(returns[1].agency_name).toBe('Sevenoaks Community Safety Partnership');
    // The other partnership's plan did not move.
    expect(
      (await rows(theirs, `SELECT measure_ref FROM plan_measures ORDER BY measure_position LIMIT 1`))[0],
    ).toEqual({ measure_ref: 'S1' });
  });

  it('gives the same rows after a rebuild of the read models', async () => {
    const everything = async (client: Client) => {
      const all: Record<string, unknown[]> = {};
      for (const view of ['plan_measures', 'returns', 'ratings', 'agencies', 'measures'])
        all[view] = (await rows(client, `SELECT * FROM ${view}`)).map((r) => JSON.stringify(r)).sort();
      return all;
    };
    const before = [await everything(ours), await everything(theirs)];
    expect(before[0].plan_measures.length).toBeGreaterThan(20);
    const rebuilt = await rebuildReadModels(product.db.dataSource, product.store, readModels(product.store));
    // Built anew from the events, not left standing: the rebuild made and swapped in each new table.
    expect(rebuilt.rows).toMatchObject({
      report_plan_themes: 2 * 6,
      report_plan_measures: before[0].plan_measures.length + before[1].plan_measures.length,
      report_agencies: 2 * sevenoaksPlan().agencies.length,
    });
    expect([await everything(ours), await everything(theirs)]).toEqual(before);
  });

  // A deployment upgraded to this release: its reporting processor had passed every plan event before it read
  // plans, so the new tables would stay empty until someone thought of a rebuild.
  it('fills the words on a database migrated with its plans already recorded, without a rebuild', async () => {
    const measures = async () => rows(ours, 'SELECT * FROM plan_measures ORDER BY measure_position');
    const before = await measures();
    const Migration = MIGRATIONS.find((m) => m.name === 'BiPlanWords1765230000000')!;
    const migration = new Migration();
    const runner = product.db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const [{ behind }] = await product.db.dataSource.query(
        `SELECT NOT EXISTS (SELECT 1 FROM processor_checkpoints WHERE name = 'reporting') AS behind`,
      );
      expect(behind).toBe(false); // the processor has passed every event, plans included
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    await eventually(async () => (await measures()).length === before.length, 30_000);
    expect(await measures()).toEqual(before);
  });
});
