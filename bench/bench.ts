/**
 * `npm run bench`: every benchmark of issue 7 against the real PostgreSQL and Redis, one table on stdout, and
 * bench/results/latest.json (figures, versions, nproc, date). Progress goes to stderr. Each benchmark gets its own
 * throwaway database, dropped afterwards; a failing benchmark is reported and the others still run.
 *
 * Environment: BENCH_QUICK=1 for a smoke run (a few minutes; figures not comparable), BENCH_ONLY=append,growth
 * to run some of them (append, growth, rebuild, http, chase, report, wake), BENCH_DATABASE_URL for another server,
 * REDIS_URL for another Redis. Each benchmark file lists its own knobs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { openDatabase } from '../libs/database/src/index.js';
import { appendBenchmark, appendFigures, stopAppendBenchmark } from './append.bench.js';
import { growthBenchmark } from './growth.bench.js';
import { httpBenchmark } from './http.bench.js';
import { chaseBenchmark } from './chase.bench.js';
import { rebuildBenchmark } from './rebuild.bench.js';
import { reportBenchmark } from './report.bench.js';
import { wakeBenchmark } from './wake.bench.js';
import { dropBenchDatabase, throwawayDatabaseUrl } from './support/bench-database.js';
import { Figure, figuresTable } from './support/figures.js';
import { QUICK } from './support/options.js';
import { Progress } from './support/progress.js';
import { SCHEMA } from '../apps/composition/src/index.js';

const progress = new Progress();
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const wanted = (name: string) => ONLY.length === 0 || ONLY.includes(name);

/** Databases this run created, dropped at the end or on Ctrl-C. */
const databases = new Set<string>();
const openSources = new Set<DataSource>();
let stopping = false;

function newDatabaseUrl(): string {
  const url = throwawayDatabaseUrl();
  databases.add(url);
  return url;
}

async function withDatabase<T>(run: (dataSource: DataSource, url: string) => Promise<T>): Promise<T> {
  const url = newDatabaseUrl();
  const dataSource = await openDatabase(url, SCHEMA);
  openSources.add(dataSource);
  try {
    return await run(dataSource, url);
  } finally {
    openSources.delete(dataSource);
    if (dataSource.isInitialized) await dataSource.destroy();
    await drop(url);
  }
}

async function drop(url: string): Promise<void> {
  databases.delete(url);
  await dropBenchDatabase(url).catch((error: unknown) =>
    progress.log(`could not drop ${new URL(url).pathname.slice(1)}: ${String(error)}`),
  );
}

interface Section {
  name: string;
  covers: string[];
  run(): Promise<Figure[]>;
}

const sections: Section[] = [
  {
    name: 'append',
    covers: ['append'],
    run: async () => {
      const url = newDatabaseUrl();
      try {
        return appendFigures(await appendBenchmark(url, progress));
      } finally {
        await drop(url);
      }
    },
  },
  {
    name: 'growth',
    covers: ['growth', 'rebuild'],
    run: () =>
      withDatabase(async (dataSource, url) => {
        const figures: Figure[] = [];
        // The 10,000-event log in a database of its own, measured side by side with the large one.
        const growth = await withDatabase((small) => growthBenchmark(dataSource, small, progress));
        if (wanted('growth')) figures.push(...growth.figures);
        if (wanted('rebuild')) figures.push(...(await rebuildBenchmark(dataSource, url, progress)));
        return figures;
      }),
  },
  {
    name: 'http',
    covers: ['http'],
    run: () => withDatabase((dataSource, url) => httpBenchmark(dataSource, url, progress)),
  },
  {
    name: 'chase',
    covers: ['chase'],
    run: () => withDatabase((dataSource, url) => chaseBenchmark(dataSource, url, progress)),
  },
  {
    name: 'report',
    covers: ['report'],
    run: () => withDatabase((dataSource, url) => reportBenchmark(dataSource, url, progress)),
  },
  {
    name: 'wake',
    covers: ['wake'],
    run: () => withDatabase((dataSource, url) => wakeBenchmark(dataSource, url, progress)),
  },
];

async function versions(): Promise<Record<string, string>> {
  const pkg = (name: string) => {
    try {
      const file = require.resolve(`${name}/package.json`, { paths: [process.cwd()] });
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  const result: Record<string, string> = { node: process.version };
  const admin = new DataSource({
    type: 'postgres',
    url: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  try {
    await admin.initialize();
    const [{ server_version }] = await admin.query<{ server_version: string }[]>('SHOW server_version');
    result.postgres = server_version;
  } catch {
    result.postgres = 'unknown';
  } finally {
    if (admin.isInitialized) await admin.destroy();
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    result.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    result.redis = 'unknown';
  } finally {
    redis.disconnect();
  }
  for (const name of [
    '@nestjs/core',
    '@nestjs/cqrs',
    'typeorm',
    'pg',
    'bullmq',
    'nodemailer',
    'exceljs',
    '@event-driven-io/emmett-postgresql',
    'autocannon',
  ]) {
    result[name] = pkg(name);
  }
  return result;
}

function nproc(): number {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return availableParallelism();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const info = await versions();
  const cores = nproc();
  progress.log(
    `npm run bench${QUICK ? ' (BENCH_QUICK: a smoke run, figures not comparable)' : ''}: node ${info.node}, ` +
      `PostgreSQL ${info.postgres}, Redis ${info.redis}, nproc ${cores}`,
  );
  const figures: Figure[] = [];
  const failures: { section: string; error: string }[] = [];
  for (const section of sections) {
    if (stopping) break;
    if (!section.covers.some(wanted)) continue;
    const t0 = performance.now();
    progress.log(`--- ${section.name} ---`);
    try {
      figures.push(...(await section.run()));
      progress.log(`--- ${section.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s ---`);
    } catch (error) {
      if (stopping) break;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress.log(`${section.name} FAILED: ${message}`);
      failures.push({ section: section.name, error: message });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const table = figuresTable(figures);
  process.stdout.write(
    `\nPartner Returns benchmarks${QUICK ? ' (BENCH_QUICK smoke run)' : ''}: ${new Date().toISOString().slice(0, 10)}, ` +
      `nproc ${cores}, node ${info.node}, PostgreSQL ${info.postgres}, Redis ${info.redis}; ${seconds.toFixed(0)} s\n\n` +
      `${table}\n\n`,
  );
  for (const f of failures) process.stdout.write(`FAILED: ${f.section}: ${f.error.split('\n')[0]}\n`);

  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        quick: QUICK,
        only: ONLY.length > 0 ? ONLY : undefined,
        nproc: cores,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        loadAverageAtEnd: loadavg(),
        seconds: Math.round(seconds),
        versions: info,
        figures,
        failures,
        table,
      },
      null,
      2,
    ) + '\n',
  );
  progress.log(`wrote ${file}`);
  if (failures.length > 0) process.exitCode = 1;
}

async function cleanup(): Promise<void> {
  await stopAppendBenchmark();
  await Promise.allSettled([...openSources].map((d) => (d.isInitialized ? d.destroy() : undefined)));
  await Promise.allSettled([...databases].map((url) => drop(url)));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    progress.log(`${signal}: stopping and dropping the benchmark databases`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => void cleanup());
