import { Chasing1764000000700 } from './migrations/1764000000700-chasing.js';

/** The chasing lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const CHASING_MIGRATIONS = [Chasing1764000000700];
