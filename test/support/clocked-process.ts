/**
 * The api or the worker in a process of its own, as apps/api/src/main.ts and apps/worker/src/main.ts start them,
 * but on the shared business clock of the file named by TEST_CLOCK_FILE (see shared-clock.ts), so a test can pass
 * weeks in a moment across several processes. Run with `node -r register-ts.js clocked-process.ts api|worker`
 * (spawnApi and spawnWorker take it as their entry).
 */
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { configureApi } from '../../apps/api/src/configure-app.js';
import { startWorker } from '../../apps/worker/src/main.js';
import { exitOnSignalWithin, exitWithStartupFailure, loadConfig } from '../../libs/config/src/index.js';
import { ensureDatabase } from '../../libs/database/src/index.js';
import { FileClock } from './shared-clock.js';

async function main(role: string | undefined): Promise<void> {
  const config = loadConfig();
  exitOnSignalWithin(config.shutdownTimeoutMs);
  const file = process.env.TEST_CLOCK_FILE;
  if (!file) throw new Error('TEST_CLOCK_FILE names no file');
  const clock = new FileClock(file);
  await ensureDatabase(config.databaseUrl);
  if (role === 'worker') {
    await startWorker(config, { clock });
  } else if (role === 'api') {
    // As createApi does, with the clock.
    const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, clock), {
      bufferLogs: true,
    });
    configureApi(app);
    await app.listen(config.port, '127.0.0.1');
  } else {
    throw new Error(`api or worker, not ${role}`);
  }
}

main(process.argv[2]).catch(exitWithStartupFailure);
