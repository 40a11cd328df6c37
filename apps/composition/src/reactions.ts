import { AUTH_REACTIONS } from '../../../libs/auth/src/index.js';
import { CHASING_REACTIONS } from '../../../libs/chasing/src/index.js';
import { Reaction } from '../../../libs/queues/src/index.js';
import { REPORTING_REACTIONS } from '../../../libs/reporting/src/index.js';

/** Which jobs an event causes, for every lib that reacts to events: the list the outbox relay runs. */
export const REACTIONS: readonly Reaction[] = [
  ...REPORTING_REACTIONS,
  ...AUTH_REACTIONS,
  ...CHASING_REACTIONS,
];
