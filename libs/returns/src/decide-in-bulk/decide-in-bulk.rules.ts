import { Actor, DomainError, requireReason, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { conversationStreamId } from '../conversation/conversation.events.js';
import { CycleState } from '../cycle/cycle.state.js';
import { refuseOnClosedCycle } from '../return/closed-cycle.rule.js';
import { decideReturn, ReturnCommand } from '../return/return.decide.js';
import { ReturnEvent } from '../return/return.events.js';
import { LiveReturnState } from '../return/return.state.js';

/**
 * Each bulk decision is the single-return command it stands for, so a bulk one can never allow what a single
 * one refuses. A further decision (a second stage's `accept`, say) is one more entry here.
 */
export const BULK_DECISIONS = {
  approve: {
    needsReason: false,
    // An approval waits for the return's open change requests, in bulk as alone; it also watches the thread.
    watchesThread: true,
    command: (actor: Actor, _reason = '', thread: ThreadFacts = NO_THREAD): ReturnCommand => ({
      type: 'ApproveReturn',
      actor,
      openChangeRequests: thread.openChangeRequests,
    }),
  },
  // The second stage of a two-stage cycle: a coordinator or board member signs the returns off for the report.
  accept: {
    needsReason: false,
    watchesThread: false,
    command: (actor: Actor): ReturnCommand => ({ type: 'AcceptReturn', actor }),
  },
  'send-back': {
    needsReason: true,
    watchesThread: false,
    command: (actor: Actor, reason: string): ReturnCommand => ({ type: 'SendReturnBack', actor, reason }),
  },
} satisfies Record<
  string,
  {
    needsReason: boolean;
    watchesThread: boolean;
    command: (actor: Actor, reason: string, thread: ThreadFacts) => ReturnCommand;
  }
>;

/** What a decision reads of a return's conversation: its open change requests, at the thread's version. */
export interface ThreadFacts {
  openChangeRequests: readonly string[];
  version: number;
}
const NO_THREAD: ThreadFacts = { openChangeRequests: [], version: 0 };

export type BulkDecision = keyof typeof BULK_DECISIONS;
export const BULK_DECISION_NAMES = Object.keys(BULK_DECISIONS) as BulkDecision[];

/** `all-or-nothing`: if any return cannot be decided, none is. `valid-only`: those that can be are. */
export const BULK_MODES = ['all-or-nothing', 'valid-only'] as const;
export type BulkMode = (typeof BULK_MODES)[number];

/** The most returns one request decides: a whole cycle of the largest plan seen, with room to spare. */
export const BULK_LIMIT = 200;

export interface BulkDecideCommand {
  decision: BulkDecision;
  reason?: string;
  mode: BulkMode;
  actor: Actor;
  /** Each return as the caller saw it: its id and the version they decided on. */
  returns: readonly { returnId: string; version: number }[];
}

/** A return as stored, with its cycle's status; null when there is no such return. */
export type Loaded = {
  state: LiveReturnState;
  version: number;
  cycleStatus: CycleState['status'];
  /** The cycle's version that status was read at: the append confirms the cycle still stands there. */
  cycleVersion: number;
  /** The return's conversation; none read as no messages. */
  thread?: ThreadFacts;
} | null;

export interface BulkRefusal {
  returnId: string;
  /** Null when the return is not found: nothing of it is told. */
  measureRef: string | null;
  rule: string;
  message: string;
}

export interface BulkAppend {
  returnId: string;
  measureRef: string;
  expectedVersion: number;
  events: ReturnEvent[];
  state: LiveReturnState;
  /** The thread the decision read, which must still stand at its version when it is appended; null: none. */
  thread: { streamId: string; version: number } | null;
  /** The version of the return's cycle the decision read (see Loaded): a close since refuses it when appended. */
  cycleVersion: number;
}

export type BulkOutcome = 'all-decided' | 'some-decided' | 'none-decided';

/** What the rules say of a selection: what to append, what is refused and why, and what waits on the mode. */
export interface BulkPlan {
  outcome: BulkOutcome;
  decide: BulkAppend[];
  refused: BulkRefusal[];
  /** Returns that could have been decided but were not, because the mode was all-or-nothing. */
  held: { returnId: string; measureRef: string }[];
}

/**
 * The rules of a bulk decision. Faults of the request itself (a send-back without reason, a return named
 * twice) refuse the whole request, naming the field; each return is then decided as a single decision would
 * be, and the mode says what happens when some cannot be.
 */
export function decideInBulk(command: BulkDecideCommand, loaded: ReadonlyMap<string, Loaded>): BulkPlan {
  const { decision, actor, mode } = command;
  const rule = BULK_DECISIONS[decision];
  let reason = '';
  if (rule.needsReason) reason = requireReason(command.reason, 'send returns back');
  else if (command.reason !== undefined) {
    throw new DomainError(
      'reason-not-taken',
      `A reason is only given to send returns back, not to ${decision} them`,
      'unprocessable',
      'reason',
    );
  }
  if (command.returns.length === 0) {
    throw new DomainError('no-returns', 'Choose at least one return', 'unprocessable', 'returns');
  }
  const seen = new Set<string>();
  command.returns.forEach(({ returnId }, i) => {
    if (seen.has(returnId)) {
      throw new DomainError(
        'return-twice',
        `${returnId} is in the selection twice`,
        'unprocessable',
        `returns[${i}].returnId`,
      );
    }
    seen.add(returnId);
  });

  const valid: BulkAppend[] = [];
  const refused: BulkRefusal[] = [];
  for (const { returnId, version } of command.returns) {
    const one = decideOne(decision, actor, reason, returnId, version, loaded.get(returnId) ?? null);
    if ('rule' in one) refused.push(one);
    else valid.push(one);
  }
  const held = refused.length > 0 && mode === 'all-or-nothing' ? valid : [];
  const decide = held.length > 0 ? [] : valid;
  return {
    outcome: outcomeOf(decide.length, command.returns.length),
    decide,
    refused,
    held: held.map(({ returnId, measureRef }) => ({ returnId, measureRef })),
  };
}

/** The outcome once the appends are made: any of them may still have found its return moved on. */
export function outcomeOf(decided: number, asked: number): BulkOutcome {
  if (decided === 0) return 'none-decided';
  return decided === asked ? 'all-decided' : 'some-decided';
}

/** A return that moved on between reading and appending: refused as stale, like one the caller saw too early. */
export function changedMeanwhile(append: BulkAppend): BulkRefusal {
  return {
    returnId: append.returnId,
    measureRef: append.measureRef,
    rule: 'return-changed',
    message: 'It changed while this was being decided: look at it again',
  };
}

function decideOne(
  decision: BulkDecision,
  actor: Actor,
  reason: string,
  returnId: string,
  seenVersion: number,
  loaded: Loaded,
): BulkAppend | BulkRefusal {
  const refuse = (error: unknown, measureRef: string | null): BulkRefusal => {
    if (!(error instanceof DomainError)) throw error;
    return { returnId, measureRef, rule: error.code, message: error.message };
  };
  if (loaded === null) return refuse(notFound(), null);
  const { state, version, cycleStatus, cycleVersion } = loaded;
  const rule = BULK_DECISIONS[decision];
  const thread = loaded.thread ?? NO_THREAD;
  const command: (actor: Actor, reason: string, thread: ThreadFacts) => ReturnCommand = rule.command;
  const single = command(actor, reason, thread);
  try {
    samePartnershipOr404(single.actor, state.partnershipId, 'return', state.cycleId);
  } catch (error) {
    return refuse(error, null);
  }
  if (seenVersion !== version) {
    return {
      returnId,
      measureRef: state.measureRef,
      rule: 'return-changed',
      message: `It changed since you saw it (you saw version ${seenVersion}; it is now at ${version}): look at it again`,
    };
  }
  try {
    const events = decideReturn(single, state);
    refuseOnClosedCycle(single.type, cycleStatus, state);
    return {
      returnId,
      measureRef: state.measureRef,
      expectedVersion: version,
      events,
      state,
      thread: rule.watchesThread
        ? { streamId: conversationStreamId(returnId), version: thread.version }
        : null,
      cycleVersion,
    };
  } catch (error) {
    // An agency lead's "not found" for another agency's return must not carry the measure ref either.
    return refuse(
      error,
      error instanceof DomainError && error.kind === 'not-found' ? null : state.measureRef,
    );
  }
}

function notFound(): DomainError {
  return new DomainError('return-not-found', 'No such return', 'not-found');
}
