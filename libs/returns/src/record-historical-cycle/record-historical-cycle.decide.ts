import { Actor, DomainError, londonDay } from '../../../kernel/src/index.js';
import { decideCycle, PlanMeasure } from '../cycle/cycle.decide.js';
import { CycleEvent, HistoricalSource } from '../cycle/cycle.events.js';
import { CycleState, evolveCycle, initialCycle } from '../cycle/cycle.state.js';
import { ReturnEvent, returnIdFor, returnStreamId } from '../return/return.events.js';
import { FileProblem, HistoricalFile } from './historical-file.js';

export interface RecordHistoricalCycle {
  type: 'RecordHistoricalCycle';
  actor: Actor;
  now: Date;
  cycleId: string;
  planId: string;
  source: HistoricalSource;
  /** The file as read, with the problems reading it found. */
  file: HistoricalFile;
  /** Every live measure of the plan. */
  planMeasures: PlanMeasure[];
}

/** What the rules weigh: the cycle of that id (none, for a new one) and the files already recorded. */
export interface HistoricalCycleState {
  cycle: CycleState;
  /** The sources of the partnership's cycles recorded from history so far, by their hash. */
  recorded: { sha256: string; cycleId: string }[];
}

export interface HistoricalCycleEvents {
  cycle: CycleEvent[];
  returns: { streamId: string; events: ReturnEvent[] }[];
}

/**
 * A past cycle recorded from an old report: the cycle is drafted, marked as recorded from its source, opened
 * on the file's measures alone and closed, and each return is requested and approved by the person recording
 * it, all as one decision. No link is issued (so no mail is owed and nothing is chased), and the cycle ends
 * closed, so a live cycle opened after it finds its RAGs for trends and suggested DOTs. Every problem of the
 * file is listed at once (422); nothing is recorded unless there is none.
 */
export function decideRecordHistoricalCycle(
  command: RecordHistoricalCycle,
  state: HistoricalCycleState,
): HistoricalCycleEvents {
  const { actor, file, source } = command;
  if (actor.role !== 'coordinator')
    throw new DomainError('forbidden', 'Only a coordinator can record a past cycle', 'forbidden');
  const earlier = state.recorded.find((r) => r.sha256 === source.sha256);
  if (earlier)
    throw new DomainError(
      'history-already-recorded',
      `This file was already recorded, as cycle ${earlier.cycleId}`,
      'conflict',
      'file',
      { cycleId: earlier.cycleId },
    );
  if (state.cycle.status !== 'none')
    throw new DomainError(
      'cycle-exists',
      'Your partnership already has a cycle of that name',
      'conflict',
      'cycleId',
    );

  const problems: FileProblem[] = [...file.problems];
  const say = (at: FileProblem['at'], message: string) => problems.push({ at, message });
  const today = londonDay(command.now);
  if (file.periodStart && file.periodEnd) {
    if (file.periodEnd <= file.periodStart)
      say(periodAt(file, 'periodEnd'), 'must be after the period starts');
    else if (file.periodEnd >= today)
      say(periodAt(file, 'periodEnd'), 'must be in the past: a cycle still running is opened, not recorded');
  }
  const byRef = new Map(command.planMeasures.map((m) => [m.ref, m]));
  const seen = new Set<string>();
  for (const measure of file.measures) {
    if (!byRef.has(measure.ref)) say(measure.at, `${measure.ref} is not a measure of the plan`);
    else if (seen.has(measure.ref)) say(measure.at, `${measure.ref} is given more than once`);
    seen.add(measure.ref);
  }
  if (problems.length > 0)
    throw new DomainError(
      'invalid-historical-file',
      `The file has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      'unprocessable',
      'file',
      { problems },
    );

  const facts = {
    cycleId: command.cycleId,
    partnershipId: actor.partnershipId,
    planId: command.planId,
    label: file.label!,
    periodStart: file.periodStart!,
    periodEnd: file.periodEnd!,
    // A past year was never asked for by a date; its period's end stands in, so nothing ever counts as late.
    dueDate: file.periodEnd!,
    ...(file.reportTitle ? { reportTitle: file.reportTitle } : {}),
    ...(file.yearHeading ? { yearHeading: file.yearHeading } : {}),
  };
  const cycle: CycleEvent[] = [];
  let current = initialCycle();
  const record = (...events: CycleEvent[]) => {
    cycle.push(...events);
    current = events.reduce(evolveCycle, current);
  };
  record(...decideCycle({ type: 'DraftCycle', actor, ...facts }, current));
  record({
    type: 'CycleRecordedFromHistory',
    data: { source, recordedBy: actor.id, returnCount: file.measures.length },
  });
  record(
    ...decideCycle(
      {
        type: 'OpenCycle',
        actor,
        now: command.now,
        planMeasures: command.planMeasures,
        measureRefs: file.measures.map((m) => m.ref),
      },
      current,
    ),
  );
  record(...decideCycle({ type: 'CloseCycle', actor, unresolvedReturnIds: [] }, current));

  const returns = file.measures.map(({ ref, content }) => {
    const measure = byRef.get(ref)!;
    const returnId = returnIdFor(command.cycleId, ref);
    const events: ReturnEvent[] = [
      {
        type: 'ReturnRequested',
        data: {
          returnId,
          cycleId: command.cycleId,
          partnershipId: actor.partnershipId,
          planId: command.planId,
          measureRef: ref,
          themeId: measure.themeId,
          agencyId: measure.leadAgencyId,
          dueDate: facts.dueDate,
        },
      },
      { type: 'ReturnApproved', data: { content, by: actor.id } },
    ];
    return { streamId: returnStreamId(returnId), events };
  });
  return { cycle, returns };
}

/** Where the period's end is said: the JSON pointer, or the spreadsheet cell the reader found it in. */
function periodAt(file: HistoricalFile, key: 'periodEnd'): FileProblem['at'] {
  return file.factsAt?.[key] ?? { pointer: `/${key}` };
}
