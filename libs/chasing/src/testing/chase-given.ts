import { resolveChasePolicy } from '../../../kernel/src/index.js';
import {
  evolvePartnership,
  initialPartnership,
  initialPlan,
  PartnershipEvent,
} from '../../../plan/src/index.js';
import {
  CycleEvent,
  evolveCycle,
  evolveReturn,
  initialCycle,
  initialReturn,
  LiveReturnState,
  ReturnEvent,
} from '../../../returns/src/index.js';
import { englandAndWales } from '../calendar/working-days.js';
import { ChaseSnapshot } from '../chase-snapshot/chase-snapshot.js';
import { ChaseCommand, ChaseInputs } from '../chase/chase.decide.js';
import { ChaseEvent } from '../chase/chase.events.js';
import { evolveChase, initialChase } from '../chase/chase.state.js';

/**
 * Given events for chasing's unit specs (test-only, left out of the build): one cycle of partnership "lsp": the police owe M1 and M2, the
 * council M3, all due Monday 16 November 2026; the cycle opened on Monday 2 November.
 */
export const CYCLE = 'y1';
export const DUE = '2026-11-16';
export const calendar = englandAndWales();
export const coordinators = [{ email: 'cora@lsp.example.org' }];
export const LEAD = 'lead@police.example.org';
export const SENIOR = 'chief@police.example.org';

export const partnership: PartnershipEvent[] = [
  { type: 'PartnershipRegistered', data: { partnershipId: 'lsp', name: 'LSP' } },
  { type: 'AgencyAdded', data: { agencyId: 'police', name: 'Police' } },
  { type: 'AgencyContactAdded', data: { agencyId: 'police', email: LEAD, name: 'Lee', role: 'lead' } },
  { type: 'AgencyContactAdded', data: { agencyId: 'police', email: SENIOR, name: 'Sam', role: 'senior' } },
  { type: 'AgencyAdded', data: { agencyId: 'council', name: 'Council' } },
  {
    type: 'AgencyContactAdded',
    data: { agencyId: 'council', email: 'lead@council.example.org', name: 'Cal', role: 'lead' },
  },
];
export const requestedReturns = [
  { returnId: `${CYCLE}.M1`, measureRef: 'M1', themeId: 't', agencyId: 'police' },
  { returnId: `${CYCLE}.M2`, measureRef: 'M2', themeId: 't', agencyId: 'police' },
  { returnId: `${CYCLE}.M3`, measureRef: 'M3', themeId: 't', agencyId: 'council' },
];
export const drafted = (chasePolicy = resolveChasePolicy(undefined)): CycleEvent => ({
  type: 'CycleDrafted',
  data: {
    cycleId: CYCLE,
    partnershipId: 'lsp',
    planId: 'plan',
    label: 'Year 1',
    periodStart: '2026-04-01',
    periodEnd: '2027-03-31',
    dueDate: DUE,
    chasePolicy,
  },
});
export const opened: CycleEvent = {
  type: 'CycleOpened',
  data: { openedAt: '2026-11-02T09:00:00.000Z', returns: requestedReturns },
};
export const closed: CycleEvent = {
  type: 'CycleClosed',
  data: { forced: true, reason: 'year end', unresolvedReturnIds: [] },
};
export const requested = (ref: string): ReturnEvent => {
  const r = requestedReturns.find((x) => x.measureRef === ref)!;
  return {
    type: 'ReturnRequested',
    data: { ...r, cycleId: CYCLE, partnershipId: 'lsp', planId: 'plan', dueDate: DUE },
  };
};
export const submitted: ReturnEvent = {
  type: 'ReturnSubmitted',
  data: { content: { rag: 'green', narrative: 'Done' }, by: 'lee', late: false },
};
export const approved: ReturnEvent = {
  type: 'ReturnApproved',
  data: { content: { rag: 'green', narrative: 'Done' }, by: 'rita' },
};
export const withdrawn: ReturnEvent = { type: 'ReturnWithdrawn', data: { reason: 'measure dropped' } };
export const extended = (dueDate: string): ReturnEvent => ({
  type: 'DeadlineExtended',
  data: { dueDate, reason: 'data late' },
});
export const reassigned: ReturnEvent = {
  type: 'ReturnReassigned',
  data: { fromAgencyId: 'police', toAgencyId: 'council', reason: 'moved' },
};

export interface Given {
  cycle?: CycleEvent[];
  /** Events after each return's ReturnRequested, by measure. */
  returns?: Record<string, ReturnEvent[]>;
  /** The police's chase stream so far. */
  chased?: ChaseEvent[];
}

/** What loadChaseInputs would load for the police, given these events. */
export function given({ cycle = [drafted(), opened], returns = {}, chased = [] }: Given = {}): ChaseInputs {
  const cycleState = cycle.reduce(evolveCycle, initialCycle());
  const snapshot: ChaseSnapshot =
    cycleState.status === 'none' || cycleState.status === 'drafted'
      ? { opened: false, cycle: cycleState }
      : {
          opened: true,
          cycle: cycleState,
          returns: ['M1', 'M2', 'M3'].map(
            (ref) =>
              [requested(ref), ...(returns[ref] ?? [])].reduce(
                evolveReturn,
                initialReturn(),
              ) as LiveReturnState,
          ),
          partnership: partnership.reduce(evolvePartnership, initialPartnership()),
          plan: initialPlan(),
        };
  const chase = chased.reduce((s, e, i) => evolveChase(s, { ...e, version: i + 1 }), initialChase());
  return { snapshot, chase, coordinators, calendar };
}

export const at = (date: string) => new Date(`${date}T10:00:00Z`);
export const scheduled = (step: string): ChaseCommand => ({
  type: 'ChaseScheduledStep',
  agencyId: 'police',
  step,
});
export const onRequest = (step: string): ChaseCommand => ({
  type: 'ChaseOnRequest',
  agencyId: 'police',
  step,
});
export const police = [`${CYCLE}.M1`, `${CYCLE}.M2`];
export const chasedAt = (
  step: string,
  kind: string,
  returnIds = police,
  recipients = [{ email: LEAD, role: 'lead' }],
) =>
  ({
    type: 'AgencyChased',
    data: { cycleId: CYCLE, agencyId: 'police', step, kind, returnIds, recipients },
  }) as ChaseEvent;
