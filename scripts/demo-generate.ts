/**
 * npm run demo:generate -- --partnerships N --cycles C [--database URL]
 *
 * Realistic load through the product's own commands: an in-process api's CommandBus, the same handlers the HTTP
 * API calls. For each of N partnerships: the Sevenoaks plan (examples/sevenoaks-2019-22.yaml) under its own
 * partnership id with its own contact emails, imported as the plan:import CLI does (agencies and contacts come
 * with it); a coordinator and a reviewer; C yearly cycles drafted and opened. Every earlier cycle is worked
 * through to approval and closed; the latest stays open with its returns spread over every state: requested,
 * draft, submitted, sent back, sent back and resubmitted, approved, approved then reopened (amendment in draft),
 * withdrawn, reassigned, and with an extended deadline. Progress on stderr; a summary on stdout.
 *
 * Database: --database, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/partner_returns_demo (created
 * and migrated when missing). Running it again skips the cycles that already exist.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { ApiModule } from '../apps/api/src/api.module.js';
import { AuthService, StaffRole } from '../libs/auth/src/index.js';
import { loadConfig } from '../libs/config/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { importPlan, PlanFile } from '../libs/plan/src/index.js';
import {
  ApproveReturnCommand,
  CloseCycleCommand,
  CycleRepository,
  DraftCycleCommand,
  ExtendDeadlineCommand,
  OpenCycleCommand,
  ReassignReturnCommand,
  ReopenReturnCommand,
  ReturnContent,
  SaveReturnDraftCommand,
  SendReturnBackCommand,
  SubmitReturnCommand,
  WithdrawReturnCommand,
} from '../libs/returns/src/index.js';
import { CommandEnvelope, Actor, scopedCycleId } from '../libs/kernel/src/index.js';
import { planForPartnership, sevenoaksPlan } from '../bench/support/plans.js';
import { Progress } from '../bench/support/progress.js';
import { COMMENTS, NARRATIVES } from '../bench/support/sample-events.js';
import { DemoOptions, DemoState, demoStateFor, parseDemoArgs } from './demo-generate-args.js';

const STAFF_PASSWORD = 'demo password only';

function content(seed: number): ReturnContent {
  return {
    rag: (['green', 'amber', 'red', 'green'] as const)[seed % 4],
    narrative: `${NARRATIVES[seed % NARRATIVES.length]}\n\n- Actions this period: ${1 + (seed % 5)}\n- On track: ${seed % 3 === 0 ? 'no' : 'yes'}`,
    dot: (['improving', 'no-change', 'declining', 'new'] as const)[seed % 4],
    comments: COMMENTS[seed % COMMENTS.length],
  };
}

interface People {
  coordinator: Actor;
  reviewer: Actor;
  lead(agencyId: string): Actor;
}

async function generatePartnership(
  app: INestApplicationContext,
  plan: PlanFile,
  cycles: number,
  tick: (steps: number) => void,
): Promise<{ cycles: number; skipped: number; commands: number }> {
  const commands = app.get(CommandBus);
  const partnershipId = plan.partnership.id;
  const people: People = {
    coordinator: { id: `coordinator@${partnershipId}.example.org`, role: 'coordinator', partnershipId },
    reviewer: { id: `reviewer@${partnershipId}.example.org`, role: 'reviewer', partnershipId },
    lead: (agencyId) => {
      const agency = plan.agencies.find((a) => a.id === agencyId)!;
      const email = agency.contacts.find((c) => c.role === 'lead')!.email;
      return { id: email, role: 'agency-lead', partnershipId, agencyId };
    },
  };
  await importPlan(app.get(EventStore), plan, {
    actorId: people.coordinator.id,
    actorRole: 'coordinator',
    correlationId: randomUUID(),
    reason: 'demo:generate',
  });
  const auth = app.get(AuthService);
  for (const [actor, role] of [
    [people.coordinator, 'coordinator'],
    [people.reviewer, 'reviewer'],
  ] as [Actor, StaffRole][]) {
    await auth
      .createStaff({ partnershipId, email: actor.id, name: role, role, password: STAFF_PASSWORD })
      .catch((error: { code?: string }) => {
        if (error.code !== 'email-taken') throw error;
      });
  }
  let sent = 0;
  const run = async (actor: Actor, command: (envelope: CommandEnvelope) => object) => {
    sent++;
    await commands.execute(command({ actor, correlationId: randomUUID() }) as never);
  };
  const measures = plan.themes.flatMap((t) => t.measures);
  let made = 0;
  let skipped = 0;
  for (let c = 1; c <= cycles; c++) {
    const cycleId = scopedCycleId(partnershipId, `y${c}`);
    const latest = c === cycles;
    // Also skipped: the same year under the global id demo:generate gave it before cycle ids were scoped.
    const drafted = await Promise.all(
      [cycleId, `${partnershipId}-y${c}`].map((id) => app.get(CycleRepository).status(id)),
    );
    if (drafted.some((status) => status !== 'none')) {
      skipped++;
      tick(measures.length + 1);
      continue;
    }
    const year = 2018 + c;
    const due = latest
      ? new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10)
      : `${year + 1}-04-30`;
    await run(
      people.coordinator,
      (e) =>
        new DraftCycleCommand(e, {
          cycleId,
          partnershipId,
          planId: plan.plan.id,
          label: `Year ${c} ${year}/${String(year + 1).slice(2)} (April ${year} - March ${year + 1})`,
          periodStart: `${year}-04-01`,
          periodEnd: `${year + 1}-03-31`,
          dueDate: due,
        }),
    );
    await run(people.coordinator, (e) => new OpenCycleCommand(e, cycleId));
    tick(1);
    for (const [i, measure] of measures.entries()) {
      const returnId = `${cycleId}.${measure.ref}`;
      const lead = people.lead(measure.leadAgency);
      const seed = c * 100 + i;
      const state: DemoState = latest ? demoStateFor(i) : 'approved';
      const submit = () => run(lead, (e) => new SubmitReturnCommand(e, returnId, content(seed)));
      const approve = () => run(people.reviewer, (e) => new ApproveReturnCommand(e, returnId));
      switch (state) {
        case 'requested':
          break;
        case 'draft':
          await run(
            lead,
            (e) => new SaveReturnDraftCommand(e, returnId, { narrative: content(seed).narrative }),
          );
          break;
        case 'submitted':
          await run(lead, (e) => new SaveReturnDraftCommand(e, returnId, content(seed)));
          await submit();
          break;
        case 'sent back':
        case 'resubmitted':
          await submit();
          await run(
            people.reviewer,
            (e) => new SendReturnBackCommand(e, returnId, 'Please add the figures for the last quarter.'),
          );
          if (state === 'resubmitted') {
            await run(lead, (e) => new SaveReturnDraftCommand(e, returnId, content(seed + 1)));
            await run(lead, (e) => new SubmitReturnCommand(e, returnId));
          }
          break;
        case 'approved':
          await submit();
          await approve();
          break;
        case 'reopened':
          await submit();
          await approve();
          await run(
            people.coordinator,
            (e) => new ReopenReturnCommand(e, returnId, 'The county published revised figures.'),
          );
          await run(lead, (e) => new SaveReturnDraftCommand(e, returnId, content(seed + 2)));
          break;
        case 'withdrawn':
          await run(
            people.coordinator,
            (e) => new WithdrawReturnCommand(e, returnId, 'Measure paused this year by the theme group.'),
          );
          break;
        case 'extended': {
          const later = new Date(Date.parse(due) + 28 * 86_400_000).toISOString().slice(0, 10);
          await run(
            people.coordinator,
            (e) =>
              new ExtendDeadlineCommand(e, returnId, later, 'Data from the county arrives late this year.'),
          );
          break;
        }
        case 'reassigned': {
          const other = plan.agencies.find(
            (a) => a.id !== measure.leadAgency && a.contacts.some((x) => x.role === 'lead'),
          )!;
          await run(
            people.coordinator,
            (e) => new ReassignReturnCommand(e, returnId, other.id, 'The service moved to another agency.'),
          );
          await run(people.lead(other.id), (e) => new SaveReturnDraftCommand(e, returnId, content(seed)));
          break;
        }
      }
      tick(1);
    }
    if (!latest) await run(people.coordinator, (e) => new CloseCycleCommand(e, cycleId));
    made++;
  }
  return { cycles: made, skipped, commands: sent };
}

export async function demoGenerate(options: DemoOptions): Promise<void> {
  const progress = new Progress('demo');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    NODE_ENV: process.env.NODE_ENV === 'production' ? 'development' : (process.env.NODE_ENV ?? 'development'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  progress.log(
    `demo:generate: ${options.partnerships} partnerships x ${options.cycles} cycles into ${new URL(options.databaseUrl).pathname.slice(1)}`,
  );
  const app = await NestFactory.createApplicationContext(ApiModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  const base = sevenoaksPlan();
  const perPartnership = options.cycles * (base.themes.flatMap((t) => t.measures).length + 1);
  const total = options.partnerships * perPartnership;
  let done = 0;
  const started = performance.now();
  let commands = 0;
  let cycles = 0;
  let skipped = 0;
  try {
    for (let p = 1; p <= options.partnerships; p++) {
      const result = await generatePartnership(app, planForPartnership(base, p), options.cycles, (n) => {
        done += n;
        progress.count('demo:generate', done, total);
      });
      commands += result.commands;
      cycles += result.cycles;
      skipped += result.skipped;
    }
  } finally {
    await app.close();
  }
  const seconds = (performance.now() - started) / 1000;
  progress.done(`demo:generate: done in ${seconds.toFixed(1)} s`);
  process.stdout.write(
    `${commands.toLocaleString('en-GB')} commands (${(commands / seconds).toFixed(0)}/s) made ${cycles} cycles` +
      `${skipped ? ` (${skipped} already there)` : ''} across ${options.partnerships} partnerships; staff ` +
      `coordinator@<partnership>.example.org and reviewer@<partnership>.example.org, password "${STAFF_PASSWORD}"\n`,
  );
}

if (require.main === module) {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(
      `${(error as Error).message}\nUsage: npm run demo:generate -- --partnerships N --cycles C [--database URL]`,
    );
    process.exit(2);
  }
  demoGenerate(options).then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`demo:generate failed: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}
