import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { metricsAllowed, OperatorSignals } from '../../../libs/signals/src/index.js';

const HEALTH_TIMEOUT_MS = 1_500;

/**
 * The worker serves no web pages, so it gets a listener of its own (WORKER_METRICS_PORT): GET /metrics for
 * Prometheus (behind METRICS_TOKEN when set, as the api's) and GET /health for the container's healthcheck
 * (200 while this process answers and PostgreSQL does; nothing secret in either). Anything else is a 404.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsListener');
  private server: Server | undefined;

  constructor(
    @Inject(OperatorSignals) private readonly signals: OperatorSignals,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where it listens (WORKER_METRICS_PORT, or the free port it was given for 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => {
      this.answer(req, res).catch((error: Error) => {
        this.logger.error(`metrics listener: ${error.message}`);
        if (!res.headersSent) send(res, 500, 'text/plain', 'error\n');
        else res.end();
      });
    });
    const wanted = this.config.metrics.workerPort;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `WORKER_METRICS_PORT: port ${wanted} is already in use`
              : `WORKER_METRICS_PORT: cannot listen on ${wanted}: ${error.message}`,
          ),
        ),
      );
      server.listen(wanted, '0.0.0.0', () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics and health on port ${this.port}`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    if (path === '/health') return this.health(res);
    if (path !== '/metrics') return send(res, 404, 'text/plain', 'not found: /metrics or /health\n');
    if (!metricsAllowed(this.config.metrics.token, req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return send(res, 401, 'text/plain', 'send Authorization: Bearer <METRICS_TOKEN>\n');
    }
    send(res, 200, this.signals.contentType, await this.signals.scrape());
  }

  private async health(res: ServerResponse): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer')), HEALTH_TIMEOUT_MS);
        }),
      ]);
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    } catch {
      send(
        res,
        503,
        'application/json',
        JSON.stringify({ status: 'down', postgres: 'DATABASE_URL does not answer' }),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}
