import { ChasePolicy } from '../../../kernel/src/index.js';
import { CycleEvent, HistoricalSource, IssuedLink, RequestedReturn } from './cycle.events.js';
import { SignOff } from './sign-off.js';

export interface CycleFacts {
  cycleId: string;
  partnershipId: string;
  planId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  /** Given when drafting (partly or not at all); the event stores it whole, defaults filled in. */
  chasePolicy?: ChasePolicy;
  /**
   * The coordinator's own title and year heading for the cycle's report; when absent the report makes them from
   * the plan and the period as the seed does ("... Annual Monitoring Report 2019/20", "Year 1 (April 2019 -
   * March 2020)").
   */
  reportTitle?: string;
  yearHeading?: string;
  /** The report's opening sentence, when the coordinator wrote their own ("produced by ... on behalf of ..."). */
  introduction?: string;
  /** Absent in a command means one stage; absent in an old event means the same (see signOffOf). */
  signOff?: SignOff;
}

/** Set on a cycle recorded from an old report: where it came from and who recorded it. */
export interface CycleHistory {
  recordedFromHistory?: { source: HistoricalSource; recordedBy: string };
}

export type CycleLink = Omit<IssuedLink, 'tokenHash'> & { revoked: boolean; uses: number };

export type CycleState =
  | { status: 'none' }
  | ({ status: 'drafted' } & CycleFacts & CycleHistory)
  | ({ status: 'open' } & Opened)
  | ({ status: 'closed' } & Opened)
  | ({ status: 'published'; contentHash: string } & Opened);

type Opened = CycleFacts &
  CycleHistory & {
    openedAt: string;
    returns: RequestedReturn[];
    links: Record<string, CycleLink>;
    /**
     * Each link's token hash as issued, apart from the links (which lists and pages show): a worker re-deriving
     * a token for a mail checks it against this before sending (see issuedLinkToken).
     */
    tokenHashes: Record<string, string>;
  };

export const initialCycle = (): CycleState => ({ status: 'none' });

/** Where a cycle stands for a command that must not outlive its close: its status and its stream's version. */
export interface CycleStanding {
  status: CycleState['status'];
  version: number;
}

/**
 * The cycle's events that leave its status as it was. A return command decided on the cycle's standing still
 * stands when only these came after it: the morning the links go out, leads open them many a second, and a lead
 * saving a draft meanwhile must not be refused for it.
 */
export const KEEP_CYCLE_STANDING: readonly CycleEvent['type'][] = [
  'SubmissionLinkIssued',
  'SubmissionLinkRevoked',
  'SubmissionLinkUsed',
  'ReportHeadingsSet',
];

/** A cycle's standing from its event types alone (versions run 1, 2, ...: the version is how many there are). */
export function cycleStandingOf(types: readonly string[]): CycleStanding {
  return { status: cycleStatusOf(types), version: types.length };
}

/**
 * A cycle's status from its event types alone, following the same transitions as evolveCycle (the unit test
 * checks they agree): lets a return command ask whether its cycle is closed without loading the whole cycle.
 */
export function cycleStatusOf(types: readonly string[]): CycleState['status'] {
  let status: CycleState['status'] = 'none';
  for (const type of types) {
    if (type === 'CycleDrafted') status = 'drafted';
    else if (type === 'CycleOpened' && status === 'drafted') status = 'open';
    else if (type === 'CycleClosed' && status === 'open') status = 'closed';
    else if (type === 'ReportPublished' && (status === 'closed' || status === 'published'))
      status = 'published';
  }
  return status;
}

export function evolveCycle(state: CycleState, event: CycleEvent): CycleState {
  switch (event.type) {
    case 'CycleDrafted':
      return { status: 'drafted', ...event.data };
    case 'CycleRecordedFromHistory': {
      if (state.status !== 'drafted') return state;
      const { source, recordedBy } = event.data;
      return { ...state, recordedFromHistory: { source, recordedBy } };
    }
    case 'CycleOpened':
      return state.status === 'drafted'
        ? { ...state, status: 'open', ...event.data, links: {}, tokenHashes: {} }
        : state;
    case 'CycleClosed':
      return state.status === 'open' ? { ...state, status: 'closed' } : state;
    case 'ReportHeadingsSet': {
      if (state.status === 'none') return state;
      // null goes back to the default: the field is left out, as in a cycle drafted without one.
      const { reportTitle: _t, yearHeading: _y, introduction: _i, ...rest } = state;
      return {
        ...rest,
        ...(event.data.reportTitle !== null ? { reportTitle: event.data.reportTitle } : {}),
        ...(event.data.yearHeading !== null ? { yearHeading: event.data.yearHeading } : {}),
        // Events before 2026-12-05 carry no introduction: the default.
        ...(event.data.introduction ? { introduction: event.data.introduction } : {}),
      } as CycleState;
    }
    case 'ReportPublished':
      return state.status === 'closed' || state.status === 'published'
        ? { ...state, status: 'published', contentHash: event.data.contentHash }
        : state;
    case 'SubmissionLinkIssued': {
      if (state.status === 'none' || state.status === 'drafted') return state;
      const { tokenHash, ...link } = event.data;
      return {
        ...state,
        links: { ...state.links, [link.linkId]: { ...link, revoked: false, uses: 0 } },
        tokenHashes: { ...state.tokenHashes, [link.linkId]: tokenHash },
      };
    }
    case 'SubmissionLinkRevoked':
    case 'SubmissionLinkUsed': {
      if (state.status === 'none' || state.status === 'drafted') return state;
      const link = state.links[event.data.linkId];
      if (!link) return state;
      const next =
        event.type === 'SubmissionLinkRevoked'
          ? { ...link, revoked: true }
          : { ...link, uses: link.uses + 1 };
      return { ...state, links: { ...state.links, [link.linkId]: next } };
    }
    case 'CyclePassageRedacted':
      // The texts changed, held apart; nothing the cycle's rules weigh.
      return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
