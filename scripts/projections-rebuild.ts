import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import { didNotAnswer, openDatabase } from '../libs/database/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { ProgressStream, rebuildReadModels } from '../libs/projections/src/index.js';
import { SCHEMA, readModels } from '../apps/composition/src/index.js';

/**
 * npm run projections:rebuild: replays all events through the same projection code the worker runs into new
 * tables, in committed batches, and swaps them in for the live ones in one short transaction (see
 * rebuildReadModels). Progress goes to stderr; the final count to stdout. Safe while the api and worker run, and
 * stalls neither; a run killed part-way is continued by the next.
 */
export async function projectionsRebuild(
  env: Record<string, string | undefined>,
  out: { write(text: string): unknown },
  err: ProgressStream,
): Promise<number> {
  const config = loadConfig(env);
  // A rebuild over a million events takes minutes, so no bound is put on the whole run: each statement is given
  // up after DATABASE_QUERY_TIMEOUT_MS instead. Batches are sized to take about a quarter of a second
  // (rebuildReadModels), so a working server never comes near it, and one that stopped answering mid-way stops the
  // run in one line rather than leaving it waiting without end; the next run carries on from the last batch.
  const queryTimeoutMs = config.databaseQueryTimeoutMs;
  const dataSource = await openDatabase(config.databaseUrl, SCHEMA, { create: false, queryTimeoutMs });
  try {
    // Return texts read as they stand now, redactions included (the returns lib's hook, loaded with the schema).
    const store = new EventStore(dataSource);
    const models = readModels(store);
    err.write(`Rebuilding ${models.map((m) => m.name).join(', ')} from the events\n`);
    const result = await rebuildReadModels(dataSource, store, models, {
      batchSize: config.rebuildBatchSize,
      progress: err,
    });
    const rows = Object.entries(result.rows)
      .map(([table, count]) => `${table} ${count.toLocaleString('en-GB')}`)
      .join(', ');
    out.write(
      `Replayed ${result.events.toLocaleString('en-GB')} events in ${(result.ms / 1000).toFixed(1)} s; rows: ${rows}\n`,
    );
    return 0;
  } catch (error) {
    // Started, and stopped part-way: what stopped it, and that the next run carries on (not "Could not start").
    const stalled = didNotAnswer(error, queryTimeoutMs, 'the live read models are as they were');
    err.write(
      stalled
        ? `projections:rebuild: stopped: ${stalled.message}: run it again once it answers, to carry on\n`
        : `projections:rebuild: stopped: ${(error as Error).message.replace(/\s+/g, ' ').trim()}; ` +
            'the live read models are as they were: run it again to carry on\n',
    );
    return 1;
  } finally {
    await dataSource.destroy().catch(() => undefined);
  }
}

if (require.main === module) {
  if (process.argv.length > 2) {
    console.error(
      `projections:rebuild: takes no arguments (given: ${process.argv.slice(2).join(' ')}); it rebuilds every read model`,
    );
    process.exit(2);
  }
  projectionsRebuild(process.env, process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // One line per problem, no stack: a bad variable or an unreachable DATABASE_URL, named.
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(1);
    },
  );
}
