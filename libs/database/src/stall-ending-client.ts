import { Client } from 'pg';
import { QUERY_READ_TIMEOUT } from './query-timed-out.js';

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * A pg Client that ends its connection when a query on it gets no answer within `query_timeout`.
 *
 * node-postgres only reports such a timeout: the query stays on the connection as the one under way, waiting for
 * an answer a stalled server may never send, and every later query on the client queues behind it (see
 * brianc/node-postgres#3399). TypeORM gives a query runner's client back to the pool without an error, so the pool
 * kept it and handed it to the next request, which then timed out too, and so on for as long as the stall lasted,
 * and the client of a command's transaction went back still inside it. Ended instead, what is queued on it fails
 * at once, a query asked of it later fails at once (a timeout too), and the pool drops it when it is given back:
 * the next request gets a new connection, which works as soon as the server answers again.
 *
 * Only plain queries (text or config, as TypeORM and pg-pool send them) are watched; a streaming query (pg-cursor,
 * pg-query-stream) goes through as it is, and none of the product's pools send one.
 */
export class StallEndingClient extends Client {
  private stalled = false;

  // pg's overloads of query() each return what their form returns (a promise, or nothing with a callback).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const [config, second, third] = args as [{ submit?: unknown } | string, unknown, unknown];
    if (typeof config === 'object' && typeof config?.submit === 'function') {
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const values = typeof second === 'function' ? undefined : second;
    const callback = (typeof second === 'function' ? second : third) as Callback | undefined;
    const run = (done: Callback) => {
      if (this.stalled) {
        // What pg would say is "Client was closed": say why, in words databaseUnavailable knows.
        return process.nextTick(() =>
          done(new Error(`${QUERY_READ_TIMEOUT}: an earlier query on this connection got no answer`)),
        );
      }
      (super.query as (...a: unknown[]) => void)(config, values, (error: Error | null, result?: unknown) => {
        if (error?.message === QUERY_READ_TIMEOUT) this.endStalled();
        done(error, result);
      });
    };
    if (callback) return void run(callback);
    return new Promise((resolve, reject) =>
      run((error, result) => (error ? reject(error) : resolve(result))),
    );
  }

  /** end() destroys the socket when a query is under way: nothing more is sent on it or read from it. */
  private endStalled(): void {
    if (this.stalled) return;
    this.stalled = true;
    this.end().catch(() => undefined);
  }
}
