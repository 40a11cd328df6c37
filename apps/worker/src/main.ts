import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from '../../../libs/config/src/index.js';
import { exitOnSignalWithin } from '../../../libs/config/src/shutdown.js';
import { WorkerModule, WorkerOptions } from './worker.module.js';

export async function startWorker(
  config: AppConfig,
  options: WorkerOptions = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}

if (require.main === module) {
  const config = loadConfig();
  exitOnSignalWithin(config.shutdownTimeoutMs);
  startWorker(config).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
