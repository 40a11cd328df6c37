import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, withoutFalseAlarms } from '../../../libs/config/src/index.js';
import { WorkerModule, WorkerOptions } from './worker.module.js';

/** The worker, running: what startWorker loads once the configuration and the database are known to be good. */
export async function createWorker(
  config: AppConfig,
  options: WorkerOptions = {},
): Promise<INestApplicationContext> {
  // As the api's (see createApi): start-up errors are told in one line by the caller, not traced by Nest.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options), {
    bufferLogs: true,
    abortOnError: false,
    autoFlushLogs: false,
  });
  app.useLogger(withoutFalseAlarms(app.get(Logger)));
  app.flushLogs();
  app.enableShutdownHooks();
  await app.init();
  return app;
}
