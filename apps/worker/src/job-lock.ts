import { AppConfig } from '../../../libs/config/src/index.js';

/**
 * A queue's job lock (`JOB_LOCK_MS`) and the stalled check that finds a lock run out, every half of it: how long a
 * job held by a worker that died waits before another worker takes it up. Mail and chasing jobs share it.
 */
export function jobLock(config: AppConfig): { lockDuration: number; stalledInterval: number } {
  return {
    lockDuration: config.mail.jobLockMs,
    stalledInterval: Math.max(250, Math.floor(config.mail.jobLockMs / 2)),
  };
}
