import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { startApi } from '../apps/api/src/main.js';
import { startWorker } from '../apps/worker/src/main.js';
import { AuthService, StaffRole } from '../libs/auth/src/index.js';
import { loadConfig, exitOnSignalWithin } from '../libs/config/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { formatProblems, importPlan, parsePlanFile } from '../libs/plan/src/index.js';
import { scopedCycleId, Actor } from '../libs/kernel/src/index.js';
import {
  CycleRepository,
  DraftCycleCommand,
  OpenCycleCommand,
  SetReportHeadingsCommand,
} from '../libs/returns/src/index.js';

const PLAN_FILE = join(__dirname, '../../examples/sevenoaks-2019-22.yaml');
/** The demo cycle's name in its partnership; `npm start` of releases before cycle ids were scoped used the id. */
const DEMO_CYCLE_NAME = 'demo-2019-20';
const EARLIER_DEMO_CYCLE = 'sevenoaks-2019-20-demo';
const DEMO_PASSWORD = 'demo password only';
const DEMO_STAFF: [string, StaffRole][] = [
  ['coordinator@sevenoaks.example.org', 'coordinator'],
  ['reviewer@sevenoaks.example.org', 'reviewer'],
];

/**
 * npm start: the api and the worker in one process, with the Sevenoaks plan imported and a demo cycle open.
 * Safe to run again: the import records only changes and the cycle is opened once.
 */
async function main(): Promise<void> {
  // The demo is for trying the pages: warnings and errors only, unless LOG_LEVEL asks for more.
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' });
  if (config.nodeEnv === 'production')
    throw new Error('npm start is the demo; in production run start:api and start:worker');
  exitOnSignalWithin(config.shutdownTimeoutMs);
  step('Starting the api (migrating the database, creating it if missing)');
  const api = await startApi(config);
  step('Starting the worker (outbox relay, report projection, mail)');
  const worker = await startWorker(config);

  const parsed = parsePlanFile(readFileSync(PLAN_FILE, 'utf8'));
  if (!parsed.ok) throw new Error(`The example plan is invalid:\n${formatProblems(parsed.problems)}`);
  const coordinator: Actor = {
    id: 'demo-coordinator',
    role: 'coordinator',
    partnershipId: parsed.plan.partnership.id,
  };
  const imported = await importPlan(api.get(EventStore), parsed.plan, {
    actorId: coordinator.id,
    actorRole: coordinator.role,
    correlationId: 'demo-start',
    reason: 'npm start loads the Sevenoaks plan',
  });
  step(
    `Sevenoaks plan: ${imported.eventCount === 0 ? 'already loaded' : `${imported.eventCount} events recorded`}`,
  );

  // Demo staff, so the pages can be tried at once. Never in production: there, use npm run staff:create.
  const auth = api.get(AuthService);
  for (const [email, role] of DEMO_STAFF) {
    await auth
      .createStaff({
        partnershipId: parsed.plan.partnership.id,
        email,
        name: email.split('@')[0],
        role,
        password: DEMO_PASSWORD,
      })
      .catch((error: { code?: string }) => {
        if (error.code !== 'email-taken') throw error;
      });
  }

  const cycles = api.get(CycleRepository);
  const earlier = await cycles.status(EARLIER_DEMO_CYCLE);
  const demoCycle =
    earlier === 'none' ? scopedCycleId(parsed.plan.partnership.id, DEMO_CYCLE_NAME) : EARLIER_DEMO_CYCLE;
  const { state } = await cycles.load(demoCycle);
  const commands = api.get(CommandBus);
  const envelope = { actor: coordinator, correlationId: 'demo-start' };
  if (state.status === 'none') {
    const due = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    await commands.execute(
      new DraftCycleCommand(envelope, {
        cycleId: demoCycle,
        partnershipId: parsed.plan.partnership.id,
        planId: parsed.plan.plan.id,
        label: 'Year 1 2019/20 (April 2019 - March 2020)',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: due,
      }),
    );
    // The demo's report opens as the Sevenoaks report does (the defaults name only the partnership).
    await commands.execute(
      new SetReportHeadingsCommand(
        envelope,
        demoCycle,
        null,
        'Year 1 2019/20 (April 2019 - March 2020)',
        'This Annual Report is produced by Sevenoaks District Council on behalf of the Sevenoaks District LSP ' +
          'using data and information provided by partners',
      ),
    );
  }
  if (state.status === 'none' || state.status === 'drafted') {
    await commands.execute(new OpenCycleCommand(envelope, demoCycle));
    step('Demo cycle opened: every agency lead has been asked for their returns');
  } else step(`Demo cycle is ${state.status}`);

  const base = config.publicBaseUrl;
  console.log(`
Partner Returns is running.
  Sign in (staff)      ${base}/sign-in
                       coordinator@sevenoaks.example.org or reviewer@sevenoaks.example.org,
                       password "${DEMO_PASSWORD}"
  Agency leads         open the links in the mail: ${config.smtpUrl ? `sent to ${config.smtpUrl.replace(/\/\/[^@]*@/, '//')}` : `${base}/dev/mail`}
  Demo cycle           ${base}/coordinate/cycles/${encodeURIComponent(demoCycle)}
  API docs (OpenAPI)   ${base}/api/docs
  Health               ${base}/health/ready
  Metrics (Prometheus) ${base}/metrics, worker http://localhost:${config.metrics.workerPort}/metrics
Press Ctrl+C to stop.`);

  const stop = async () => {
    await worker.close();
    await api.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function step(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

main().catch((error: Error) => {
  console.error(`Could not start: ${error.message}`);
  process.exit(1);
});
