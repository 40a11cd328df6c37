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
} from '../../../event-store/src/index.js';
import { returnStreamId } from '../return/return.events.js';
import { evolveReturn } from '../return/return.state.js';
import { BulkSelection } from './bulk-selection.query.js';
import { BulkDecisionResult, DecideInBulkCommand } from './decide-in-bulk.command.js';
import { BulkAppend, BulkPlan, BulkRefusal, changedMeanwhile, outcomeOf } from './decide-in-bulk.rules.js';

type Decided = BulkDecisionResult['decided'][number];

/**
 * Appends each return's own event at the version it was decided on, so no return is decided on a version
 * nobody saw. All-or-nothing appends them in one transaction: a return that moved on meanwhile undoes the lot.
 * Valid-only appends each alone: a return that moved on costs only itself.
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
    const plan = await this.selection.preview({ decision, mode, returns, reason, actor: envelope.actor });
    const metadata = metadataFor(envelope, reason?.trim() || null);
    const { decided, refused, held } =
      mode === 'all-or-nothing'
        ? await this.allOrNothing(plan, metadata)
        : await this.validOnly(plan, metadata);
    const order = new Map(returns.map((r, i) => [r.returnId, i]));
    refused.sort((x, y) => order.get(x.returnId)! - order.get(y.returnId)!);
    return { decision, mode, outcome: outcomeOf(decided.length, returns.length), decided, refused, held };
  }

  private async allOrNothing(plan: BulkPlan, metadata: EventMetadata) {
    const refused = [...plan.refused];
    if (plan.decide.length === 0) return { decided: [], refused, held: plan.held };
    try {
      const written = await this.store.appendMany(
        plan.decide.map(toAppend),
        metadata,
        this.options(),
        plan.decide.flatMap((a) => (a.thread ? [a.thread] : [])),
      );
      return {
        decided: plan.decide.map((a, i) => decidedAt(a, written[i].nextExpectedVersion)),
        refused,
        held: plan.held,
      };
    } catch (error) {
      const moved =
        error instanceof ConcurrencyError
          ? plan.decide.find(
              (a) => returnStreamId(a.returnId) === error.streamId || a.thread?.streamId === error.streamId,
            )
          : undefined;
      // Inside a request's own transaction the appends before the conflict would still commit: let it roll
      // back (409) rather than report a selection half decided.
      if (!moved || commandTransactionOn(this.dataSource)) throw error;
      const held = plan.decide
        .filter((a) => a !== moved)
        .map(({ returnId, measureRef }) => ({ returnId, measureRef }));
      return { decided: [] as Decided[], refused: [...refused, changedMeanwhile(moved)], held };
    }
  }

  private async validOnly(plan: BulkPlan, metadata: EventMetadata) {
    const decided: Decided[] = [];
    const refused: BulkRefusal[] = [...plan.refused];
    for (const a of plan.decide) {
      try {
        // A message on the thread since it was read may be a change request: the approval is then refused as
        // changed, to be looked at again, never appended past it.
        const written = a.thread
          ? await this.store.appendWhileUnchanged(toAppend(a), [a.thread], metadata, this.options())
          : await this.store.append(
              returnStreamId(a.returnId),
              a.expectedVersion,
              a.events,
              metadata,
              this.options(),
            );
        decided.push(decidedAt(a, written.nextExpectedVersion));
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        refused.push(changedMeanwhile(a));
      }
    }
    return { decided, refused, held: plan.held };
  }

  private options() {
    return { recordedAt: this.clock.now() };
  }
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
