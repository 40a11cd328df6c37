import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import {
  ReturnEvent,
  returnStreamId,
  evolveReturn,
  initialReturn,
  ReturnState,
} from '../../../returns/src/index.js';
import { KnownCycle } from '../cycle-report/report-heading.js';
import { StatusInput, StatusReturn } from './cycle-status.js';

/**
 * The status view's input as it stood at asAt (or now), from the events: the cycle's return streams, and the
 * chase streams of its agencies for the reminders actually sent.
 */
export async function statusInputFromEvents(
  store: EventStore,
  plans: PlanRepository,
  cycle: KnownCycle,
  now: Date,
  asAt: Date | null,
): Promise<StatusInput> {
  const at = asAt ?? undefined;
  const [plan, partnership] = await Promise.all([
    plans.plan(cycle.partnershipId, cycle.planId, at),
    plans.partnership(cycle.partnershipId, at),
  ]);
  const requested = cycle.status === 'drafted' ? [] : cycle.returns;
  const streams = await store.readStreams<ReturnEvent>(
    requested.map((r) => returnStreamId(r.returnId)),
    { asAt: at },
  );
  const folded = requested.flatMap((r) => {
    const one = foldForStatus(streams.get(returnStreamId(r.returnId)) ?? []);
    return one ? [one] : [];
  });
  const agencies = [...new Set(folded.map((r) => r.agencyId).concat(requested.map((r) => r.agencyId)))];
  const chases = await store.readStreams(
    agencies.map((a) => `chase:${cycle.cycleId}:${a}`),
    { asAt: at },
  );
  const sent = chasesSentByReturn([...chases.values()].flat());
  return {
    cycle: { cycleId: cycle.cycleId, label: cycle.label, status: cycle.status, dueDate: cycle.dueDate },
    today: (asAt ?? now).toISOString().slice(0, 10),
    asAt,
    agencyNames: new Map(
      partnership.status === 'registered'
        ? [...partnership.agencies.values()].map((a) => [a.id, a.name])
        : [],
    ),
    themes: plan.status === 'adopted' ? [...plan.themes.values()] : [],
    measureTexts: new Map(
      plan.status === 'adopted' ? [...plan.measures.values()].map((m) => [m.ref, m.text]) : [],
    ),
    returns: folded.map((r) => ({ ...r, chasesSent: sent.get(r.returnId) ?? 0 })),
  };
}

function foldForStatus(events: StoredEvent<ReturnEvent>[]): Omit<StatusReturn, 'chasesSent'> | null {
  let state: ReturnState = initialReturn();
  let firstSubmittedAt: Date | null = null;
  for (const event of events) {
    state = evolveReturn(state, { type: event.type, data: event.data } as ReturnEvent);
    if (event.type === 'ReturnSubmitted' && firstSubmittedAt === null) firstSubmittedAt = event.recordedAt;
  }
  if (state.status === 'none') return null;
  return {
    returnId: state.returnId,
    measureRef: state.measureRef,
    themeId: state.themeId,
    agencyId: state.agencyId,
    status: state.status,
    dueDate: state.dueDate,
    originalDueDate: state.originalDueDate,
    firstSubmittedAt,
    everApproved: state.approved !== null,
  };
}

/**
 * How many chases actually reached each return's agency: a chase step (AgencyChased, listing the returns it
 * was about) counts once at least one of its mails was sent (ReminderSent with the step as its key). A
 * ReminderSent that names its returns itself counts for them directly.
 */
export function chasesSentByReturn(events: StoredEvent[]): Map<string, number> {
  const steps = new Map<string, string[]>();
  const sentSteps = new Set<string>();
  const counts = new Map<string, number>();
  const add = (returnIds: string[]) => {
    for (const id of returnIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  for (const event of events) {
    const data = (event.data ?? {}) as { step?: string; key?: string; returnIds?: string[] };
    if (event.type === 'AgencyChased' && data.step) {
      steps.set(`${event.streamId}|${data.step}`, data.returnIds ?? []);
    }
    if (event.type === 'ReminderSent') {
      if (Array.isArray(data.returnIds)) add(data.returnIds);
      else if (data.key) sentSteps.add(`${event.streamId}|${data.key}`);
    }
  }
  for (const step of sentSteps) add(steps.get(step) ?? []);
  return counts;
}
