import { EventStore, Sql, StoredEvent } from '../../../event-store/src/index.js';
import { withLineFeedsDeep } from '../../../kernel/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import {
  IndicatorValue,
  AppendixEvent,
  appendicesStreamId,
  AppendixState,
  foldAppendices,
  Rag,
  CycleEvent,
  cycleStreamId,
  CycleState,
  evolveCycle,
  initialCycle,
  evidenceStreamId,
  ReturnEvent,
  returnStreamId,
} from '../../../returns/src/index.js';
import { reportedEvidence } from '../project-evidence/reported-evidence.js';
import { foldWithLastApproval } from '../project-return/reported-return.js';
import { isRag, readableApproval, textOrEmpty } from './readable-content.js';
import { KnownCycle, reportHeading } from './report-heading.js';
import { PastCycle, ReportedEvidence, ReportedReturn, ReportInput } from './report-input.js';

/**
 * The report's input as it stood at an instant (or now, when asAt is null), folded from the events alone:
 * nothing recorded after asAt is read, so this is the report anyone would have seen then.
 */
export async function reportInputFromEvents(
  store: EventStore,
  plans: PlanRepository,
  sql: Sql,
  cycle: KnownCycle,
  asAt: Date | null,
): Promise<ReportInput> {
  const at = asAt ?? undefined;
  const heading = await reportHeading(plans, cycle, at);
  const returns = await returnsOf(store, cycle, at);
  const evidence = await evidenceOf(store, cycle, at);
  const pastCycles = await pastCyclesOf(store, sql, cycle, at);
  const appendices = await appendicesOf(store, cycle.cycleId, at);
  return { ...heading, returns, evidence, pastCycles, appendices, asAt };
}

/**
 * The cycle's own appendices as they stood at asAt: a short stream, read whole by both report sources. Their
 * texts with LF line endings: one typed in a browser before the rules made them so holds CRLF in the log.
 */
export async function appendicesOf(
  store: EventStore,
  cycleId: string,
  asAt?: Date,
): Promise<AppendixState[]> {
  const events = await store.readStream<AppendixEvent>(appendicesStreamId(cycleId), { asAt });
  return withLineFeedsDeep(
    foldAppendices(events.map((e) => ({ type: e.type, data: e.data }) as AppendixEvent)).appendices,
  );
}

async function returnsOf(store: EventStore, cycle: KnownCycle, asAt?: Date): Promise<ReportedReturn[]> {
  const requested = cycle.status === 'drafted' ? [] : cycle.returns;
  const streams = await store.readStreams<ReturnEvent>(
    requested.map((r) => returnStreamId(r.returnId)),
    { asAt },
  );
  return requested.flatMap((r) => {
    const folded = foldReturn(streams.get(returnStreamId(r.returnId)) ?? []);
    return folded ? [folded] : [];
  });
}

/** The files on the cycle's returns as they stood at asAt, folded as the projection folds them. */
async function evidenceOf(store: EventStore, cycle: KnownCycle, asAt?: Date): Promise<ReportedEvidence[]> {
  const requested = cycle.status === 'drafted' ? [] : cycle.returns;
  if (requested.length === 0) return [];
  const streams = await store.readStreams(
    requested.flatMap((r) => [returnStreamId(r.returnId), evidenceStreamId(r.returnId)]),
    { asAt },
  );
  return requested.flatMap((r) =>
    reportedEvidence(
      (streams.get(returnStreamId(r.returnId)) ?? []) as StoredEvent<ReturnEvent>[],
      streams.get(evidenceStreamId(r.returnId)) ?? [],
    ).map((f) => ({
      returnId: f.returnId,
      evidenceId: f.evidenceId,
      measureRef: f.measureRef,
      agencyId: f.agencyId,
      title: f.title,
      mediaType: f.mediaType,
      extension: f.extension,
      bytes: f.bytes,
      inReport: f.inReport,
    })),
  );
}

/** One return's stream as the report sees it: who owns it, whether withdrawn, and its last approved version. */
function foldReturn(events: StoredEvent<ReturnEvent>[]): ReportedReturn | null {
  const { state, approval } = foldWithLastApproval(events);
  if (state.status === 'none') return null;
  return {
    returnId: textOrEmpty(state.returnId),
    measureRef: textOrEmpty(state.measureRef),
    themeId: textOrEmpty(state.themeId),
    agencyId: textOrEmpty(state.agencyId),
    withdrawn: state.status === 'withdrawn',
    approved:
      state.approved && approval
        ? { ...readableApproval(state.approved), at: approval.recordedAt, version: approval.version }
        : null,
  };
}

/** The plan's earlier cycles (by period) as they stood at asAt, with each measure's approved RAG in each. */
async function pastCyclesOf(
  store: EventStore,
  sql: Sql,
  cycle: KnownCycle,
  asAt?: Date,
): Promise<PastCycle[]> {
  // The type is written into the SQL so that the partial index events_started_by_partnership applies.
  const rows: { id: string }[] = await sql.query(
    `SELECT data->>'cycleId' AS id FROM events
     WHERE type = 'CycleDrafted' AND data->>'partnershipId' = $1 AND data->>'planId' = $2
       AND ($3::timestamptz IS NULL OR recorded_at <= $3)`,
    [cycle.partnershipId, cycle.planId, asAt?.toISOString() ?? null],
  );
  const ids = rows.map((r) => r.id).filter((id) => id !== cycle.cycleId);
  const cycleStreams = await store.readStreams<CycleEvent>(ids.map(cycleStreamId), { asAt });
  const earlier = ids
    .map((id) =>
      (cycleStreams.get(cycleStreamId(id)) ?? []).reduce<CycleState>(
        (s, e) => evolveCycle(s, { type: e.type, data: e.data } as CycleEvent),
        initialCycle(),
      ),
    )
    .filter(
      (c): c is Exclude<KnownCycle, { status: 'drafted' }> => c.status !== 'none' && c.status !== 'drafted',
    )
    .filter((c) => c.periodStart < cycle.periodStart)
    .sort((a, b) => a.periodStart.localeCompare(b.periodStart) || a.cycleId.localeCompare(b.cycleId));
  const returnStreams = await store.readStreams<ReturnEvent>(
    earlier.flatMap((c) => c.returns.map((r) => returnStreamId(r.returnId))),
    { asAt },
  );
  return earlier.map((c) => {
    const ratings = new Map<string, Rag>();
    const values = new Map<string, IndicatorValue[]>();
    for (const r of c.returns) {
      const folded = foldReturn(returnStreams.get(returnStreamId(r.returnId)) ?? []);
      const approved = folded && !folded.withdrawn ? folded.approved?.content : null;
      if (folded && isRag(approved?.rag)) ratings.set(folded.measureRef, approved.rag);
      if (folded && approved?.indicators?.length) values.set(folded.measureRef, approved.indicators);
    }
    return {
      cycleId: c.cycleId,
      label: c.label,
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      ratings,
      values,
    };
  });
}
