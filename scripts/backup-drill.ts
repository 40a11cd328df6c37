import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { ApiModule } from '../apps/api/src/api.module.js';
import { configureApi } from '../apps/api/src/configure-app.js';
import { startWorker } from '../apps/worker/src/main.js';
import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import {
  databaseName,
  dropDatabase,
  openDatabase,
  RestoreLocks,
  withDatabaseName,
} from '../libs/database/src/index.js';
import { EventStore, LogCheckpoints, parseDigestArgument, verifyLog } from '../libs/event-store/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { SmtpCatcher } from '../libs/mail/src/index.js';
import { deleteQueueKeys, requireRedis } from '../libs/queues/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';
import { backup } from './backup.js';
import { DrillLocks } from './drill-databases.js';
import { derivedSecrets, mailOwed, restore } from './restore.js';

export const BACKUP_DRILL_USAGE = `Usage: npm run backup:drill [-- --keep] [--timeout <seconds>]

Proves the backups of the deployment at DATABASE_URL restore: reads the log's latest digest, backs the database
up (npm run backup), restores it into a database it creates on the same server (<name>_drill_<time>, or
DRILL_DATABASE_URL, which must not exist yet; what a drill that died left is dropped first), starts an api and a worker on it with the deployment's own TOKEN_PEPPER and SESSION_SECRET
(outside production, when unset, those derived from DATABASE_URL, not from the drill database's URL), a Redis
prefix of their own and an SMTP server inside this process (nothing is mailed to anyone), waits until they have caught up, and checks: processors resumed from
the restored checkpoints, no mail sent twice, every mail owed at the backup sent, every publication's bytes hash
to their recorded hash, and the log verifies against the digest read before. Prints a short verdict; exit 0
passed, 1 failed, 2 bad arguments. The drill database is dropped afterwards unless --keep.`;

const LEDGER_SENT = ['ReminderSent', 'NotificationSent', 'LinkMailSent', 'PasswordMailSent', 'DigestSent'];

interface Check {
  ok: boolean;
  line: string;
}

/** Closes an app, or gives up on it after `ms` (its connections go when the process exits). */
async function closedWithin(app: INestApplicationContext, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    app.close().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/** `npm run backup:drill`: 0 passed, 1 failed, 2 bad arguments. */
export async function backupDrill(
  env: Record<string, string | undefined>,
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  let keep = false;
  let timeoutMs = 300_000;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--keep') keep = true;
    else if (args[i] === '--timeout' && Number(args[i + 1]) > 0) timeoutMs = Number(args[++i]) * 1000;
    else {
      err.write(`backup:drill: unknown argument ${args[i]}\n${BACKUP_DRILL_USAGE}\n`);
      return 2;
    }
  }
  const source = loadConfig(env);
  // Before anything is dumped or made: without Redis the drill's api and worker could not catch up, and closing
  // them waited for it without end (an operator's probe: past --timeout, and deaf to SIGTERM, for 10 minutes).
  await requireRedis(
    source.redisUrl,
    'the drill runs its api and worker on it, under a queue prefix of their own',
  );
  // The restored deployment runs with the deployment's own secrets. Left unset outside production, they are
  // derived from DATABASE_URL: the drill database's URL would give others, and its worker would refuse to mail
  // every link issued before the backup (the pepper no longer makes their tokens), so the drill never caught up.
  const secrets = { SESSION_SECRET: source.sessionSecret, TOKEN_PEPPER: source.tokenPepper };
  const derived = derivedSecrets(env, source.nodeEnv);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const sourceName = databaseName(source.databaseUrl);
  const target =
    env.DRILL_DATABASE_URL ?? withDatabaseName(source.databaseUrl, `${sourceName}_drill_${stamp}`);
  const dir = mkdtempSync(join(tmpdir(), 'partner-returns-drill-'));
  const file = join(dir, 'drill.dump');
  const queuePrefix = `drill-${stamp}-${randomBytes(3).toString('hex')}`;
  const apps: INestApplicationContext[] = [];
  let restored: DataSource | null = null;
  let catcher: SmtpCatcher | null = null;
  const checks: Check[] = [];
  // The drill drops its database when it ends: only one it created itself (see drill-databases.ts).
  const targetName = databaseName(target);
  const locks = await DrillLocks.open(source.databaseUrl);
  let created = false;
  try {
    for (const line of await locks.clearLeftovers(source.databaseUrl, source.redisUrl))
      err.write(`${line}\n`);
    // And what a `restore --replace` of the deployment that died left beside it (see RestoreLocks).
    const restores = await RestoreLocks.open(source.databaseUrl);
    try {
      for (const line of await restores.clearDead(source.databaseUrl)) err.write(`${line}\n`);
    } finally {
      await restores.close();
    }
    if (!(await locks.take(targetName))) throw new Error(`another drill is using ${targetName}`);
    await locks.create(target, { partnerReturnsDrillOf: sourceName, queuePrefix, dir });
    created = true;

    // 1. The digest printed before the backup: what a restored log must still verify against.
    // The deployment's schema is never migrated by a drill: one older than this release is refused in one line.
    const live = await openDatabase(source.databaseUrl, SCHEMA, { migrate: false });
    // None for a log that is empty (a deployment with no plan imported yet): its drill once failed on a digest of
    // "null" ('--digest: "root" must be 64 hex digits'); the restored log must then be empty too.
    let digest: string | null;
    try {
      const checkpoints = new LogCheckpoints(live, new EventStore(live));
      const latest =
        (await checkpoints.latest()) ?? (await checkpoints.take().then(() => checkpoints.latest()));
      digest = latest ? JSON.stringify(latest) : null;
    } finally {
      await live.destroy();
    }
    err.write(
      digest ? `drill: log digest before the backup ${digest}\n` : `drill: the log is empty: no digest yet\n`,
    );

    // 2. Back up and restore into a new database.
    const backedUp = await backup(env, ['--file', file], err, err);
    if (backedUp !== 0) throw new Error('the backup failed');
    const restoreStarted = Date.now();
    const restoredCode = await restore(
      { ...env, ...secrets, DATABASE_URL: target },
      ['--file', file],
      err,
      err,
    );
    if (restoredCode !== 0)
      throw new Error(`the restore into ${target.replace(/:[^:@/]*@/, ':***@')} failed`);
    const restoreSeconds = (Date.now() - restoreStarted) / 1000;
    restored = await openDatabase(target, SCHEMA);
    const r = restored;
    const atRestore: { name: string; tx: string; position: string }[] = await r.query(
      `SELECT name, transaction_id::text AS tx, global_position::text AS position FROM processor_checkpoints`,
    );
    const owedAtRestore = await mailOwed(r);
    const owed = owedAtRestore.recorded + owedAtRestore.unrelayed;
    const [{ sent: sentAtRestore }]: { sent: number }[] = await r.query(
      `SELECT count(*)::int AS sent FROM events WHERE type = ANY($1::text[])`,
      [LEDGER_SENT],
    );
    checks.push({
      ok: true,
      line:
        `restored in ${restoreSeconds.toFixed(1)} s into ${new URL(target).pathname.slice(1)}; api and worker ` +
        `run on it with the deployment's own TOKEN_PEPPER and SESSION_SECRET` +
        (derived.length > 0 ? ` (derived from its DATABASE_URL: ${derived.join(' and ')} not set)` : ''),
    });

    // 3. Api and worker on it: a Redis prefix nothing else uses (an empty Redis to BullMQ), mail caught here.
    catcher = new SmtpCatcher(r);
    const smtpUrl = await catcher.start();
    const config = loadConfig({
      ...env,
      ...secrets,
      DATABASE_URL: target,
      QUEUE_PREFIX: queuePrefix,
      SMTP_URL: smtpUrl,
      PORT: '0',
      WORKER_METRICS_PORT: '0',
      // The deployment's own LOG_LEVEL (info, say) would pour the drill's api and worker logs over its verdict.
      LOG_LEVEL: env.DRILL_LOG_LEVEL ?? 'warn',
    });
    const clock = new SystemClock();
    const api = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, clock), {
      bufferLogs: true,
    });
    configureApi(api);
    await api.listen(0, '127.0.0.1');
    apps.push(api);
    apps.push(await startWorker(config, { clock }));
    const baseUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
    const ready = await fetch(`${baseUrl}/health/ready`).then((res) => res.status);
    checks.push({ ok: ready === 200, line: `api ready: /health/ready answered ${ready}` });

    // 4. Caught up: every processor past the last event, and every mail owed at the backup settled.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ behind, unsettled }]: { behind: number; unsettled: number }[] = await r.query(
        `SELECT (SELECT count(*)::int FROM processor_checkpoints c
                  WHERE (c.transaction_id, c.global_position) <
                        (SELECT transaction_id, global_position FROM events ORDER BY global_position DESC LIMIT 1)
                    AND c.name = ANY($1::text[])) AS behind,
                (SELECT count(*)::int FROM owed_mails WHERE settled_at IS NULL) AS unsettled`,
        [atRestore.map((c) => c.name)],
      );
      if (behind === 0 && unsettled === 0) break;
      if (Date.now() > deadline) {
        checks.push({
          ok: false,
          line: `not caught up in ${timeoutMs / 1000} s: ${behind} processors behind, ${unsettled} mails unsettled`,
        });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // 5. The checks.
    const moved: { name: string; back: boolean }[] = await r.query(
      `SELECT c.name, (c.transaction_id, c.global_position) < (b.tx::xid8, b.position::bigint) AS back
       FROM processor_checkpoints c JOIN jsonb_to_recordset($1::jsonb) AS b(name text, tx text, position text)
         ON b.name = c.name`,
      [JSON.stringify(atRestore)],
    );
    checks.push({
      ok: moved.length === atRestore.length && moved.every((m) => !m.back),
      line: `processors resumed from their checkpoints: ${atRestore.map((c) => `${c.name} at ${c.position}`).join(', ')}`,
    });
    const twice: { n: number }[] = await r.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM events WHERE type = ANY($1::text[])
         GROUP BY stream_id, data->>'key', coalesce(data->'recipient'->>'pii', data->>'recipient')
         HAVING count(*) > 1) d`,
      [LEDGER_SENT],
    );
    const [{ sent }]: { sent: number }[] = await r.query(
      `SELECT count(*)::int AS sent FROM events WHERE type = ANY($1::text[])`,
      [LEDGER_SENT],
    );
    // What this drill's SMTP server received, not the rows of dev_mail: those restored came with the backup.
    const caught = catcher.received;
    checks.push({
      ok: twice[0].n === 0,
      line: `no mail sent twice (ledger); ${owed} owed at the backup, ${sent - sentAtRestore} sent since, ${caught} caught by the drill's SMTP server`,
    });
    const publications: { cycle_id: string; publication: number; body: string; content_hash: string }[] =
      await r.query(
        `SELECT cycle_id, publication, body, content_hash FROM published_reports WHERE body IS NOT NULL`,
      );
    const bad = publications.filter(
      (p) => createHash('sha256').update(p.body, 'utf8').digest('hex') !== p.content_hash,
    );
    checks.push({
      ok: bad.length === 0,
      line:
        bad.length === 0
          ? `every publication's bytes hash to their recorded hash (${publications.length})`
          : `publications whose bytes do not hash to their hash: ${bad.map((p) => `${p.cycle_id} #${p.publication}`).join(', ')}`,
    });
    if (digest === null) {
      const [{ events }]: { events: number }[] = await r.query(`SELECT count(*)::int AS events FROM events`);
      checks.push({
        ok: events === 0,
        line: `the log was empty at the backup, and ${events === 0 ? 'is' : `holds ${events} events`} now`,
      });
    } else {
      const verified = await verifyLog(r, parseDigestArgument(digest), err);
      checks.push({
        ok: verified.ok,
        line: verified.ok
          ? `the log verifies against the digest read before the backup (${verified.events} events)`
          : `the log does not verify: ${verified.event ? `event ${verified.event.globalPosition}: ${verified.event.reason}` : verified.reason}`,
      });
    }
  } catch (error) {
    checks.push({ ok: false, line: (error as Error).message });
  } finally {
    // Bounded as the apps' own shutdown is (SHUTDOWN_TIMEOUT_MS): Redis gone mid-drill holds a close for ever.
    for (const app of apps.reverse()) await closedWithin(app, source.shutdownTimeoutMs);
    await catcher?.stop().catch(() => undefined);
    if (restored?.isInitialized) await restored.destroy();
    await deleteQueueKeys(source.redisUrl, queuePrefix).catch(() => undefined);
    if (created && keep) await locks.unmark(target).catch(() => undefined);
    else if (created) await dropDatabase(target).catch(() => undefined);
    await locks.release(targetName).catch(() => undefined);
    await locks.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const passed = checks.every((c) => c.ok);
  for (const check of checks) out.write(`${check.ok ? '  ok  ' : '  FAIL'} ${check.line}\n`);
  out.write(
    passed
      ? `Drill passed: the backup restores and the deployment carries on from it.${keep && created ? ` Kept: ${targetName}` : ''}\n`
      : `Drill FAILED.${keep && created ? ` Kept for a look: ${targetName}` : ''}\n`,
  );
  return passed ? 0 : 1;
}

if (require.main === module) {
  backupDrill(process.env, process.argv.slice(2), process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(1);
    },
  );
}
