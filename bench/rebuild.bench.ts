/**
 * Projection rebuild (issue 7, target c): `rebuildReadModels` over every read model (what `npm run
 * projections:rebuild` runs) from the event log the growth benchmark left (1,000,000 events of whole cycles made
 * by bulk SQL), in events replayed per second. Baseline, in the same run on the same log: the reporting tables
 * filled by set-based `INSERT ... SELECT` straight from the events (requested returns, last approval of each
 * return, cycles), in one transaction that is then rolled back; its rate is the same events over its time.
 * Afterwards the rebuilt reporting tables are checked against that baseline's row counts.
 */
import { DataSource } from 'typeorm';
import { EventStore } from '../libs/event-store/src/index.js';
import { DEFAULT_REBUILD_BATCH_SIZE, rebuildReadModels } from '../libs/projections/src/index.js';
import { figure, Figure } from './support/figures.js';
import { fmt, positiveNumber } from './support/options.js';
import { Progress } from './support/progress.js';
import { readModels } from '../apps/composition/src/index.js';

const BATCH = Math.round(positiveNumber('REBUILD_BATCH_SIZE', DEFAULT_REBUILD_BATCH_SIZE));
const TARGET = 20_000;

const BASELINE = [
  `INSERT INTO report_requested_returns (return_id, cycle_id, partnership_id, measure_ref, theme_id, agency_id, withdrawn)
   SELECT data->>'returnId', data->>'cycleId', data->>'partnershipId', data->>'measureRef', data->>'themeId',
          data->>'agencyId', false
   FROM events WHERE type = 'ReturnRequested'`,
  `INSERT INTO report_returns (return_id, cycle_id, partnership_id, plan_id, measure_ref, theme_id, agency_id, rag,
     narrative, dot, comments, tables, case_studies, approved_by, approved_at, stream_version, event_position)
   SELECT DISTINCT ON (a.stream_id) r.data->>'returnId', r.data->>'cycleId', r.data->>'partnershipId',
          r.data->>'planId', r.data->>'measureRef', r.data->>'themeId', r.data->>'agencyId',
          a.data->'content'->>'rag', a.data->'content'->>'narrative', a.data->'content'->>'dot',
          a.data->'content'->>'comments', coalesce(a.data->'content'->'tables', '[]'),
          coalesce(a.data->'content'->'caseStudies', '[]'), a.data->>'by', a.recorded_at, a.version,
          a.global_position
   FROM events a JOIN events r ON r.stream_id = a.stream_id AND r.version = 1
   WHERE a.type = 'ReturnApproved'
   ORDER BY a.stream_id, a.version DESC`,
  `INSERT INTO report_cycles (cycle_id, partnership_id, plan_id, label, period_start, period_end, due_date, status,
     opened_at, closed_at)
   SELECT d.data->>'cycleId', d.data->>'partnershipId', d.data->>'planId', d.data->>'label', d.data->>'periodStart',
          d.data->>'periodEnd', d.data->>'dueDate', CASE WHEN c.global_position IS NULL THEN 'open' ELSE 'closed' END,
          o.recorded_at, c.recorded_at
   FROM events d
   LEFT JOIN events o ON o.stream_id = d.stream_id AND o.type = 'CycleOpened'
   LEFT JOIN events c ON c.stream_id = d.stream_id AND c.type = 'CycleClosed'
   WHERE d.type = 'CycleDrafted'`,
];

export async function rebuildBenchmark(dataSource: DataSource, progress: Progress): Promise<Figure[]> {
  const [{ events }] = await dataSource.query<{ events: number }[]>(
    'SELECT count(*)::int AS events FROM events',
  );
  await dataSource.query('CHECKPOINT');

  progress.phase(`rebuild baseline: INSERT ... SELECT of the reporting tables from ${fmt(events)} events`, 0);
  const baseline = await dataSource
    .transaction(async (m) => {
      await m.query('TRUNCATE report_cycles, report_requested_returns, report_returns');
      const t0 = performance.now();
      for (const sql of BASELINE) await m.query(sql);
      const seconds = (performance.now() - t0) / 1000;
      const [rows] = await m.query<Record<string, number>[]>(
        `SELECT (SELECT count(*) FROM report_cycles)::int AS report_cycles,
                (SELECT count(*) FROM report_requested_returns)::int AS report_requested_returns,
                (SELECT count(*) FROM report_returns)::int AS report_returns`,
      );
      throw Object.assign(new Error('rollback'), { result: { seconds, rows } });
    })
    .catch((error: { result?: { seconds: number; rows: Record<string, number> } }) => {
      if (!error.result) throw error;
      return error.result;
    });
  progress.done(
    `rebuild baseline: ${baseline.seconds.toFixed(1)} s (${fmt(events / baseline.seconds)} events/s)`,
  );
  await dataSource.query('CHECKPOINT');

  const store = new EventStore(dataSource);
  const models = readModels(store);
  progress.log(
    `rebuild: ${models.map((m) => m.name).join(', ')} from ${fmt(events)} events, batches of ${BATCH}`,
  );
  // rebuildReadModels draws its own progress bar on the stream it is given.
  const bar = process.stderr;
  const t0 = performance.now();
  const result = await rebuildReadModels(dataSource, store, models, { batchSize: BATCH, progress: bar });
  const seconds = (performance.now() - t0) / 1000;
  const rate = result.events / seconds;
  progress.done(
    `rebuild: ${fmt(result.events)} events in ${seconds.toFixed(1)} s (${fmt(rate)} events/s); rows ${JSON.stringify(result.rows)}`,
  );
  for (const [table, count] of Object.entries(baseline.rows)) {
    if (result.rows[table] !== count) {
      throw new Error(
        `rebuild: ${table} has ${result.rows[table]} rows, the INSERT ... SELECT made ${count}`,
      );
    }
  }
  return [
    figure({
      bench: 'rebuild',
      scenario: `all read models from ${fmt(result.events)} events`,
      unit: 'events/s',
      value: rate,
      baseline: { name: 'INSERT ... SELECT', value: events / baseline.seconds },
      target: `>= ${fmt(TARGET)} events/s`,
      met: rate >= TARGET,
      detail: {
        events: result.events,
        seconds,
        batchSize: BATCH,
        rows: result.rows,
        baselineSeconds: baseline.seconds,
      },
    }),
  ];
}
