import { AUTH_ENTITIES, AUTH_MIGRATIONS } from '../../../libs/auth/src/index.js';
import { CHASING_MIGRATIONS } from '../../../libs/chasing/src/index.js';
import { DatabaseSchema } from '../../../libs/database/src/index.js';
import { EVENT_STORE_MIGRATIONS } from '../../../libs/event-store/src/index.js';
import { HTTP_MIGRATIONS } from '../../../libs/http/src/index.js';
import { MAIL_MIGRATIONS } from '../../../libs/mail/src/index.js';
import { REPORTING_ENTITIES, REPORTING_MIGRATIONS } from '../../../libs/reporting/src/index.js';
import { RETURNS_MIGRATIONS } from '../../../libs/returns/src/index.js';

/** The JavaScript timestamp TypeORM reads at the end of a migration's class name. */
export const timestampOf = (migration: { name: string }): number => Number(migration.name.slice(-13));

/**
 * Every migration of the product, in one list ordered by timestamp (TypeORM's order): each lib owns its own
 * migrations and exports them from its index; this is the one place they are put together.
 */
export const MIGRATIONS = [
  ...EVENT_STORE_MIGRATIONS,
  ...MAIL_MIGRATIONS,
  ...HTTP_MIGRATIONS,
  ...RETURNS_MIGRATIONS,
  ...AUTH_MIGRATIONS,
  ...CHASING_MIGRATIONS,
  ...REPORTING_MIGRATIONS,
].sort((a, b) => timestampOf(a) - timestampOf(b));

/**
 * The TypeORM entities of the product: the small tables read and written row by row (staff, tokens, sessions,
 * publications). The read models and the event store are raw SQL in batches and have none.
 */
export const ENTITIES = [...AUTH_ENTITIES, ...REPORTING_ENTITIES];

/** What the apps, scripts, benchmarks and tests migrate their database to. */
export const SCHEMA: DatabaseSchema = { migrations: MIGRATIONS, entities: ENTITIES };
