import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP peer that accepts every mail and counts what arrived per recipient and subject (read from the
 * headers only, so the sink costs little next to what it measures). Listens on 127.0.0.1 only.
 */
export class CountingSmtpSink {
  readonly received = new Map<string, number>();
  total = 0;
  bytes = 0;
  lastAt = 0;
  private server: SMTPServer | null = null;
  private waiters: { count: number; resolve: () => void }[] = [];

  async start(): Promise<string> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A reverse DNS lookup per connection would be most of the cost of a local sink.
      disableReverseLookup: true,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const head = raw.subarray(0, Math.min(raw.length, 8192)).toString('utf8');
          const subject = /^Subject: (.*)$/im.exec(head)?.[1]?.trim() ?? '';
          for (const r of session.envelope.rcptTo) {
            const key = `${r.address.toLowerCase()}\n${subject}`;
            this.received.set(key, (this.received.get(key) ?? 0) + 1);
          }
          this.total++;
          this.bytes += raw.length;
          this.lastAt = performance.now();
          this.waiters = this.waiters.filter((w) => (this.total >= w.count ? (w.resolve(), false) : true));
          callback();
        });
      },
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  /** Resolves when `count` mails have arrived in all, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.total >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${this.total} of ${count} mails arrived within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  reset(): void {
    this.received.clear();
    this.total = 0;
    this.bytes = 0;
  }

  /** Recipients that got more than one mail with the same subject. */
  duplicates(): string[] {
    return [...this.received].filter(([, n]) => n > 1).map(([key]) => key.replace('\n', ': '));
  }

  recipients(): Set<string> {
    return new Set([...this.received.keys()].map((k) => k.split('\n')[0]));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
