import { DataSourceOptions } from 'typeorm';
import { EventStore1764000000000 } from '../../event-store/src/index.js';
import { ReportReturns1764000000100 } from '../../reporting/src/migrations/1764000000100-report-returns.js';
import { DevMail1764000000200 } from '../../mail/src/migrations/1764000000200-dev-mail.js';
import { ReportReturn } from '../../reporting/src/report-return.entity.js';
import { ReportingTables1764000000650 } from '../../reporting/src/migrations/1764000000650-reporting-tables.js';
import { IdempotencyKeys1764000000600 } from '../../http/src/idempotency/migrations/1764000000600-idempotency-keys.js';
import { EventsByPartnership1764000000500 } from '../../returns/src/migrations/1764000000500-events-by-partnership.js';
import { Auth1764000000300 } from '../../auth/src/migrations/1764000000300-auth.js';
import { Chasing1764000000700 } from '../../chasing/src/migrations/1764000000700-chasing.js';
import { MailLedger1765030000100 } from '../../mail/src/migrations/1765030000100-mail-ledger.js';
import { ReportReturnsUnreadable1765060000300 } from '../../reporting/src/migrations/1765060000300-report-returns-unreadable.js';
import { AttemptThrottles1765040000100 } from '../../auth/src/migrations/1765040000100-attempt-throttles.js';
import { ParkedEvents1765020000100 } from '../../event-store/src/migrations/1765020000100-parked-events.js';
import { StaffEmailPerPartnership1765050000100 } from '../../auth/src/migrations/1765050000100-staff-email-per-partnership.js';

/** Every migration of the product, in order. Read-model libraries add theirs here. */
export const MIGRATIONS = [
  EventStore1764000000000,
  ReportReturns1764000000100,
  DevMail1764000000200,
  Auth1764000000300,
  EventsByPartnership1764000000500,
  IdempotencyKeys1764000000600,
  ReportingTables1764000000650,
  Chasing1764000000700,
  ParkedEvents1765020000100,
  MailLedger1765030000100,
  AttemptThrottles1765040000100,
  StaffEmailPerPartnership1765050000100,
  ReportReturnsUnreadable1765060000300,
];

export const ENTITIES = [ReportReturn];

export function dataSourceOptions(
  databaseUrl: string,
  extra: Partial<DataSourceOptions> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    entities: ENTITIES,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: 20, application_name: 'partner-returns' },
    ...extra,
  } as DataSourceOptions;
}
