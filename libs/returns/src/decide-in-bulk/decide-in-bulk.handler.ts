import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Clock } from '../../../kernel/src/index.js';
import {
  commandTransactionOn,
  ConcurrencyError,
  EventMetadata,
  EventStore,
  metadataFor,
  UnchangedStream,
} from '../../../event-store/src/index.js';
import { cycleAsRead } from '../cycle/cycle.repository.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { returnStreamId } from '../return/return.events.js';
import { evolveReturn } from '../return/return.state.js';
import { BulkSelection } from './bulk-selection.query.js';
import { BulkDecisionResult, DecideInBulkCommand } from './decide-in-bulk.command.js';
import {
  BulkAppend,
  BulkDecideCommand,
  BulkPlan,
  BulkRefusal,
  changedMeanwhile,
  outcomeOf,
} from './decide-in-bulk.rules.js';

/** How often a decision is made again when a return's thread moved as it was appended. */
const ATTEMPTS = 3;

type Decided = BulkDecisionResult['decided'][number];

/**
 * Appends each return's own event at the version it was decided on, so no return is decided on a version
 * nobody saw. All-or-nothing appends them in one transaction: a return that moved on meanwhile undoes the lot.
 * Valid-only appends each alone: a return that moved on costs only itself. A message posted on a return's thread
 * meanwhile is no version the reviewer stated: the decision is made again with it. So is a cycle closed
 * meanwhile: each append confirms the return's cycle still stands as read (as a single decision's does), and the
 * decision made again refuses what the close left unresolved, rather than approving it after the close.
 */
@CommandHandler(DecideInBulkCommand)
export class DecideInBulkHandler implements ICommandHandler<DecideInBulkCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(BulkSelection) private readonly selection: BulkSelection,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async execute(command: DecideInBulkCommand): Promise<BulkDecisionResult> {
    const { envelope, decision, mode, returns, reason } = command;
    const asked = { decision, mode, returns, reason, actor: envelope.actor };
    // A send-back's reason is in each ReturnSentBack's data, held apart so that it can be redacted (see
    // REASON_TEXTS_HOOK): a copy in the metadata would sit in every event row for good.
    const metadata = metadataFor(envelope, decision === 'send-back' ? null : reason?.trim() || null);
    const { decided, refused, held } =
      mode === 'all-or-nothing'
        ? await this.allOrNothing(asked, metadata)
        : await this.validOnly(asked, metadata);
    const order = new Map(returns.map((r, i) => [r.returnId, i]));
    refused.sort((x, y) => order.get(x.returnId)! - order.get(y.returnId)!);
    return { decision, mode, outcome: outcomeOf(decided.length, returns.length), decided, refused, held };
  }

  private async allOrNothing(asked: BulkDecideCommand, metadata: EventMetadata) {
    for (let attempt = 1; ; attempt++) {
      const plan = await this.selection.preview(asked);
      const done = await this.allOrNothingOnce(plan, metadata, attempt < ATTEMPTS);
      if (done) return done;
    }
  }

  /** The selection appended as planned; null when a thread moved meanwhile and it is to be decided again. */
  private async allOrNothingOnce(plan: BulkPlan, metadata: EventMetadata, mayTryAgain: boolean) {
    const refused = [...plan.refused];
    if (plan.decide.length === 0) return { decided: [], refused, held: plan.held };
    try {
      const written = await this.store.appendMany(plan.decide.map(toAppend), metadata, this.options(), [
        ...plan.decide.flatMap((a) => (a.thread ? [a.thread] : [])),
        ...cyclesOf(plan.decide),
      ]);
      return {
        decided: plan.decide.map((a, i) => decidedAt(a, written[i].nextExpectedVersion)),
        refused,
        held: plan.held,
      };
    } catch (error) {
      const moved =
        error instanceof ConcurrencyError
          ? plan.decide.find(
              (a) =>
                returnStreamId(a.returnId) === error.streamId ||
                a.thread?.streamId === error.streamId ||
                cycleStreamId(a.state.cycleId) === error.streamId,
            )
          : undefined;
      // Inside a request's own transaction the appends before the conflict would still commit: let it roll
      // back (409) rather than report a selection half decided.
      if (!moved || commandTransactionOn(this.dataSource)) throw error;
      // A message on a thread is no version the reviewer stated: decide the selection again with it (a change
      // request among them then refuses that return, as a single approval would); a cycle closed, the same.
      if (mayTryAgain && guardMoved(moved, error as ConcurrencyError)) return null;
      const held = plan.decide
        .filter((a) => a !== moved)
        .map(({ returnId, measureRef }) => ({ returnId, measureRef }));
      return { decided: [] as Decided[], refused: [...refused, changedMeanwhile(moved)], held };
    }
  }

  private async validOnly(asked: BulkDecideCommand, metadata: EventMetadata) {
    const plan = await this.selection.preview(asked);
    const decided: Decided[] = [];
    const refused: BulkRefusal[] = [...plan.refused];
    for (const planned of plan.decide) {
      let a: BulkAppend | null = planned;
      for (let attempt = 1; a; attempt++) {
        const outcome = await this.decideOne(a, metadata);
        if (outcome.decided) {
          decided.push(outcome.decided);
          break;
        }
        if (!guardMoved(a, outcome.error) || attempt >= ATTEMPTS) {
          refused.push(changedMeanwhile(a));
          break;
        }
        // Only its thread or its cycle moved (a message posted, the cycle closed, as it was decided): decide it
        // again, at the version the reviewer stated, with the thread and the cycle as they now stand.
        const again = await this.selection.preview({ ...asked, returns: stated(asked, a.returnId) });
        refused.push(...again.refused);
        a = again.decide[0] ?? null;
      }
    }
    return { decided, refused, held: plan.held };
  }

  /** One return's decision appended, or the conflict that refused it. */
  private async decideOne(
    a: BulkAppend,
    metadata: EventMetadata,
  ): Promise<{ decided: Decided; error?: undefined } | { decided?: undefined; error: ConcurrencyError }> {
    try {
      // A message on the thread since it was read may be a change request, and the cycle may have closed: the
      // decision is then never appended past either, but decided again with it (see validOnly).
      const written = await this.store.appendWhileUnchanged(
        toAppend(a),
        [...(a.thread ? [a.thread] : []), ...cyclesOf([a])],
        metadata,
        this.options(),
      );
      return { decided: decidedAt(a, written.nextExpectedVersion) };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      return { error };
    }
  }

  private options() {
    return { recordedAt: this.clock.now() };
  }
}

/** Whether it was the return's thread or its cycle, not the return the reviewer saw, that moved. */
function guardMoved(a: BulkAppend, error: ConcurrencyError): boolean {
  return (
    (a.thread !== null && error.streamId === a.thread.streamId) ||
    error.streamId === cycleStreamId(a.state.cycleId)
  );
}

/** Each cycle of the appends once, as its decisions read it: still standing when they are appended. */
function cyclesOf(appends: readonly BulkAppend[]): UnchangedStream[] {
  const cycles = new Map(appends.map((a) => [a.state.cycleId, a.cycleVersion]));
  return [...cycles].map(([cycleId, version]) => cycleAsRead(cycleId, version));
}

/** The one return of the selection, at the version the caller stated for it. */
function stated(asked: BulkDecideCommand, returnId: string) {
  return asked.returns.filter((r) => r.returnId === returnId);
}

function toAppend(a: BulkAppend) {
  return { streamId: returnStreamId(a.returnId), expectedVersion: a.expectedVersion, events: a.events };
}

function decidedAt(a: BulkAppend, version: number): Decided {
  return {
    id: a.returnId,
    measureRef: a.measureRef,
    version,
    status: a.events.reduce(evolveReturn, a.state).status,
  };
}
