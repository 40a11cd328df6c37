/**
 * The worker started and closed twice in a process of its own (run with `node -r register-ts.js`), then left to
 * exit by itself, as an operator's process is: it writes to the file named by CLOSED_REPORT_FILE how many
 * milliseconds it ran on after the second close.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startWorker } from '../../apps/worker/src/main.js';
import { loadConfig } from '../../libs/config/src/index.js';
import { eventually } from './eventually.js';

async function main(): Promise<void> {
  const file = process.env.CLOSED_REPORT_FILE;
  if (!file) throw new Error('CLOSED_REPORT_FILE names no file');
  const worker = await startWorker(loadConfig());
  await worker.close();
  // Closed again once its connections are down, as a test's teardown closes a worker the test closed long before.
  await eventually(async () => !process.getActiveResourcesInfo().includes('TCPSocketWrap'), 10_000);
  await worker.close();
  const closedAt = performance.now();
  process.once('exit', () => writeFileSync(file, String(Math.round(performance.now() - closedAt))));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
