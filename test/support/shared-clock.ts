import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Clock } from '../../libs/kernel/src/index.js';

/**
 * The business clock of a test whose api and worker run in processes of their own: every process reads the same
 * file, and the test moves time for all of them at once by writing it (see setSharedClock). What FixedClock is to
 * an in-process product (test/chasing.e2e.ts), across processes.
 */
export class FileClock extends Clock {
  constructor(private readonly path: string) {
    super();
  }

  now(): Date {
    const at = new Date(readFileSync(this.path, 'utf8').trim());
    if (Number.isNaN(at.getTime())) throw new Error(`the shared clock ${this.path} holds no date`);
    return at;
  }
}

/** Moves every process's clock: written beside and renamed over, so no reader sees half a date. */
export function setSharedClock(path: string, to: Date): void {
  writeFileSync(`${path}.next`, to.toISOString());
  renameSync(`${path}.next`, path);
}
