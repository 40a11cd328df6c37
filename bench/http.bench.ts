/**
 * Commands over HTTP (issue 7, target b): save draft, submit and approve, each at 1, 8 and 32 concurrent
 * connections (autocannon, a fixed number of requests per run), through the real api (`dist/apps/api/src/main.js`
 * as its own process, NODE_ENV=production, request logs at info to /dev/null), beside a bare NestJS 12 express
 * endpoint doing one INSERT per request (bench/support/bare-nest-server.ts), alternating over rounds.
 *
 * Issue 18.5 adds two comparisons to the same rounds, each a row of its own: the same bare endpoint on Nest's
 * Fastify adapter against the express one (what the adapter alone could pay at most), and, at 8 and 32
 * connections, the api as two processes on one port (bench/support/api-cluster.ts) against the one process (how
 * throughput scales; PostgreSQL, both apis and autocannon share the machine's cores).
 *
 * Every request needs a return in the right state, so the returns are made first through the product's own API:
 * a plan of BENCH_HTTP_MEASURES measures is imported, cycles are drafted and opened over HTTP (each open requests
 * one return per measure), one cycle's returns take the drafts (round robin), the others are submitted once each,
 * and the submitted ones are then approved. Agency leads submit with their link session cookie, the reviewer
 * approves with a bearer token. After the runs the events are counted against the 2xx answers.
 *
 * Environment: BENCH_API_CPU_PROF=<dir> (profile the api), BENCH_HTTP_ROUNDS (2), BENCH_HTTP_REQUESTS (requests per run at 1, 8, 32 connections:
 * "600,2000,4000"), BENCH_HTTP_MEASURES (2000).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { AuthService } from '../libs/auth/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { createBaselineTable } from './support/bench-database.js';
import { ChildServer, freePort, startChildServer, startProductionApi } from './support/child-server.js';
import { figure, Figure } from './support/figures.js';
import { fmt, numberList, positiveNumber, QUICK } from './support/options.js';
import { largePlan, planMeasures } from './support/plans.js';
import { deleteQueueKeys } from '../libs/queues/src/index.js';
import { Progress } from './support/progress.js';
import { COMMENTS, NARRATIVES } from './support/sample-events.js';
import { median } from './support/stats.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The api's queues in Redis, deleted with the run's database at the end. */
const queuePrefix = `bench-${randomBytes(4).toString('hex')}`;

const ROUNDS = Math.round(positiveNumber('BENCH_HTTP_ROUNDS', 2, 1));
const CONCURRENCY = [1, 8, 32];
const REQUESTS = numberList('BENCH_HTTP_REQUESTS', QUICK ? [150, 400, 800] : [600, 2000, 4000]);
const MEASURES = Math.round(positiveNumber('BENCH_HTTP_MEASURES', 2000, 1000));
const WARMUP_REQUESTS = QUICK ? 100 : 300;
/** The several-process api: how many processes, at which connection counts. */
const API_PROCESSES = 2;
const SCALING_CONCURRENCY = [8, 32];
/** Submits at 32 connections: at least this many a second with p99 at most P99_TARGET_MS. */
const SUBMIT_TARGET = 1000;
const P99_TARGET_MS = 50;

type CommandName = 'save draft' | 'submit' | 'approve';
interface Target {
  returnId: string;
  headers: Record<string, string>;
}
interface RunStats {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * Every request's content differs from every earlier one's (its number in the benchmark): a draft that says what
 * the return already says records no event (and answers 200 at the version it stands at), so a save that
 * repeated a return's last content was a 2xx with no ReturnDraftSaved, and the count below failed.
 */
let contents = 0;
const CONTENT = (i: number) => ({
  rag: (['green', 'amber', 'red'] as const)[i % 3],
  narrative: NARRATIVES[i % NARRATIVES.length],
  dot: (['improving', 'no-change', 'declining', 'new'] as const)[i % 4],
  comments: `${COMMENTS[i % COMMENTS.length]} (${++contents})`,
});

/** One autocannon run of `amount` requests over `connections`, each request built from the next target. */
async function load(
  baseUrl: string,
  command: CommandName,
  connections: number,
  amount: number,
  next: () => Target,
): Promise<RunStats> {
  let i = 0;
  // autocannon ends a run of `amount` requests on its one-second tick: time the run from its own start to the
  // last response instead, or short runs would be counted as whole seconds.
  let lastResponse = 0;
  // A session cookie writes only from the service's own origin, as a browser on its pages would send.
  const origin = (target: Target) => (target.headers.cookie ? { origin: baseUrl } : {});
  const started = performance.now();
  const result = await autocannon({
    url: baseUrl,
    connections,
    amount,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const target = next();
          const n = i++;
          const path = `/returns/${encodeURIComponent(target.returnId)}/${command === 'save draft' ? 'draft' : command}`;
          return {
            ...request,
            method: command === 'save draft' ? 'PUT' : 'POST',
            path,
            headers: { ...target.headers, ...origin(target), 'content-type': 'application/json' },
            body: command === 'approve' ? '{}' : JSON.stringify(CONTENT(n)),
          };
        },
        onResponse: () => {
          lastResponse = performance.now();
        },
      },
    ],
  });
  const seconds = (lastResponse - started) / 1000;
  const ok = result['2xx'];
  return {
    requests: ok,
    seconds,
    perSecond: ok / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export async function httpBenchmark(
  dataSource: DataSource,
  url: string,
  progress: Progress,
): Promise<Figure[]> {
  const servers: ChildServer[] = [];
  try {
    await createBaselineTable(dataSource);
    const auth = new AuthService(dataSource, new SystemClock());
    const plan = largePlan(MEASURES);
    const partnershipId = plan.partnership.id;
    await importPlan(new EventStore(dataSource), plan, {
      actorId: 'bench',
      actorRole: 'coordinator',
      correlationId: randomUUID(),
    });
    const password = randomBytes(16).toString('hex');
    const coordinator = 'bench-coordinator@example.org';
    const reviewer = 'bench-reviewer@example.org';
    await auth.createStaff({
      partnershipId,
      email: coordinator,
      name: 'Coordinator',
      role: 'coordinator',
      password,
    });
    await auth.createStaff({ partnershipId, email: reviewer, name: 'Reviewer', role: 'reviewer', password });
    const bearer = async (email: string) => ({
      authorization: `Bearer ${(await auth.createApiToken(email, 'bench')).token}`,
    });
    const asCoordinator = await bearer(coordinator);
    const asReviewer = await bearer(reviewer);
    const leads = new Map<string, Record<string, string>>();
    for (const agency of plan.agencies) {
      const contact = agency.contacts.find((c) => c.role === 'lead')!;
      const session = await auth.createLinkSession({
        linkId: `bench-${agency.id}`,
        partnershipId,
        cycleId: null,
        agencyId: agency.id,
        contactEmail: contact.email,
      });
      leads.set(agency.id, { cookie: `pr_session=${session}` });
    }

    progress.log(
      `http: starting the api, the api as ${API_PROCESSES} processes and the bare Nest baselines (express, ` +
        'fastify) as their own processes',
    );
    const started = async (starting: Promise<ChildServer>) => {
      const server = await starting;
      servers.push(server);
      return server;
    };
    const api = await started(
      startProductionApi(url, REDIS_URL, queuePrefix, {
        // BENCH_API_CPU_PROF=<dir>: the api writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
        nodeArgs: process.env.BENCH_API_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`]
          : [],
      }),
    );
    const apis = await started(startProductionApi(url, REDIS_URL, queuePrefix, { processes: API_PROCESSES }));
    const startBare = async (adapter: 'express' | 'fastify') => {
      const port = await freePort();
      return startChildServer(
        join(__dirname, 'support', 'bare-nest-server.js'),
        { DATABASE_URL: url, PORT: String(port), BARE_ADAPTER: adapter },
        '/health/ready',
        port,
      );
    };
    const bare = await started(startBare('express'));
    const bareFastify = await started(startBare('fastify'));

    // Returns enough for every submit (and so every approve) of every run of both apis, plus one cycle for the
    // drafts.
    const requestsAt = (connections: number) =>
      REQUESTS[CONCURRENCY.indexOf(connections)] ?? REQUESTS[REQUESTS.length - 1];
    const perRound = (levels: number[]) => levels.reduce((sum, c) => sum + requestsAt(c), 0);
    const submitsNeeded =
      2 * WARMUP_REQUESTS + ROUNDS * (perRound(CONCURRENCY) + perRound(SCALING_CONCURRENCY));
    const submitCycles = Math.ceil(submitsNeeded / MEASURES);
    const measures = planMeasures(plan);
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${api.baseUrl}${path}`, {
        method: 'POST',
        headers: { ...asCoordinator, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const cycleTargets = async (name: string, n: number): Promise<Target[]> => {
      progress.count('http: drafting and opening cycles over HTTP', n, submitCycles + 1);
      const { id: cycleId } = await post('/cycles', {
        cycleId: name,
        partnershipId,
        planId: plan.plan.id,
        label: `Benchmark cycle ${name}`,
        periodStart: '2026-04-01',
        periodEnd: '2027-03-31',
        dueDate: '2099-04-30',
      });
      await post(`/cycles/${cycleId}/open`, {});
      return measures.map((m) => ({ returnId: `${cycleId}.${m.ref}`, headers: leads.get(m.agencyId)! }));
    };
    progress.phase('http: drafting and opening cycles over HTTP', 0);
    const draftTargets = await cycleTargets('bench-drafts', 0);
    const submitTargets: Target[] = [];
    for (let c = 1; c <= submitCycles; c++)
      submitTargets.push(...(await cycleTargets(`bench-submits-${c}`, c)));
    progress.done(
      `http: ${fmt(draftTargets.length + submitTargets.length)} returns requested in ${submitCycles + 1} cycles`,
    );

    let draftTurn = 0;
    let submitTurn = 0;
    let approveTurn = 0;
    let baselineTurn = 0;
    const nextFor = (command: CommandName): (() => Target) => {
      switch (command) {
        case 'save draft':
          return () => draftTargets[draftTurn++ % draftTargets.length];
        case 'submit':
          return () => {
            const t = submitTargets[submitTurn++];
            if (!t) throw new Error('ran out of returns to submit');
            return t;
          };
        case 'approve':
          return () => {
            const returnId = submitted[approveTurn++];
            if (!returnId) throw new Error('ran out of submitted returns to approve');
            return { returnId, headers: asReviewer };
          };
      }
    };
    const baselineNext = () => ({ returnId: `baseline-${baselineTurn++}`, headers: {} });
    /** The returns the submit runs submitted, in order: read from the events before the approvals. */
    let submitted: string[] = [];

    const figures: Figure[] = [];
    const adapterFigures: Figure[] = [];
    const scalingFigures: Figure[] = [];
    const okCounts: Record<CommandName, number> = { 'save draft': 0, submit: 0, approve: 0 };
    /**
     * One run, checked: against the api (one process or several) with the next returns, its 2xx counted for the
     * check against the events; or against a bare baseline with made-up ids.
     */
    const measure = async (
      server: ChildServer,
      label: string,
      command: CommandName,
      connections: number,
      amount: number,
    ) => {
      const isProduct = server === api || server === apis;
      const run = await load(
        server.baseUrl,
        command,
        connections,
        amount,
        isProduct ? nextFor(command) : baselineNext,
      );
      check(`${label} ${command} x${connections}`, run, amount);
      if (isProduct) okCounts[command] += run.requests;
      return run;
    };
    const cores = availableParallelism();
    for (const command of ['save draft', 'submit', 'approve'] as CommandName[]) {
      if (command === 'approve') {
        const rows = await dataSource.query<{ stream_id: string }[]>(
          `SELECT stream_id FROM events WHERE type = 'ReturnSubmitted' ORDER BY global_position`,
        );
        submitted = rows.map((r) => r.stream_id.slice('return:'.length));
      }
      progress.phase(`http ${command}: warm-up`, 0);
      await measure(bare, 'baseline warm-up', command, 8, WARMUP_REQUESTS);
      await measure(bareFastify, 'fastify baseline warm-up', command, 8, WARMUP_REQUESTS);
      await measure(api, 'product warm-up', command, 8, WARMUP_REQUESTS);
      await measure(apis, `${API_PROCESSES}-process product warm-up`, command, 8, WARMUP_REQUESTS);
      for (const connections of CONCURRENCY) {
        const amount = requestsAt(connections);
        const scaling = SCALING_CONCURRENCY.includes(connections);
        const product: RunStats[] = [];
        const baseline: RunStats[] = [];
        const fastify: RunStats[] = [];
        const products: RunStats[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
          const phase = (what: string) =>
            progress.phase(
              `http ${command} x${connections}: ${what} ${round}/${ROUNDS} (${fmt(amount)} requests)`,
              0,
            );
          phase('baseline');
          const b = await measure(bare, 'baseline', command, connections, amount);
          baseline.push(b);
          phase('fastify baseline');
          const f = await measure(bareFastify, 'fastify baseline', command, connections, amount);
          fastify.push(f);
          phase('product');
          const p = await measure(api, 'product', command, connections, amount);
          product.push(p);
          let also = '';
          if (scaling) {
            phase(`product as ${API_PROCESSES} processes`);
            const ps = await measure(apis, `${API_PROCESSES}-process product`, command, connections, amount);
            products.push(ps);
            also = `; ${API_PROCESSES} processes ${fmt(ps.perSecond)}/s p50 ${ps.p50Ms} ms p99 ${ps.p99Ms} ms`;
          }
          progress.done(
            `http ${command} x${connections} round ${round}: product ${fmt(p.perSecond)}/s p50 ${p.p50Ms} ms ` +
              `p99 ${p.p99Ms} ms${also}; baseline ${fmt(b.perSecond)}/s p50 ${b.p50Ms} ms p99 ${b.p99Ms} ms; ` +
              `fastify ${fmt(f.perSecond)}/s p50 ${f.p50Ms} ms p99 ${f.p99Ms} ms`,
          );
        }
        const value = medianOf(product, 'perSecond');
        const p99Ms = medianOf(product, 'p99Ms');
        const isTarget = command === 'submit' && connections === 32;
        figures.push(
          figure({
            bench: 'http',
            scenario: `${command} x${connections} connections`,
            unit: 'req/s',
            value,
            baseline: { name: 'bare Nest + INSERT', value: medianOf(baseline, 'perSecond') },
            p50Ms: medianOf(product, 'p50Ms'),
            p99Ms,
            target: isTarget ? `>= ${fmt(SUBMIT_TARGET)}/s, p99 <= ${P99_TARGET_MS} ms` : '-',
            met: isTarget ? value >= SUBMIT_TARGET && p99Ms <= P99_TARGET_MS : null,
            detail: { requestsPerRun: amount, product, baseline },
          }),
        );
        adapterFigures.push(
          figure({
            bench: 'http',
            scenario: `bare Nest fastify vs express + INSERT, ${command} x${connections}`,
            unit: 'req/s',
            value: medianOf(fastify, 'perSecond'),
            baseline: { name: 'bare Nest express + INSERT', value: medianOf(baseline, 'perSecond') },
            p50Ms: medianOf(fastify, 'p50Ms'),
            p99Ms: medianOf(fastify, 'p99Ms'),
            target: '-',
            met: null,
            note: 'the most the Fastify adapter alone could pay',
            detail: { requestsPerRun: amount, fastify, express: baseline },
          }),
        );
        if (scaling) {
          scalingFigures.push(
            figure({
              bench: 'http',
              scenario:
                `api ${API_PROCESSES} processes vs 1 (${cores} cores shared with PostgreSQL and autocannon), ` +
                `${command} x${connections}`,
              unit: 'req/s',
              value: medianOf(products, 'perSecond'),
              baseline: { name: 'api 1 process', value },
              p50Ms: medianOf(products, 'p50Ms'),
              p99Ms: medianOf(products, 'p99Ms'),
              target: '-',
              met: null,
              detail: { requestsPerRun: amount, processes: API_PROCESSES, cores, products, product },
            }),
          );
        }
      }
    }

    // Every 2xx is an event in the store, and no return was submitted or approved twice.
    const counts = await dataSource.query<{ type: string; events: number; streams: number }[]>(
      `SELECT type, count(*)::int AS events, count(DISTINCT stream_id)::int AS streams FROM events
       WHERE type IN ('ReturnDraftSaved', 'ReturnSubmitted', 'ReturnApproved') GROUP BY type`,
    );
    const byType = Object.fromEntries(counts.map((c) => [c.type, c]));
    const expect = (type: string, n: number, distinct: boolean) => {
      const row = byType[type] ?? { events: 0, streams: 0 };
      if (row.events !== n || (distinct && row.streams !== n)) {
        throw new Error(
          `${type}: ${n} answered 2xx but the store holds ${row.events} events on ${row.streams} returns`,
        );
      }
    };
    expect('ReturnDraftSaved', okCounts['save draft'], false);
    expect('ReturnSubmitted', okCounts.submit, true);
    expect('ReturnApproved', okCounts.approve, true);
    progress.log(
      `http: checked ${fmt(okCounts['save draft'])} drafts, ${fmt(okCounts.submit)} submits and ` +
        `${fmt(okCounts.approve)} approvals against the events`,
    );
    return [...figures, ...adapterFigures, ...scalingFigures];
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await deleteQueueKeys(REDIS_URL, queuePrefix);
  }
}

function medianOf(runs: RunStats[], key: 'perSecond' | 'p50Ms' | 'p99Ms'): number {
  return median(runs.map((r) => r[key]));
}

function check(label: string, run: RunStats, amount: number): void {
  if (run.non2xx > 0 || run.errors > 0 || run.requests !== amount) {
    throw new Error(
      `${label}: ${run.requests} of ${amount} answered 2xx (${run.non2xx} other statuses, ${run.errors} errors)`,
    );
  }
}
