import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { PartnershipEvent, PlanEvent } from '../../../plan/src/index.js';
import { CycleEvent, evidenceStreamId, ReturnEvent, returnStreamId } from '../../../returns/src/index.js';
import { reportedEvidence } from '../project-evidence/reported-evidence.js';
import { writeReportedEvidence } from '../project-evidence/write-reported-evidence.js';
import { reportedCycle } from '../project-cycle/reported-cycle.js';
import { writeReportedCycles } from '../project-cycle/write-reported-cycles.js';
import { reportedReturn } from '../project-return/reported-return.js';
import { writeReportedReturns } from '../project-return/write-reported-returns.js';
import { reportingTargetOf } from '../reporting-target.js';
import { reportedAgencies } from '../project-plan/reported-agencies.js';
import { reportedPlan } from '../project-plan/reported-plan.js';
import { writeReportedAgencies, writeReportedPlans } from '../project-plan/write-reported-plans.js';
import { ProjectedStreams } from './projected-streams.js';
import { wholeStreamsIn } from './whole-streams.js';

/**
 * Projects every stream a batch of events calls for, as one job per event would: each stream's rows are folded
 * from its whole stream, so one fold per stream gives the same rows however many of its events the batch holds.
 * The streams the batch holds whole are folded from its own events, the others are read in one query, and the
 * rows are written in one statement per table. With `projected` (a replay), streams whose events the replay has
 * already read are skipped (see ProjectedStreams).
 */
export async function projectReportingBatch(
  store: EventStore,
  manager: EntityManager,
  events: readonly StoredEvent[],
  projected?: ProjectedStreams,
): Promise<void> {
  // A return is projected from its own stream and its files' (evidence) stream, whichever of them moved.
  const returnIds = new Set<string>();
  const cycleStreams = new Set<string>();
  const planStreams = new Set<string>();
  const partnershipStreams = new Set<string>();
  for (const event of events) {
    const target = reportingTargetOf(event);
    if (!target || projected?.covers(event.streamId, event.version)) continue;
    if (target.kind === 'return') returnIds.add(target.id);
    else if (target.kind === 'cycle') cycleStreams.add(event.streamId);
    else if (target.kind === 'plan') planStreams.add(event.streamId);
    else partnershipStreams.add(event.streamId);
  }
  const returnStreams = new Set([...returnIds].map(returnStreamId));
  const evidenceStreams = new Set([...returnIds].map(evidenceStreamId));
  if (returnStreams.size + cycleStreams.size + planStreams.size + partnershipStreams.size === 0) return;
  // In a replay the streams are read on a connection of their own, so the reads overlap the other read models'
  // writes in the rebuild's transaction; they see the same events, all committed, as the transaction would.
  const sql = projected ? undefined : manager;
  const wanted = [
    ...returnStreams,
    ...evidenceStreams,
    ...cycleStreams,
    ...planStreams,
    ...partnershipStreams,
  ];
  const streams = wholeStreamsIn(events, await store.streamVersions(wanted, sql));
  const toRead = wanted.filter((id) => !streams.has(id));
  if (toRead.length > 0)
    for (const [id, stream] of await store.readStreams(toRead, {}, sql)) streams.set(id, stream);
  for (const [streamId, stream] of streams)
    projected?.record(streamId, stream[stream.length - 1]?.version ?? 0);
  const returns = [...returnStreams].flatMap((id) => {
    const reported = reportedReturn((streams.get(id) ?? []) as StoredEvent<ReturnEvent>[]);
    return reported ? [reported] : [];
  });
  const cycles = [...cycleStreams].flatMap((id) => {
    const row = reportedCycle(streams.get(id) as StoredEvent<CycleEvent>[]);
    return row ? [row] : [];
  });
  const files = [...returnIds].flatMap((id) =>
    reportedEvidence(
      (streams.get(returnStreamId(id)) ?? []) as StoredEvent<ReturnEvent>[],
      streams.get(evidenceStreamId(id)) ?? [],
    ),
  );
  await writeReportedReturns(manager, returns);
  await writeReportedEvidence(manager, [...returnIds], files);
  const plans = [...planStreams].flatMap((id) => {
    const plan = reportedPlan((streams.get(id) ?? []) as StoredEvent<PlanEvent>[]);
    return plan ? [plan] : [];
  });
  const agencies = [...partnershipStreams].flatMap((id) => {
    const partnership = reportedAgencies((streams.get(id) ?? []) as StoredEvent<PartnershipEvent>[]);
    return partnership ? [partnership] : [];
  });
  await writeReportedCycles(manager, cycles);
  await writeReportedPlans(manager, plans);
  await writeReportedAgencies(manager, agencies);
}
