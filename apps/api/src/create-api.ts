import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '../../../libs/config/src/index.js';
import { ApiModule } from './api.module.js';
import { configureApi } from './configure-app.js';

/** The api, listening: what startApi loads once the configuration and the database are known to be good. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  // Start-up errors come back to the caller (abortOnError) and Nest's own trace of them is never printed
  // (autoFlushLogs): the caller says what went wrong in one line. A good start flushes the logs to pino.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
    autoFlushLogs: false,
  });
  configureApi(app);
  app.flushLogs();
  await app.listen(config.port, '0.0.0.0');
  return app;
}
