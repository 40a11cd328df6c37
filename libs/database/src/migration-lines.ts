import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'typeorm';

/**
 * TypeORM's logger for the migrations' DataSource: what TypeORM says of a migration that failed (`Migration "…"
 * failed, error: …`) is held until the try's outcome is known. A try given up on a lock wait is said once, in our
 * warning naming the transaction it waited behind, and tried again: TypeORM's own line, printed before it as if the
 * release had failed, is dropped (an operator read each retry as a failed upgrade). A real failure says it, with
 * the error it is thrown with. Nothing else is said, as with `logging: false`.
 */
export class MigrationLines implements Logger {
  private readonly logger = new NestLogger('Migrations');
  private held: string[] = [];

  logMigration(message: string): void {
    this.held.push(message);
  }

  /** The try was given up on a lock wait and is tried again: our warning says so, not TypeORM's "failed". */
  dropHeld(): void {
    this.held = [];
  }

  /** The try failed for real: TypeORM's lines are said. */
  sayHeld(): void {
    for (const message of this.held.splice(0)) this.logger.error(message);
  }

  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  log(): void {}
}
