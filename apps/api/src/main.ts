import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  AppConfig,
  loadConfig,
  exitWithStartupFailure,
  exitOnSignalWithin,
} from '../../../libs/config/src/index.js';
import { ensureDatabase } from '../../../libs/database/src/index.js';

/**
 * Starts the api. PostgreSQL is checked first, on its own, and Nest and the app's modules load only after that
 * (a few seconds on a busy machine): a bad variable or an unreachable DATABASE_URL is told in one line at once.
 */
export async function startApi(config: AppConfig): Promise<NestExpressApplication> {
  await ensureDatabase(config.databaseUrl, { refuseUnfinishedRestore: true });
  const { createApi } = await import('./create-api.js');
  return createApi(config);
}

if (require.main === module) {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    exitWithStartupFailure(error);
  }
  exitOnSignalWithin(config.shutdownTimeoutMs);
  startApi(config).catch(exitWithStartupFailure);
}
