import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, loadConfig } from '../../../libs/config/src/config.js';
import { exitWithStartupFailure } from '../../../libs/config/src/startup.js';
import { exitOnSignalWithin } from '../../../libs/config/src/shutdown.js';
import { ensureDatabase } from '../../../libs/database/src/ensure-database.js';

/**
 * Starts the api. PostgreSQL is checked first, on its own, and Nest and the app's modules load only after that
 * (a few seconds on a busy machine): a bad variable or an unreachable DATABASE_URL is told in one line at once.
 */
export async function startApi(config: AppConfig): Promise<NestExpressApplication> {
  await ensureDatabase(config.databaseUrl);
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
