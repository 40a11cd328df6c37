import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { AppConfig } from '../../libs/config/src/index.js';

const ROOT = join(__dirname, '../..');

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
