import { EventStore1764000000000 } from './migrations/1764000000000-event-store.js';
import { ParkedEvents1765020000100 } from './migrations/1765020000100-parked-events.js';
import { EventFence1765094000100 } from './migrations/1765094000100-event-fence.js';
import { EventsAppendedNotify1765094000200 } from './migrations/1765094000200-events-appended-notify.js';
import { LogHashes1765092600100 } from './migrations/1765092600100-log-hashes.js';
import { PersonalData1765092400000 } from './migrations/1765092400000-personal-data.js';
import { EventsNotifiedAfterCommit1765220000000 } from './migrations/1765220000000-events-notified-after-commit.js';

/** The event-store lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const EVENT_STORE_MIGRATIONS = [
  EventStore1764000000000,
  ParkedEvents1765020000100,
  EventFence1765094000100,
  EventsAppendedNotify1765094000200,
  LogHashes1765092600100,
  PersonalData1765092400000,
  EventsNotifiedAfterCommit1765220000000,
];
