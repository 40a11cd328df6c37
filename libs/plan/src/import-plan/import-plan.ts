import { aggregateStream, EventMetadata, EventStore, StreamAppend } from '../../../event-store/src/index.js';
import { PlanFile } from '../plan-file.js';
import { PartnershipEvent, partnershipStreamId, PlanEvent, planStreamId } from '../plan.events.js';
import { evolveOwnedPlan, evolvePartnership, initialPartnership, initialPlan } from '../plan.state.js';
import { decideImportPlan } from './import-plan.decide.js';

export interface ImportPlanResult {
  partnershipId: string;
  planId: string;
  changes: { type: string; count: number }[];
  eventCount: number;
}

/** What importing the file would record, and where: loads both streams and runs the pure decision. */
async function decide(
  store: EventStore,
  file: PlanFile,
): Promise<{ appends: StreamAppend[]; result: ImportPlanResult }> {
  const partnershipStream = partnershipStreamId(file.partnership.id);
  const planStream = planStreamId(file.partnership.id, file.plan.id);
  const partnership = await aggregateStream<ReturnType<typeof initialPartnership>, PartnershipEvent>(
    store,
    partnershipStream,
    evolvePartnership,
    initialPartnership,
  );
  const plan = await aggregateStream<ReturnType<typeof initialPlan>, PlanEvent>(
    store,
    planStream,
    evolveOwnedPlan,
    initialPlan,
  );
  const decision = decideImportPlan(file, partnership.state, plan.state);
  const appends: StreamAppend[] = [];
  if (decision.partnershipEvents.length > 0) {
    appends.push({
      streamId: partnershipStream,
      expectedVersion: partnership.expectedVersion,
      events: decision.partnershipEvents,
    });
  }
  if (decision.planEvents.length > 0) {
    appends.push({
      streamId: planStream,
      expectedVersion: plan.expectedVersion,
      events: decision.planEvents,
    });
  }
  const events = [...decision.partnershipEvents, ...decision.planEvents];
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return {
    appends,
    result: {
      partnershipId: file.partnership.id,
      planId: file.plan.id,
      changes: [...counts].map(([type, count]) => ({ type, count })),
      eventCount: events.length,
    },
  };
}

/** Records what the file changes, in one transaction (a concurrent import gets a ConcurrencyError). */
export async function importPlan(
  store: EventStore,
  file: PlanFile,
  metadata: EventMetadata,
): Promise<ImportPlanResult> {
  const { appends, result } = await decide(store, file);
  if (appends.length > 0) await store.appendMany(appends, metadata);
  return result;
}

/** What importing the file would change, recording nothing. */
export async function previewPlanImport(store: EventStore, file: PlanFile): Promise<ImportPlanResult> {
  return (await decide(store, file)).result;
}
