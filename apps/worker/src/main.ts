import type { INestApplicationContext } from '@nestjs/common';
import {
  AppConfig,
  loadConfig,
  exitWithStartupFailure,
  exitOnSignalWithin,
} from '../../../libs/config/src/index.js';
import { ensureDatabase } from '../../../libs/database/src/index.js';
import type { WorkerOptions } from './worker.module.js';

/** Starts the worker; as startApi does, PostgreSQL is checked before Nest and the modules load. */
export async function startWorker(
  config: AppConfig,
  options: WorkerOptions = {},
): Promise<INestApplicationContext> {
  await ensureDatabase(config.databaseUrl, { refuseUnfinishedRestore: true });
  const { createWorker } = await import('./create-worker.js');
  return createWorker(config, options);
}

if (require.main === module) {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    exitWithStartupFailure(error);
  }
  exitOnSignalWithin(config.shutdownTimeoutMs);
  startWorker(config).catch(exitWithStartupFailure);
}
