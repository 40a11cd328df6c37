import { ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../libs/config/src/index.js';

const ROOT = join(__dirname, '../..');

/**
 * V8's code cache on disk (NODE_COMPILE_CACHE) for the processes tests start: each loads the same modules (Nest,
 * TypeORM, BullMQ and the app), so a start after the first compiles less. scale-out started it for its four;
 * every worker and api process a test starts now shares it.
 */
export const NODE_COMPILE_CACHE = join(tmpdir(), 'partner-returns-node-compile-cache');

/** The worker in a process of its own (the real entry point, apps/worker/src/main.ts), so it can be killed. */
export function spawnWorker(
  config: AppConfig,
  env: Record<string, string> = {},
  /** The script and its arguments: the worker's own entry point unless a test needs another. */
  entry: string[] = [join(ROOT, 'apps/worker/src/main.ts')],
): ChildProcess {
  return spawn(process.execPath, ['-r', join(__dirname, 'register-ts.js'), ...entry], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      SMTP_URL: config.smtpUrl ?? '',
      QUEUE_PREFIX: config.queuePrefix,
      TOKEN_PEPPER: config.tokenPepper,
      SESSION_SECRET: config.sessionSecret,
      PUBLIC_BASE_URL: config.publicBaseUrl,
      NODE_COMPILE_CACHE,
      ...env,
    },
  });
}

/** SIGKILL: no shutdown hooks, no finishing the job in hand; its connections just drop. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
