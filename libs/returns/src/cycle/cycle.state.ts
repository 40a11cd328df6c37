import { CycleEvent, RequestedReturn } from './cycle.events.js';

export interface CycleFacts {
  cycleId: string;
  partnershipId: string;
  planId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
}

export type CycleState =
  | { status: 'none' }
  | ({ status: 'drafted' } & CycleFacts)
  | ({ status: 'open'; openedAt: string; returns: RequestedReturn[] } & CycleFacts)
  | ({ status: 'closed'; openedAt: string; returns: RequestedReturn[] } & CycleFacts)
  | ({ status: 'published'; openedAt: string; returns: RequestedReturn[]; contentHash: string } & CycleFacts);

export const initialCycle = (): CycleState => ({ status: 'none' });

export function evolveCycle(state: CycleState, event: CycleEvent): CycleState {
  switch (event.type) {
    case 'CycleDrafted':
      return { status: 'drafted', ...event.data };
    case 'CycleOpened':
      return state.status === 'drafted' ? { ...state, status: 'open', ...event.data } : state;
    case 'CycleClosed':
      return state.status === 'open' ? { ...state, status: 'closed' } : state;
    case 'ReportPublished':
      return state.status === 'closed' || state.status === 'published'
        ? { ...state, status: 'published', contentHash: event.data.contentHash }
        : state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
