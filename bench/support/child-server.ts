import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { API_NODE_FLAGS } from '../../apps/api/src/api-node-flags.js';

/** A free TCP port on 127.0.0.1, picked by the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface ChildServer {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs a Node script as its own process (the way production runs the api: one process, its own event loop),
 * waits until `readyPath` (on `port`, or an absolute URL of its own) answers 200, and stops it with SIGTERM (SIGKILL after 10 s). Its stdout (the request
 * logs, at the level LOG_LEVEL says) goes to /dev/null; stderr is passed through.
 */
export async function startChildServer(
  script: string,
  env: Record<string, string>,
  readyPath: string,
  port: number,
  timeoutMs = 60_000,
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${script} exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(new URL(readyPath, baseUrl))
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} was not ready within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let stopped: Promise<void> | undefined;
  return {
    baseUrl,
    pid: child.pid!,
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      })()),
  };
}

/**
 * Secrets made once per bench process: every api it starts signs sessions and peppers tokens alike, so the copies
 * of a several-process api accept each other's.
 */
const SECRETS = {
  SESSION_SECRET: randomBytes(32).toString('hex'),
  TOKEN_PEPPER: randomBytes(32).toString('hex'),
};

export interface ProductionApiOptions {
  /** Node options for the api process, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** More than 1: that many api processes on one port (bench/support/api-cluster.ts). */
  processes?: number;
}

/**
 * The api as production runs it, as its own process (or several sharing one port) on a free port: NODE_ENV=production
 * with this run's secrets and request logs at info. It never sends mail itself (the worker does), but production
 * wants SMTP_URL all the same.
 */
export async function startProductionApi(
  databaseUrl: string,
  redisUrl: string,
  queuePrefix: string,
  { nodeArgs = [], processes = 1 }: ProductionApiOptions = {},
): Promise<ChildServer> {
  const port = await freePort();
  const env = {
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    // Production refuses an undeliverable sender; nothing is mailed in a bench.
    MAIL_FROM: 'Partner Returns <returns@sevenoaks.gov.uk>',
    QUEUE_PREFIX: queuePrefix,
    ...SECRETS,
    LOG_LEVEL: 'info',
  };
  if (processes <= 1) {
    const main = join(__dirname, '..', '..', 'apps', 'api', 'src', 'main.js');
    return startChildServer(main, env, '/health/ready', port, 60_000, [...API_NODE_FLAGS, ...nodeArgs]);
  }
  const readyPort = await freePort();
  return startChildServer(
    join(__dirname, 'api-cluster.js'),
    { ...env, API_PROCESSES: String(processes), CLUSTER_READY_PORT: String(readyPort) },
    `http://127.0.0.1:${readyPort}/`,
    port,
    60_000 * processes,
    // The cluster's copies inherit its flags (cluster.fork passes process.execArgv).
    [...API_NODE_FLAGS, ...nodeArgs],
  );
}
