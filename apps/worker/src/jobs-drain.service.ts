import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/**
 * On SIGTERM every BullMQ worker stops taking jobs and finishes those it holds before anything they need is
 * closed. @nestjs/bullmq closes its workers in onApplicationShutdown, as TypeORM closes the database and the
 * mail module its SMTP pool, in no order between them: a worker stopped for a deploy sent the mails it held and
 * could not record them sent, so each went out again after the restart (8 of 60 in an operator's test).
 */
@Injectable()
export class JobsDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('JobsDrain');

  constructor(@Inject(DiscoveryService) private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const hosts = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost);
    const started = Date.now();
    await Promise.all(
      hosts.map(async (host) => {
        try {
          await host.worker.close();
        } catch (error) {
          this.logger.warn(`a queue's worker did not close cleanly: ${(error as Error).message}`);
        }
      }),
    );
    this.logger.log(`${hosts.length} queue workers finished their jobs in ${Date.now() - started} ms`);
  }
}
