import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { AppConfig } from '../../libs/config/src/index.js';
import { NODE_COMPILE_CACHE } from './worker-process.js';

const ROOT = join(__dirname, '../..');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The api in a process of its own (the real entry point, apps/api/src/main.ts), so a test can kill it outright
 * (see kill() in worker-process.ts). Resolves once it answers /health/live.
 */
export async function spawnApi(
  config: AppConfig,
  env: Record<string, string> = {},
  /** The script and its arguments: the api's own entry point unless a test needs another (clocked-process.ts). */
  entry: string[] = [join(ROOT, 'apps/api/src/main.ts')],
): Promise<{ child: ChildProcess; baseUrl: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(__dirname, 'register-ts.js'), ...entry], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: String(port),
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      SMTP_URL: config.smtpUrl ?? '',
      QUEUE_PREFIX: config.queuePrefix,
      TOKEN_PEPPER: config.tokenPepper,
      SESSION_SECRET: config.sessionSecret,
      PUBLIC_BASE_URL: config.publicBaseUrl,
      PASSWORD_HASHING: config.passwordHashing,
      NODE_COMPILE_CACHE,
      ...env,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  // Generous: several processes loading at once on a busy 2-core machine take this long (see scale-out).
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the api exited while starting (${child.exitCode ?? child.signalCode})`);
    }
    const live = await fetch(`${baseUrl}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) return { child, baseUrl };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the api did not start within 180 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
