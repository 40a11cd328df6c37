import { Actor, DomainError, withLineFeeds, withLineFeedsDeep } from '../../../kernel/src/index.js';
import { AppendixEvent, EnteredCaseStudy, PlacedCaseStudy } from './appendices.events.js';
import { AppendicesState, AppendixState } from './appendices.state.js';

/** How much an appendix may hold: generous for a committee report, small enough to keep a stream readable. */
export const APPENDIX_LIMITS = {
  appendices: 20,
  caseStudies: 50,
  title: 300,
  introduction: 5_000,
  organisation: 300,
  author: 300,
  sections: 20,
  heading: 300,
  body: 20_000,
};

/** What the rules need to know of the cycle, read by the handler: its plan's measures and themes. */
export interface AppendixCycle {
  cycleId: string;
  measureRefs: readonly string[];
  themeIds: readonly string[];
}

export type AppendixCommand = { actor: Actor; cycle: AppendixCycle } & (
  | { type: 'AddAppendix'; title: string; introduction: string }
  | { type: 'ChangeAppendix'; appendixId: string; title: string; introduction: string }
  /** position: from 1, as the coordinator counts. */
  | { type: 'MoveAppendix'; appendixId: string; position: number }
  | { type: 'RemoveAppendix'; appendixId: string }
  | { type: 'AddCaseStudy'; appendixId: string; study: EnteredCaseStudy }
  | { type: 'ChangeCaseStudy'; appendixId: string; caseStudyId: string; study: EnteredCaseStudy }
  | { type: 'MoveCaseStudy'; appendixId: string; caseStudyId: string; position: number }
  | { type: 'RemoveCaseStudy'; appendixId: string; caseStudyId: string }
  | {
      type: 'PlaceAgencyCaseStudy';
      appendixId: string;
      returnId: string;
      index: number;
      /** The study as the handler found it on a return of this cycle; null when there is no such study. */
      found: PlacedCaseStudy | null;
    }
);

const unprocessable = (code: string, message: string, field: string) =>
  new DomainError(code, message, 'unprocessable', field);

function requireText(value: string, max: number, field: string, { required }: { required: boolean }) {
  if (required && value.trim() === '') throw unprocessable('required', `${field} must not be empty`, field);
  if (value.length > max)
    throw unprocessable('too-long', `${field} must be at most ${max} characters`, field);
}

function requireStudy(study: EnteredCaseStudy, cycle: AppendixCycle) {
  requireText(study.title, APPENDIX_LIMITS.title, 'title', { required: true });
  requireText(study.organisation, APPENDIX_LIMITS.organisation, 'organisation', { required: true });
  requireText(study.author ?? '', APPENDIX_LIMITS.author, 'author', { required: false });
  requireText(study.groupHeading ?? '', APPENDIX_LIMITS.heading, 'groupHeading', { required: false });
  if (study.measureRef !== null && !cycle.measureRefs.includes(study.measureRef)) {
    throw unprocessable('unknown-measure', "measureRef must be a measure of the cycle's plan", 'measureRef');
  }
  if (study.themeId !== null && !cycle.themeIds.includes(study.themeId)) {
    throw unprocessable('unknown-theme', "themeId must be a theme of the cycle's plan", 'themeId');
  }
  if (study.sections.length === 0)
    throw unprocessable('required', 'sections must hold at least one section', 'sections');
  if (study.sections.length > APPENDIX_LIMITS.sections) {
    throw unprocessable('too-many', `sections must hold at most ${APPENDIX_LIMITS.sections}`, 'sections');
  }
  study.sections.forEach((s, i) => {
    requireText(s.heading, APPENDIX_LIMITS.heading, `sections[${i}].heading`, { required: false });
    requireText(s.body, APPENDIX_LIMITS.body, `sections[${i}].body`, { required: true });
  });
}

function requirePosition(position: number, count: number) {
  if (!Number.isInteger(position) || position < 1 || position > count) {
    throw unprocessable('out-of-range', `position must be a whole number from 1 to ${count}`, 'position');
  }
}

function appendixOf(state: AppendicesState, appendixId: string): AppendixState {
  const appendix = state.appendices.find((a) => a.appendixId === appendixId);
  if (!appendix) throw new DomainError('appendix-not-found', 'No such appendix', 'not-found', 'appendixId');
  return appendix;
}

function caseStudyOf(appendix: AppendixState, caseStudyId: string) {
  const study = appendix.caseStudies.find((c) => c.caseStudyId === caseStudyId);
  if (!study) {
    throw new DomainError('case-study-not-found', 'No such case study', 'not-found', 'caseStudyId');
  }
  return study;
}

/** The coordinator's rules for a cycle's appendices: titled, ordered, holding typed or placed case studies. */
export function decideAppendices(command: AppendixCommand, state: AppendicesState): AppendixEvent[] {
  if (command.actor.role !== 'coordinator') {
    throw new DomainError('forbidden', 'Only a coordinator can change the appendices', 'forbidden');
  }
  switch (command.type) {
    case 'AddAppendix':
    case 'ChangeAppendix': {
      // Stored with LF whoever typed it, as a return's texts are (the web form sends CRLF), and counted so.
      const [title, introduction] = [command.title, command.introduction].map(withLineFeeds);
      requireText(title, APPENDIX_LIMITS.title, 'title', { required: true });
      requireText(introduction, APPENDIX_LIMITS.introduction, 'introduction', { required: false });
      if (command.type === 'ChangeAppendix') {
        const { appendixId } = appendixOf(state, command.appendixId);
        return [{ type: 'AppendixChanged', data: { appendixId, title, introduction } }];
      }
      if (state.appendices.length >= APPENDIX_LIMITS.appendices) {
        throw new DomainError(
          'too-many-appendices',
          `A report has at most ${APPENDIX_LIMITS.appendices} appendices`,
          'unprocessable',
          'title',
        );
      }
      const appendixId = `appendix-${state.appendicesAdded + 1}`;
      return [
        { type: 'AppendixAdded', data: { cycleId: command.cycle.cycleId, appendixId, title, introduction } },
      ];
    }
    case 'MoveAppendix': {
      const { appendixId } = appendixOf(state, command.appendixId);
      requirePosition(command.position, state.appendices.length);
      return [{ type: 'AppendixMoved', data: { appendixId, position: command.position - 1 } }];
    }
    case 'RemoveAppendix': {
      const { appendixId } = appendixOf(state, command.appendixId);
      return [{ type: 'AppendixRemoved', data: { appendixId } }];
    }
    case 'AddCaseStudy':
    case 'PlaceAgencyCaseStudy': {
      const appendix = appendixOf(state, command.appendixId);
      if (appendix.caseStudies.length >= APPENDIX_LIMITS.caseStudies) {
        throw new DomainError(
          'too-many-case-studies',
          `An appendix holds at most ${APPENDIX_LIMITS.caseStudies} case studies`,
          'unprocessable',
          'appendixId',
        );
      }
      const caseStudyId = `study-${state.caseStudiesAdded + 1}`;
      if (command.type === 'AddCaseStudy') {
        const study = withLineFeedsDeep(command.study);
        requireStudy(study, command.cycle);
        return [
          { type: 'AppendixCaseStudyAdded', data: { appendixId: appendix.appendixId, caseStudyId, study } },
        ];
      }
      if (!command.found) {
        throw unprocessable(
          'no-such-agency-case-study',
          'returnId and index must name a case study of a return of this cycle',
          'index',
        );
      }
      const placed = command.found;
      // One study printed twice would read as two; the coordinator moves it instead.
      const already = state.appendices.some((a) =>
        a.caseStudies.some(
          (c) => c.kind === 'placed' && c.returnId === placed.returnId && c.index === placed.index,
        ),
      );
      if (already) {
        throw new DomainError(
          'already-placed',
          "That agency's case study is already in an appendix",
          'conflict',
          'index',
        );
      }
      return [
        { type: 'AgencyCaseStudyPlaced', data: { appendixId: appendix.appendixId, caseStudyId, placed } },
      ];
    }
    case 'ChangeCaseStudy': {
      const appendix = appendixOf(state, command.appendixId);
      const study = caseStudyOf(appendix, command.caseStudyId);
      if (study.kind === 'placed') {
        throw new DomainError(
          'placed-case-study',
          "An agency's case study is edited in its return; here it can only be moved or removed",
          'conflict',
          'caseStudyId',
        );
      }
      const changed = withLineFeedsDeep(command.study);
      requireStudy(changed, command.cycle);
      return [
        {
          type: 'AppendixCaseStudyChanged',
          data: { appendixId: appendix.appendixId, caseStudyId: study.caseStudyId, study: changed },
        },
      ];
    }
    case 'MoveCaseStudy': {
      const appendix = appendixOf(state, command.appendixId);
      const { caseStudyId } = caseStudyOf(appendix, command.caseStudyId);
      requirePosition(command.position, appendix.caseStudies.length);
      return [
        {
          type: 'AppendixCaseStudyMoved',
          data: { appendixId: appendix.appendixId, caseStudyId, position: command.position - 1 },
        },
      ];
    }
    case 'RemoveCaseStudy': {
      const appendix = appendixOf(state, command.appendixId);
      const { caseStudyId } = caseStudyOf(appendix, command.caseStudyId);
      return [{ type: 'AppendixCaseStudyRemoved', data: { appendixId: appendix.appendixId, caseStudyId } }];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}
