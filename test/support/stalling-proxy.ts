import { connect, createServer, Server, Socket } from 'node:net';

/** Whether to stall just before forwarding this chunk from the product, given what its connection sent before. */
export type StallTrigger = (chunk: Buffer, earlier: Buffer) => boolean;

/** How much of what a connection sent a trigger is shown: enough for a transaction's statements. */
const EARLIER_BYTES = 256 * 1024;

/**
 * A TCP proxy between the product and PostgreSQL that can stop forwarding bytes, both ways and on every
 * connection, and resume: a server stopped (SIGSTOP) or a network gone silent, as the product sees it. Connections
 * stay open while stalled, and new ones are accepted but carry nothing. What arrives meanwhile is held, closes
 * included, and forwarded in order on resume, as TCP delivers what it retransmits once a network is back: a
 * product that gave up on a connection still has its last bytes, and its close, reach the server then.
 */
export class StallingProxy {
  private stalled = false;
  /** Forwarding held while stalled, in the order it came. */
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();
  private trigger: StallTrigger | null = null;

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (product) => this.proxy(product));
  }

  static async start(target = { host: '127.0.0.1', port: 5432 }): Promise<StallingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new StallingProxy(server, target);
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  /** `databaseUrl` through the proxy: the same user and database, the proxy's host and port. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  stall(): void {
    this.stalled = true;
  }

  /** Stalls just before the first chunk from the product for which `trigger` holds (that chunk is held too). */
  stallBefore(trigger: StallTrigger): void {
    this.trigger = trigger;
  }

  resume(): void {
    this.stalled = false;
    for (const forward of this.held.splice(0)) forward();
  }

  /** Cuts every connection there is now, both ends at once (a reset, as a network or a restarted server does). */
  cut(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private proxy(product: Socket): void {
    const postgres = connect(this.target.port, this.target.host);
    for (const socket of [product, postgres]) {
      this.sockets.add(socket);
      // A write to a side already closed, or a reset: the close that follows says all there is to say.
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    }
    this.pass(product, postgres, true);
    this.pass(postgres, product, false);
  }

  private pass(from: Socket, to: Socket, fromProduct: boolean): void {
    let earlier = Buffer.alloc(0);
    from.on('data', (chunk: Buffer) => {
      if (fromProduct) {
        if (this.trigger?.(chunk, earlier)) {
          this.trigger = null;
          this.stalled = true;
        }
        earlier = Buffer.concat([earlier, chunk]).subarray(-EARLIER_BYTES);
      }
      this.forward(() => to.write(chunk));
    });
    // end(), not destroy(): the bytes written before it still go.
    from.on('close', () => this.forward(() => to.end()));
  }

  private forward(action: () => void): void {
    if (this.stalled) this.held.push(action);
    else action();
  }
}
