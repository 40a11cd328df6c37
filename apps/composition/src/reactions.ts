import { AUTH_REACTIONS } from '../../../libs/auth/src/index.js';
import { CHASING_REACTIONS } from '../../../libs/chasing/src/index.js';
import { Reaction } from '../../../libs/queues/src/index.js';

/**
 * Which jobs an event causes, for every lib that reacts to events: the list the outbox relay runs. The report's
 * tables are not among them: their processor reads the log itself (ReportingProjection).
 */
export const REACTIONS: readonly Reaction[] = [...AUTH_REACTIONS, ...CHASING_REACTIONS];
