/**
 * The worker as a process of its own, as apps/worker/src/main.ts starts it, but on a business clock fixed at
 * BENCH_CLOCK_AT (an ISO instant): the chase benchmark's extra workers must agree with its in-process one that it
 * is the first overdue chase day inside the send window, whatever the wall clock says. The configuration comes
 * from the environment like the real worker's; BENCH_RELAY_POLL_MS sets the relay's poll as startWorker's option.
 */
import { startWorker } from '../../apps/worker/src/main.js';
import { exitOnSignalWithin, exitWithStartupFailure, loadConfig } from '../../libs/config/src/index.js';
import { FixedClock } from '../../libs/kernel/src/index.js';

async function main(): Promise<void> {
  const config = loadConfig();
  exitOnSignalWithin(config.shutdownTimeoutMs);
  const at = new Date(process.env.BENCH_CLOCK_AT ?? '');
  if (Number.isNaN(at.getTime())) throw new Error('BENCH_CLOCK_AT must be an ISO instant');
  const relayPollIntervalMs = Number(process.env.BENCH_RELAY_POLL_MS) || undefined;
  await startWorker(config, { clock: new FixedClock(at), relayPollIntervalMs });
}

main().catch(exitWithStartupFailure);
