import { Actor, DomainError } from '../../../kernel/src/index.js';
import { CycleEvent } from '../cycle/cycle.events.js';
import { CycleState } from '../cycle/cycle.state.js';
import { checkedPassage } from '../redact-passage/checked-passage.js';
import { CYCLE_REASON_EVENT_TYPES } from '../return-texts/cycle-reason-texts-hook.js';

export interface RedactCycleReason {
  type: 'RedactCycleReason';
  actor: Actor;
  passage: string;
  reason: string;
  /** Every reason given on the cycle as it reads now (see reasonsGivenOn), for the passage to be found in. */
  reasons: readonly string[];
}

/** The reasons given on a cycle, as read: a forced close's, each revoked link's (an unforced close has none). */
export function reasonsGivenOn(events: readonly { type: string; data: unknown }[]): string[] {
  return events.flatMap((e) => {
    const reason = CYCLE_REASON_EVENT_TYPES.has(e.type) ? (e.data as { reason?: unknown }).reason : undefined;
    return typeof reason === 'string' ? [reason] : [];
  });
}

/**
 * A coordinator redacts a passage from the reasons given on a cycle, all of them at once (as "reasons" on a
 * return is every reason given on it): the event records why, by whom, and the passage's SHA-256 and length,
 * never the passage; the held texts are rewritten outside the log.
 */
export function decideRedactCycleReason(command: RedactCycleReason, state: CycleState): CycleEvent[] {
  if (command.actor.role !== 'coordinator') {
    throw new DomainError('forbidden', 'Only a coordinator can redact a passage', 'forbidden');
  }
  if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
  const { isIn, passageSha256, passageLength, reason } = checkedPassage(command.passage, command.reason);
  if (!command.reasons.some(isIn)) {
    throw new DomainError(
      'passage-not-found',
      'The passage does not occur in any reason given on the cycle: paste it exactly as it is written',
      'unprocessable',
      'passage',
    );
  }
  return [
    {
      type: 'CyclePassageRedacted',
      data: { field: 'reasons', passageSha256, passageLength, reason, by: command.actor.id },
    },
  ];
}
