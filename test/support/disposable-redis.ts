import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { eventually } from './product.js';

/** A TCP port nothing listens on (it was free a moment ago). */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A Redis of a test's own, keeping nothing on disk, that the test can stop and start again. */
export class DisposableRedis {
  private process: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.process) return;
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await eventually(
        async () =>
          (await probe
            .connect()
            .then(() => probe.ping())
            .catch(() => null)) === 'PONG',
        10_000,
      );
    } finally {
      probe.disconnect();
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered, as a host or network gone silent. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Lets a frozen server go on (SIGCONT), with everything it held. */
  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  stop(): Promise<void> {
    const p = this.process;
    this.process = null;
    if (!p || p.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
      p.kill('SIGCONT'); // a frozen server takes its kill only once it runs
    });
  }
}
