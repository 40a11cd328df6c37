import { AppendixEvent, EnteredCaseStudy, PlacedCaseStudy } from './appendices.events.js';

export type AppendixItem =
  | ({ caseStudyId: string; kind: 'entered' } & EnteredCaseStudy)
  | ({ caseStudyId: string; kind: 'placed' } & PlacedCaseStudy);

export interface AppendixState {
  appendixId: string;
  title: string;
  introduction: string;
  caseStudies: AppendixItem[];
}

export interface AppendicesState {
  /** In the order they are printed. */
  appendices: AppendixState[];
  /** How many appendices and case studies were ever added: the next ids, never reused after a removal. */
  appendicesAdded: number;
  caseStudiesAdded: number;
}

export const initialAppendices = (): AppendicesState => ({
  appendices: [],
  appendicesAdded: 0,
  caseStudiesAdded: 0,
});

/** Moves the element at `from` to `to` (both from 0), leaving the others in their order. */
function moved<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0) return [...list];
  const rest = list.filter((_, i) => i !== from);
  rest.splice(Math.max(0, Math.min(to, rest.length)), 0, list[from]);
  return rest;
}

function withAppendix(
  state: AppendicesState,
  appendixId: string,
  change: (appendix: AppendixState) => AppendixState,
): AppendicesState {
  return {
    ...state,
    appendices: state.appendices.map((a) => (a.appendixId === appendixId ? change(a) : a)),
  };
}

export function evolveAppendices(state: AppendicesState, event: AppendixEvent): AppendicesState {
  switch (event.type) {
    case 'AppendixAdded': {
      const { appendixId, title, introduction } = event.data;
      return {
        ...state,
        appendicesAdded: state.appendicesAdded + 1,
        appendices: [...state.appendices, { appendixId, title, introduction, caseStudies: [] }],
      };
    }
    case 'AppendixChanged': {
      const { title, introduction } = event.data;
      return withAppendix(state, event.data.appendixId, (a) => ({ ...a, title, introduction }));
    }
    case 'AppendixMoved': {
      const from = state.appendices.findIndex((a) => a.appendixId === event.data.appendixId);
      return { ...state, appendices: moved(state.appendices, from, event.data.position) };
    }
    case 'AppendixRemoved':
      return {
        ...state,
        appendices: state.appendices.filter((a) => a.appendixId !== event.data.appendixId),
      };
    case 'AppendixCaseStudyAdded':
    case 'AgencyCaseStudyPlaced': {
      const item: AppendixItem =
        event.type === 'AppendixCaseStudyAdded'
          ? { caseStudyId: event.data.caseStudyId, kind: 'entered', ...event.data.study }
          : { caseStudyId: event.data.caseStudyId, kind: 'placed', ...event.data.placed };
      return {
        ...withAppendix(state, event.data.appendixId, (a) => ({
          ...a,
          caseStudies: [...a.caseStudies, item],
        })),
        caseStudiesAdded: state.caseStudiesAdded + 1,
      };
    }
    case 'AppendixCaseStudyChanged': {
      const { caseStudyId, study } = event.data;
      return withAppendix(state, event.data.appendixId, (a) => ({
        ...a,
        caseStudies: a.caseStudies.map((c) =>
          c.caseStudyId === caseStudyId ? { caseStudyId, kind: 'entered', ...study } : c,
        ),
      }));
    }
    case 'AppendixCaseStudyMoved': {
      const { caseStudyId, position } = event.data;
      return withAppendix(state, event.data.appendixId, (a) => ({
        ...a,
        caseStudies: moved(
          a.caseStudies,
          a.caseStudies.findIndex((c) => c.caseStudyId === caseStudyId),
          position,
        ),
      }));
    }
    case 'AppendixCaseStudyRemoved': {
      const { caseStudyId } = event.data;
      return withAppendix(state, event.data.appendixId, (a) => ({
        ...a,
        caseStudies: a.caseStudies.filter((c) => c.caseStudyId !== caseStudyId),
      }));
    }
    // The texts themselves are rewritten where they are held; the appendices read the same otherwise.
    case 'AppendixPassageRedacted':
      return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export function foldAppendices(events: readonly AppendixEvent[]): AppendicesState {
  return events.reduce(evolveAppendices, initialAppendices());
}
