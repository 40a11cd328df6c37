import { IdempotencyKeys1764000000600 } from './idempotency/migrations/1764000000600-idempotency-keys.js';

/** The http lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const HTTP_MIGRATIONS = [IdempotencyKeys1764000000600];
