import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, loadConfig } from '../../../libs/config/src/index.js';
import { ApiModule } from './api.module.js';
import { configureApi } from './configure-app.js';
import { exitOnSignalWithin } from '../../../libs/config/src/shutdown.js';

export async function startApi(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
  });
  configureApi(app);
  await app.listen(config.port, '0.0.0.0');
  return app;
}

if (require.main === module) {
  const config = loadConfig();
  exitOnSignalWithin(config.shutdownTimeoutMs);
  startApi(config).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
