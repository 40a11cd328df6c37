import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../libs/config/src/index.js';
import { openDatabase } from '../libs/database/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { formatProblems, importPlan, parsePlanFile } from '../libs/plan/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';

/** npm run plan:import -- <file.yaml>: validates the whole file, then records only what changed. */
async function main(): Promise<number> {
  const path = process.argv[2];
  if (!path) {
    console.error('Usage: npm run plan:import -- <plan.yaml>   (example: examples/sevenoaks-2019-22.yaml)');
    return 2;
  }
  const parsed = parsePlanFile(readFileSync(path, 'utf8'));
  if (!parsed.ok) {
    console.error(
      `${path} was not imported: ${parsed.problems.length} problem(s)\n${formatProblems(parsed.problems)}`,
    );
    return 1;
  }
  const config = loadConfig();
  const dataSource = await openDatabase(config.databaseUrl, SCHEMA);
  try {
    const result = await importPlan(new EventStore(dataSource), parsed.plan, {
      actorId: `cli:${process.env.USER ?? 'unknown'}`,
      actorRole: 'coordinator',
      correlationId: randomUUID(),
      reason: `plan:import ${path}`,
    });
    if (result.eventCount === 0)
      console.log(`${path}: no changes to ${result.partnershipId}/${result.planId}`);
    else {
      console.log(
        `${path}: imported into ${result.partnershipId}/${result.planId} as ${result.eventCount} event(s)`,
      );
      for (const c of result.changes) console.log(`  ${c.type.padEnd(24)} ${c.count}`);
    }
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
