import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { afterCommandCommits } from '../../../event-store/src/index.js';

/**
 * Work an answer must not wait for, because how long it takes would tell the asker something (whether an email
 * address is known): started once the request's own transaction, if any, has committed, and kept until it ends,
 * so that a stopping api lets it finish before the database and the mail ledger close. A failure is logged,
 * never thrown at the one who asked: the answer has gone.
 */
export class AfterTheAnswer {
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts `work` once the transaction has committed and `answered` says the answer has gone (by default at once):
   * started while the page was still being written, its reads and writes slowed the answer they were to stay out of.
   */
  start(
    failed: string,
    work: () => Promise<unknown>,
    answered: (go: () => void) => void = (go) => go(),
  ): void {
    afterCommandCommits(this.dataSource, () =>
      answered(() => {
        const kept: Promise<unknown> = work()
          .catch((error: Error) => this.logger.warn(`${failed}: ${error.message}`))
          .finally(() => this.running.delete(kept));
        this.running.add(kept);
      }),
    );
  }

  /** Everything started has ended. */
  async finished(): Promise<void> {
    await Promise.all(this.running);
  }
}
