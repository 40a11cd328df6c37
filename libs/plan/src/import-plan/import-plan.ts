import { aggregateStream, EventMetadata, EventStore, StreamAppend } from '../../../event-store/src/index.js';
import { PlanFile } from '../plan-file.js';
import { PartnershipEvent, partnershipStreamId, PlanEvent, planStreamId } from '../plan.events.js';
import { evolvePartnership, evolvePlan, initialPartnership, initialPlan } from '../plan.state.js';
import { decideImportPlan } from './import-plan.decide.js';

export interface ImportPlanResult {
  partnershipId: string;
  planId: string;
  changes: { type: string; count: number }[];
  eventCount: number;
}

/** Loads the partnership and plan streams, decides what the file changes and appends it in one transaction. */
export async function importPlan(
  store: EventStore,
  file: PlanFile,
  metadata: EventMetadata,
): Promise<ImportPlanResult> {
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
    evolvePlan,
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
  if (appends.length > 0) await store.appendMany(appends, metadata);
  const counts = new Map<string, number>();
  for (const e of [...decision.partnershipEvents, ...decision.planEvents])
    counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return {
    partnershipId: file.partnership.id,
    planId: file.plan.id,
    changes: [...counts].map(([type, count]) => ({ type, count })),
    eventCount: decision.partnershipEvents.length + decision.planEvents.length,
  };
}
