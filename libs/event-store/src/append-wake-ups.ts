import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** The channel the event store notifies once an append has committed (AppendNotifier). */
export const EVENTS_APPENDED = 'events_appended';

const RECONNECT_MS = 1000;

/**
 * Wakes this process's event processors as soon as a transaction that appended events commits: LISTEN on one
 * connection of its own, shared by every processor of the process, opened with the first subscriber and closed
 * with the last. A lost connection is opened again after a second; meanwhile, and for any notification missed,
 * the processors' polling finds the events, so nothing depends on a notification arriving.
 */
export class AppendWakeUps {
  private static readonly shared = new WeakMap<DataSource, AppendWakeUps>();

  /** The one instance for this DataSource's database; null when its options name no URL to listen on. */
  static of(dataSource: DataSource): AppendWakeUps | null {
    const url = (dataSource.options as { url?: string }).url;
    if (!url) return null;
    let wakeUps = AppendWakeUps.shared.get(dataSource);
    if (!wakeUps) {
      wakeUps = new AppendWakeUps(url);
      AppendWakeUps.shared.set(dataSource, wakeUps);
    }
    return wakeUps;
  }

  private readonly logger = new Logger('AppendWakeUps');
  private readonly subscribers = new Set<() => void>();
  private client: Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private pid: number | null = null;
  /** Whether the loss of the connection was logged: one line per outage, one when it is back. */
  private lostLogged = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly reconnectMs = RECONNECT_MS,
  ) {}

  /** The listening connection's backend pid while it listens (tests end it to check polling takes over). */
  get listeningPid(): number | null {
    return this.pid;
  }

  /** Calls `wake` on every notification (and on each reconnect) until the returned function is called. */
  subscribe(wake: () => void): () => void {
    this.subscribers.add(wake);
    this.connect();
    return () => {
      this.subscribers.delete(wake);
      if (this.subscribers.size === 0) this.close();
    };
  }

  private connect(): void {
    if (this.client || this.reconnect || this.subscribers.size === 0) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'partner-returns:wake-ups',
    });
    this.client = client;
    client.on('notification', () => this.wakeAll());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client
      .connect()
      .then(() => client.query(`LISTEN ${EVENTS_APPENDED}`))
      .then(() => client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
      .then(({ rows }) => {
        if (this.client !== client) return;
        this.pid = rows[0].pid;
        if (this.lostLogged) this.logger.log('listening for appended events again');
        this.lostLogged = false;
        // Events appended while nobody listened are found at once rather than at the next poll.
        this.wakeAll();
      })
      .catch((error: Error) => this.lost(client, error));
  }

  private lost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.pid = null;
    void client.end().catch(() => undefined);
    if (this.subscribers.size === 0) return;
    if (!this.lostLogged) {
      this.lostLogged = true;
      this.logger.warn(`not listening for appended events (${error.message}); polling until it is back`);
    }
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      this.connect();
    }, this.reconnectMs);
    this.reconnect.unref();
  }

  private close(): void {
    if (this.reconnect) clearTimeout(this.reconnect);
    this.reconnect = null;
    const client = this.client;
    this.client = null;
    this.pid = null;
    void client?.end().catch(() => undefined);
  }

  private wakeAll(): void {
    for (const wake of this.subscribers) wake();
  }
}
