import { EntityManager } from 'typeorm';
import { StoredEvent } from '../../../event-store/src/index.js';
import { ReturnStatusChange, returnStatusChangeOf } from './return-status-changes.js';
import { ChangeWriter, RETURN_STATUS_WRITERS } from './return-status-writers.js';

/** Name of the checkpointed processor that keeps the return-status read model. */
export const RETURN_STATUS_PROCESSOR = 'return-status';

/** The tables this projection owns: dropping them and its checkpoint rebuilds them from the events. */
export const RETURN_STATUS_TABLES = ['chase_cycles', 'return_status', 'chase_steps', 'chase_mails'];

/**
 * Applies one batch to the read model, inside the processor's transaction (the checkpoint moves with it). Every
 * write is an upsert or an update keyed by the event's subject, so applying a replayed event changes nothing.
 *
 * The events' changes are written in order, but each run of consecutive changes of one kind goes as one statement
 * per table (a batch of a cycle's 250 approvals is one UPDATE, not 250): changes to the same row within a run are
 * combined first, so the rows end as they would have one event at a time.
 */
export async function projectReturnStatus(events: StoredEvent[], m: EntityManager): Promise<void> {
  let run: Map<string, ReturnStatusChange> = new Map();
  let runKind: ReturnStatusChange['kind'] | null = null;
  for (const event of events) {
    const change = returnStatusChangeOf(event);
    if (!change) continue;
    if (change.kind !== runKind) {
      if (runKind) await writeRun(m, runKind, run);
      run = new Map();
      runKind = change.kind;
    }
    const writer = writerOf(change.kind);
    const row = writer.row(change);
    const earlier = run.get(row);
    run.set(row, earlier ? writer.combine(earlier, change) : change);
  }
  if (runKind) await writeRun(m, runKind, run);
}

function writerOf(kind: ReturnStatusChange['kind']): ChangeWriter<ReturnStatusChange> {
  return RETURN_STATUS_WRITERS[kind] as ChangeWriter<ReturnStatusChange>;
}

function writeRun(
  m: EntityManager,
  kind: ReturnStatusChange['kind'],
  run: Map<string, ReturnStatusChange>,
): Promise<unknown> {
  return writerOf(kind).write(m, [...run.values()]);
}
