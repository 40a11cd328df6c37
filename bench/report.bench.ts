/**
 * Reports (issue 7, target e), end to end through the api (its own process, as in production): the Sevenoaks
 * report (27 measures, two cycles so each measure has a trend) as HTML, and a 5,000-measure report as XLSX, each
 * timed from request to last byte, beside the JSON of the same report from the same route in the same run. The
 * XLSX's peak memory is the api process's high-water mark (VmHWM) after those requests: everything it holds,
 * not only the workbook.
 *
 * The events are written by bulk SQL in the commands' shapes (every return approved), then the read models are
 * built by the product's own rebuild, as the worker would have built them.
 *
 * Environment: BENCH_REPORT_MEASURES (5000), BENCH_REPORT_HTML_RUNS (40), BENCH_REPORT_XLSX_RUNS (3).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AuthService } from '../libs/auth/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { importPlan, PlanFile } from '../libs/plan/src/index.js';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import { bulkCycles } from './support/bulk-events.js';
import { ChildServer, startProductionApi } from './support/child-server.js';
import { figure, Figure } from './support/figures.js';
import { fmt, positiveNumber } from './support/options.js';
import { largePlan, planMeasures, sevenoaksPlan } from './support/plans.js';
import { deleteQueueKeys } from '../libs/queues/src/index.js';
import { Progress } from './support/progress.js';
import { median, percentile } from './support/stats.js';
import { readModels } from '../apps/composition/src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The api's queues in Redis, deleted with the run's database at the end. */
const queuePrefix = `bench-${randomBytes(4).toString('hex')}`;

const MEASURES = Math.round(positiveNumber('BENCH_REPORT_MEASURES', 5000));
const HTML_RUNS = Math.round(positiveNumber('BENCH_REPORT_HTML_RUNS', 40, 10));
const XLSX_RUNS = Math.round(positiveNumber('BENCH_REPORT_XLSX_RUNS', 3, 1));

async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const response = await fetch(url, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - t0;
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${body.subarray(0, 300).toString()}`);
  return { ms, bytes: body.length };
}

function highWaterMarkMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export async function reportBenchmark(
  dataSource: DataSource,
  url: string,
  progress: Progress,
): Promise<Figure[]> {
  let api: ChildServer | null = null;
  try {
    const store = new EventStore(dataSource);
    const metadata = { actorId: 'bench', actorRole: 'coordinator', correlationId: randomUUID() };
    const sevenoaks = sevenoaksPlan();
    const county = largePlan(MEASURES, sevenoaks);
    progress.phase(
      `report: two approved cycles of the Sevenoaks plan and of a ${fmt(MEASURES)}-measure plan`,
      0,
    );
    const cycles = async (plan: PlanFile, prefix: string) => {
      await importPlan(store, plan, metadata);
      await bulkCycles(dataSource, {
        partnershipId: plan.partnership.id,
        planId: plan.plan.id,
        measures: planMeasures(plan),
        cyclePrefix: prefix,
        cycles: 2,
      });
      return `${prefix}-2`;
    };
    const small = await cycles(sevenoaks, 'sevenoaks-report');
    const large = await cycles(county, 'county-report');
    await rebuildReadModels(dataSource, store, readModels(store), {});
    progress.done('report: events written and read models built');

    const auth = new AuthService(dataSource, new SystemClock());
    const email = 'bench-coordinator@example.org';
    await auth.createStaff({
      partnershipId: sevenoaks.partnership.id,
      email,
      name: 'Coordinator',
      role: 'coordinator',
      password: randomBytes(16).toString('hex'),
    });
    const headers = { authorization: `Bearer ${(await auth.createApiToken(email, 'bench')).token}` };
    api = await startProductionApi(url, REDIS_URL, queuePrefix);
    const report = (cycle: string, format: string) =>
      `${api!.baseUrl}/cycles/${cycle}/report?format=${format}`;

    // Sevenoaks as HTML, beside its JSON, alternating after a warm-up.
    const html: number[] = [];
    const json: number[] = [];
    let htmlBytes = 0;
    for (let i = 0; i < 3; i++) {
      await timed(report(small, 'json'), headers);
      await timed(report(small, 'html'), headers);
    }
    progress.phase(`report: Sevenoaks HTML and JSON, ${HTML_RUNS} each`, 0);
    for (let i = 0; i < HTML_RUNS; i++) {
      json.push((await timed(report(small, 'json'), headers)).ms);
      const h = await timed(report(small, 'html'), headers);
      html.push(h.ms);
      htmlBytes = h.bytes;
    }
    html.sort((a, b) => a - b);
    json.sort((a, b) => a - b);
    progress.done(
      `report: Sevenoaks HTML p50 ${percentile(html, 50).toFixed(1)} ms (${fmt(htmlBytes)} bytes), JSON p50 ` +
        `${percentile(json, 50).toFixed(1)} ms`,
    );

    // The large report as XLSX, beside its JSON; then the api's memory high-water mark.
    const before = highWaterMarkMb(api.pid);
    const xlsx: number[] = [];
    const largeJson: number[] = [];
    let xlsxBytes = 0;
    for (let i = 1; i <= XLSX_RUNS; i++) {
      progress.phase(`report: ${fmt(MEASURES)}-measure JSON and XLSX ${i}/${XLSX_RUNS}`, 0);
      largeJson.push((await timed(report(large, 'json'), headers)).ms);
      const x = await timed(report(large, 'xlsx'), headers);
      xlsx.push(x.ms);
      xlsxBytes = x.bytes;
    }
    const peak = highWaterMarkMb(api.pid);
    progress.done(
      `report: ${fmt(MEASURES)}-measure XLSX median ${fmt(median(xlsx))} ms (${fmt(xlsxBytes)} bytes), JSON median ` +
        `${fmt(median(largeJson))} ms; api VmHWM ${fmt(before)} MB before, ${fmt(peak)} MB after`,
    );
    return [
      figure({
        bench: 'report',
        scenario: 'Sevenoaks (27 measures) as HTML, p50',
        unit: 'ms',
        value: percentile(html, 50),
        baseline: { name: 'JSON', value: percentile(json, 50) },
        p50Ms: percentile(html, 50),
        p99Ms: percentile(html, 99),
        target: '<= 50 ms',
        met: percentile(html, 50) <= 50,
        detail: { runs: HTML_RUNS, htmlBytes, html, json },
      }),
      figure({
        bench: 'report',
        scenario: `${fmt(MEASURES)} measures as XLSX, median`,
        unit: 'ms',
        value: median(xlsx),
        baseline: { name: 'JSON', value: median(largeJson) },
        target: '<= 5,000 ms',
        met: median(xlsx) <= 5000,
        detail: { runs: XLSX_RUNS, xlsxBytes, xlsx, json: largeJson },
      }),
      figure({
        bench: 'report',
        scenario: `${fmt(MEASURES)} measures as XLSX, api peak RSS`,
        unit: 'MB',
        value: peak,
        baseline: { name: 'before', value: before },
        target: '<= 512 MB',
        met: peak <= 512,
        detail: { vmHwmBeforeMb: before, vmHwmAfterMb: peak },
      }),
    ];
  } finally {
    await api?.stop();
    await deleteQueueKeys(REDIS_URL, queuePrefix);
  }
}
