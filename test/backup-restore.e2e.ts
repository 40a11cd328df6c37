import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { backup } from '../scripts/backup.js';
import { backupDrill } from '../scripts/backup-drill.js';
import { restore } from '../scripts/restore.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { AppConfig } from '../libs/config/src/index.js';
import { dataSourceOptions, dropDatabase } from '../libs/database/src/index.js';
import { bullConnection, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { untilProcessorsPass, untilQuiet } from './support/processors.js';
import { OutboxRelay } from '../apps/worker/src/outbox-relay.service.js';
import { openCycle, readModelTables, submitAndApprove } from './support/reporting.js';
import { ApiModule } from '../apps/api/src/api.module.js';
import { configureApi } from '../apps/api/src/configure-app.js';
import { startWorker } from '../apps/worker/src/main.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { SmtpSink } from './support/smtp-sink.js';
import { runScript } from './support/run-script.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ENV = { MAIL_RATE_PER_MINUTE: '6000', MAIL_RECONCILE_EVERY_MS: '1000' };
const LEDGER_SENT = ['ReminderSent', 'NotificationSent', 'LinkMailSent', 'PasswordMailSent', 'DigestSent'];

/**
 * Issue 18 point 11: a running deployment is backed up (pg_dump while commands arrive and jobs wait in Redis),
 * restored into a new database and started again with an api and a worker on a Redis of their own (the
 * old one is gone). Processors resume from the restored checkpoints, no mail sent before is sent again, mail owed
 * at the backup is sent once, job-fed read models are re-derived from the events, every publication's bytes
 * still hash to their recorded hash, and the log verifies against the digest printed before the backup. Before
 * that backup, `npm run backup:drill` runs against the same deployment as a development one (no TOKEN_PEPPER or
 * SESSION_SECRET set) while link mail is owed by events the relay has yet to read: it passes, counts the mail it
 * caught and the mail owed as they are, and the links it mailed open on the deployment restored after.
 */
describe('backup and restore of a running deployment (e2e)', () => {
  let product: Product;
  let dir: string;
  let target: string;
  let drillTarget: string;
  let restored: DataSource | null = null;
  let redis: DisposableRedis | null = null;
  let sink: SmtpSink | null = null;
  const apps: INestApplicationContext[] = [];
  let paused: Queue[] = [];

  beforeAll(async () => {
    product = await startProduct('backup_source', undefined, ENV);
    await importSevenoaks(product.store);
    dir = mkdtempSync(join(tmpdir(), 'pr-backup-'));
    const url = new URL(ADMIN_URL);
    url.pathname = `/pr_backup_restored_${randomBytes(4).toString('hex')}`;
    target = url.toString();
    url.pathname = `/pr_backup_drill_${randomBytes(4).toString('hex')}`;
    drillTarget = url.toString();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await Promise.all(paused.map((q) => q.close()));
    await redis?.stop();
    await sink?.stop();
    await restored?.destroy();
    await dropDatabase(target);
    await dropDatabase(drillTarget);
    rmSync(dir, { recursive: true, force: true });
    await product.stop();
  });

  it('restores into a new database where the deployment carries on: no replay, no mail twice, hashes and log verify', async () => {
    const call = http(product.baseUrl);
    const cycle = (name: string, label: string, refs: string[]) =>
      openCycle(
        call,
        as.coordinator,
        { cycleId: name, label, periodStart: '2020-04-01', periodEnd: '2021-03-31', dueDate: '2030-04-30' },
        refs,
      );

    // Part of a cycle: links mailed, returns approved, the cycle closed and published; a second year open.
    const y1 = await cycle('bk-y1', 'Backup year one', ['S1', 'S2', 'S3']);
    await submitAndApprove(call, `${y1}.S1`, as.coordinator, as.reviewer, {
      rag: 'green',
      narrative: 'On track',
    });
    await submitAndApprove(call, `${y1}.S2`, as.coordinator, as.reviewer, {
      rag: 'amber',
      narrative: 'Slipping',
    });
    const closed = await call('POST', `/cycles/${y1}/close`, as.coordinator, {
      force: true,
      reason: 'Board',
    });
    expect(closed.status).toBe(200);
    expect((await call('POST', `/cycles/${y1}/publish`, as.coordinator)).status).toBe(201);
    const y2 = await cycle('bk-y2', 'Backup year two', ['S1', 'S2']);
    await untilQuiet(product);
    const mailKey = (m: { to: string[]; subject: string }) => `${[...m.to].sort().join()}|${m.subject}`;
    const sentBefore = new Set(product.smtp.mails.map(mailKey));
    expect(sentBefore.size).toBeGreaterThan(0);
    const digest = await runScript(logDigest, { DATABASE_URL: product.db.url }, ['--checkpoint']);
    expect(digest.code).toBe(0);

    // Jobs waiting in Redis at the backup: the mail and reporting queues stop taking jobs, and a third year opens.
    paused = [QUEUES.mail, QUEUES.reporting].map(
      (name) =>
        new Queue(name, {
          connection: bullConnection(product.config.redisUrl),
          prefix: product.config.queuePrefix,
        }),
    );
    for (const queue of paused) await queue.pause();
    const q = (sql: string, params: unknown[] = []) => product.db.dataSource.query(sql, params);
    // First, for the drill below, the relay stands still: the third year's link mails are owed by events it has
    // yet to read. And mail caught before by a development deployment's own catcher is in its dev_mail.
    const relay = product.worker.get(OutboxRelay).processor;
    await relay.stop();
    await q(
      `INSERT INTO dev_mail (mail_from, rcpt_to, subject)
       SELECT 'returns@partner-returns.local', ARRAY['lead@example.org'], 'Caught before the backup'
       FROM generate_series(1, 3)`,
    );
    const y3 = await cycle('bk-y3', 'Backup year three', ['S3']);
    await untilProcessorsPass(product.db.dataSource, ['return-status', 'reporting']);

    // The drill of a development deployment (an operator's probe): no TOKEN_PEPPER or SESSION_SECRET set, so each
    // is derived from DATABASE_URL. Its api and worker ran on the drill database's URL, so their pepper was not the
    // deployment's: the worker refused every link mail owed ("TOKEN_PEPPER does not make the token link ...") and
    // the drill failed, not caught up. It counted the restored dev_mail rows as caught by its SMTP server, and
    // the restore said no mail was owed while the relay had the link mails still to read.
    const drill = await runScript(
      backupDrill,
      {
        NODE_ENV: 'development',
        DATABASE_URL: product.db.url,
        REDIS_URL: product.config.redisUrl,
        DRILL_DATABASE_URL: drillTarget,
        ...ENV,
      },
      ['--timeout', '60', '--keep'],
    );
    relay.start();
    await untilProcessorsPass(product.db.dataSource);
    const [{ links }]: { links: number }[] = await q(
      `SELECT count(*)::int AS links FROM owed_mails WHERE settled_at IS NULL AND job_name = 'submission-link-mail'`,
    );
    expect(links).toBeGreaterThan(0);
    expect(drill.err).toContain(
      `Mail owed and not yet sent: ${links} (0 recorded in owed_mails, ${links} owed by events the outbox relay has yet to read)`,
    );
    expect(drill).toMatchObject({ code: 0, out: expect.stringContaining('Drill passed') });
    expect(drill.out).toContain(
      `api and worker run on it with the deployment's own TOKEN_PEPPER and SESSION_SECRET (derived from its DATABASE_URL: TOKEN_PEPPER and SESSION_SECRET not set)`,
    );
    expect(drill.out).toContain(
      `${links} owed at the backup, ${links} sent since, ${links} caught by the drill's SMTP server`,
    );
    // The links it mailed are the deployment's: they open on the deployment restored below.
    const drilled = new DataSource(dataSourceOptions(drillTarget, SCHEMA));
    await drilled.initialize();
    const drillMail: { text_body: string }[] = await drilled.query(
      `SELECT text_body FROM dev_mail WHERE subject <> 'Caught before the backup' ORDER BY id`,
    );
    await drilled.destroy();
    await dropDatabase(drillTarget);
    const drillLinks = drillMail.map((m) => /\/l\/([A-Za-z0-9_-]+)/.exec(m.text_body)?.[1]);
    expect(drillLinks).toHaveLength(links);
    expect(drillLinks.every((token) => token !== undefined)).toBe(true);

    // The report's row is written by its processor with its checkpoint, not by a job waiting in Redis: it is in
    // the backup already (a reporting job paused here once had to be re-derived by the restore).
    expect(await q(`SELECT 1 FROM report_cycles WHERE cycle_id = $1`, [y3])).toHaveLength(1);
    expect(await paused[0].getWaitingCount()).toBeGreaterThan(0);

    // The backup, while drafts keep being saved.
    const file = join(dir, 'deployment.dump');
    const drafting = (async () => {
      let version = (await call('GET', `/returns/${y2}.S1`, as.coordinator)).body.version as number;
      for (let i = 0; i < 8; i++) {
        const saved = await call(
          'PUT',
          `/returns/${y2}.S1/draft`,
          { ...as.coordinator, 'if-match': `"${version}"` },
          {
            narrative: `Draft ${i}`,
          },
        );
        expect(saved.status).toBe(200);
        version = Number(JSON.parse(saved.headers.get('etag') ?? '""'));
      }
    })();
    const backedUp = await runScript(backup, { DATABASE_URL: product.db.url }, ['--file', file]);
    await drafting;
    expect(backedUp).toMatchObject({ code: 0, out: expect.stringContaining(`Backed up to ${file}`) });
    expect(backedUp.err).toContain('backup: dumping contents of table "public.events"');
    for (const queue of paused) await queue.resume();

    // Restored into a new database; a second restore over it is refused.
    const restoring = await runScript(restore, { DATABASE_URL: target }, ['--file', file]);
    expect(restoring).toMatchObject({ code: 0, out: expect.stringContaining('Processors resume from: ') });
    // A development deployment restored into a database of another name: the restore says to set the secrets.
    expect(restoring.out).toContain(
      'TOKEN_PEPPER and SESSION_SECRET are not set: outside production they are derived from DATABASE_URL',
    );
    expect(await runScript(restore, { DATABASE_URL: target }, ['--file', file])).toMatchObject({
      code: 2,
      err: expect.stringContaining('is not empty'),
    });
    // --replace with a file cut short is refused before anything is touched and leaves the database as it was (it
    // was dropped first, once, and left empty; then restored beside it and failed); with the whole file it replaces
    // it. Everything below runs on the database replaced so.
    const cut = join(dir, 'cut.dump');
    writeFileSync(cut, readFileSync(file).subarray(0, Math.floor(statSync(file).size / 2)));
    const failed = await runScript(restore, { DATABASE_URL: target }, ['--file', cut, '--replace']);
    expect(failed.code).toBe(2);
    expect(failed.err).toContain(`restore: refused: ${cut} is cut short or damaged`);
    expect(await runScript(restore, { DATABASE_URL: target }, ['--file', file, '--replace'])).toMatchObject({
      code: 0,
      err: expect.stringContaining('replacing'),
    });
    restored = new DataSource(dataSourceOptions(target, SCHEMA));
    await restored.initialize();
    const r = (sql: string, params: unknown[] = []) => restored!.query(sql, params);
    // The reporting job waiting in the lost Redis is re-derived: the restore rebuilt the job-fed tables.
    expect(await r(`SELECT status FROM report_cycles WHERE cycle_id = $1`, [y3])).toEqual([
      { status: 'open' },
    ]);
    const checkpointsAtBackup: { name: string; tx: string; position: string }[] = await r(
      `SELECT name, transaction_id::text AS tx, global_position::text AS position FROM processor_checkpoints ORDER BY name`,
    );
    expect(checkpointsAtBackup.map((c) => c.name)).toEqual(
      expect.arrayContaining(['outbox-relay', 'return-status']),
    );
    const owedAtBackup: { job_id: string }[] = await r(
      `SELECT job_id FROM owed_mails WHERE settled_at IS NULL`,
    );
    expect(owedAtBackup.length).toBeGreaterThan(0);
    // Canaries: rows each processor wrote long before its checkpoint, removed. A replay from the start writes them
    // again; a processor that resumes from its checkpoint never looks at their events.
    const [statusCanary] = await r(`SELECT * FROM return_status WHERE return_id = $1`, [`${y1}.S3`]);
    expect(statusCanary).toBeDefined();
    await r(`DELETE FROM return_status WHERE return_id = $1`, [`${y1}.S3`]);
    const [{ job_id: owedCanary }] = await r(
      `SELECT job_id FROM owed_mails WHERE settled_at IS NOT NULL ORDER BY event_position LIMIT 1`,
    );
    await r(`DELETE FROM owed_mails WHERE job_id = $1`, [owedCanary]);

    // The deployment started again on the restored database: api and worker, a new Redis and mail server.
    redis = new DisposableRedis(await freePort());
    await redis.start();
    sink = new SmtpSink();
    // The README's recipe for a development deployment restored into another database: the backed-up
    // deployment's secrets, derived from its DATABASE_URL as written (sha256 of "<name>:development-only:<url>").
    const derived = (name: string) =>
      createHash('sha256').update(`${name}:development-only:${product.db.url}`).digest('hex');
    expect([derived('TOKEN_PEPPER'), derived('SESSION_SECRET')]).toEqual([
      product.config.tokenPepper,
      product.config.sessionSecret,
    ]);
    const config: AppConfig = {
      ...product.config,
      tokenPepper: derived('TOKEN_PEPPER'),
      sessionSecret: derived('SESSION_SECRET'),
      databaseUrl: target,
      redisUrl: redis.url,
      smtpUrl: await sink.start(),
      queuePrefix: 'restored',
    };
    // In this process (a spawned pair takes a minute to compile on a loaded machine): the same modules as main.ts.
    const api = await NestFactory.create<NestExpressApplication>(
      ApiModule.forRoot(config, new SystemClock()),
      {
        bufferLogs: true,
      },
    );
    configureApi(api);
    await api.listen(0, '127.0.0.1');
    apps.push(api);
    apps.push(await startWorker(config, { relayPollIntervalMs: 25 }));
    const baseUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
    const deployment = { db: { dataSource: restored }, config };

    // Mail owed at the backup (its job was in the old Redis) is sent once; nothing sent before is sent again.
    await eventually(async () => sink!.mails.length >= owedAtBackup.length, 60_000);
    await untilQuiet(deployment, 60_000);
    expect(sink.mails.map((m) => m.subject)).toEqual(
      owedAtBackup.map(() => expect.stringContaining('Backup year three')),
    );
    expect(new Set(sink.mails.flatMap((m) => m.to)).size).toBe(sink.mails.length);
    expect(sink.mails.filter((m) => sentBefore.has(mailKey(m)))).toEqual([]);

    // The links the drill mailed open here: the same links, and the same pepper, as the deployment's.
    for (const token of drillLinks) {
      const landing = await fetch(`${baseUrl}/l/${token}`, { headers: { accept: 'text/html' } });
      expect(landing.status).toBe(200);
      expect(await landing.text()).toMatch(/<button[^>]*>\s*Continue\s*<\/button>/);
    }

    // Mail due after the restore is sent once too.
    const call2 = http(baseUrl);
    const reopened = await call2('POST', `/returns/${y2}.S2/submit`, as.coordinator, {
      rag: 'red',
      narrative: 'Late',
    });
    expect(reopened.status).toBe(200);
    const sentBack = await call2('POST', `/returns/${y2}.S2/send-back`, as.reviewer, {
      reason: 'Figures missing',
    });
    expect(sentBack.status).toBe(200);
    await eventually(async () => sink!.mails.length > owedAtBackup.length, 30_000);
    await untilQuiet(deployment, 60_000);
    const after = sink.mails.slice(owedAtBackup.length);
    expect(new Set(after.map((m) => `${m.to.join()}|${m.subject}`)).size).toBe(after.length);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((m) => sentBefore.has(mailKey(m)))).toEqual([]);
    const twice = await r(
      `SELECT stream_id, data->>'key' AS key, count(*)::int AS n FROM events WHERE type = ANY($1::text[])
       GROUP BY stream_id, data->>'key', coalesce(data->'recipient'->>'pii', data->>'recipient') HAVING count(*) > 1`,
      [LEDGER_SENT],
    );
    expect(twice).toEqual([]);

    // Processors resumed from their checkpoints: moved on from them, and the canaries were not written again.
    const checkpointsNow: { name: string; moved: boolean }[] = await r(
      `SELECT c.name, (c.transaction_id, c.global_position) > (b.tx::xid8, b.position::bigint) AS moved
       FROM processor_checkpoints c JOIN jsonb_to_recordset($1::jsonb) AS b(name text, tx text, position text)
         ON b.name = c.name ORDER BY c.name`,
      [JSON.stringify(checkpointsAtBackup)],
    );
    expect(checkpointsNow.filter((c) => ['outbox-relay', 'return-status'].includes(c.name))).toEqual([
      { name: 'outbox-relay', moved: true },
      { name: 'return-status', moved: true },
    ]);
    expect(await r(`SELECT 1 FROM return_status WHERE return_id = $1`, [`${y1}.S3`])).toEqual([]);
    expect(await r(`SELECT 1 FROM owed_mails WHERE job_id = $1`, [owedCanary])).toEqual([]);

    // Every publication's stored bytes hash to the hash recorded, in its row and its ReportPublished event.
    const publications: { body: string; content_hash: string; recorded: string | null }[] = await r(
      `SELECT p.body, p.content_hash,
              (SELECT e.data->>'contentHash' FROM events e WHERE e.type = 'ReportPublished'
                 AND e.data->>'contentHash' = p.content_hash) AS recorded
       FROM published_reports p WHERE p.body IS NOT NULL`,
    );
    expect(publications).toHaveLength(1);
    for (const p of publications) {
      expect(createHash('sha256').update(p.body, 'utf8').digest('hex')).toBe(p.content_hash);
      expect(p.recorded).toBe(p.content_hash);
    }

    // The log verifies against the digest printed before the backup.
    const verified = await runScript(logVerify, { DATABASE_URL: target }, ['--digest', digest.out.trim()]);
    expect(verified).toMatchObject({ code: 0, out: expect.stringContaining('Verified') });

    // Read models are what the events give, not doubled: a rebuild from the events leaves them as they are.
    for (const app of apps.splice(0)) await app.close();
    await r(`INSERT INTO return_status SELECT * FROM jsonb_populate_record(null::return_status, $1::jsonb)`, [
      JSON.stringify(statusCanary),
    ]);
    const asProduct = { db: { dataSource: restored } } as unknown as Product;
    const before = await readModelTables(asProduct);
    const quiet = { write: () => true };
    expect(await projectionsRebuild({ DATABASE_URL: target }, quiet, quiet)).toBe(0);
    expect(await readModelTables(asProduct)).toEqual(before);
    await deleteQueueKeys(config.redisUrl, config.queuePrefix);
  }, 240_000);
});
