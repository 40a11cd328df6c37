import { EventStore1764000000000 } from './migrations/1764000000000-event-store.js';
import { ParkedEvents1765020000100 } from './migrations/1765020000100-parked-events.js';
import { PersonalData1765092400000 } from './migrations/1765092400000-personal-data.js';

/** The event-store lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const EVENT_STORE_MIGRATIONS = [
  EventStore1764000000000,
  ParkedEvents1765020000100,
  PersonalData1765092400000,
];
