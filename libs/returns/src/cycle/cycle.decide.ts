import {
  resolveChasePolicy,
  CALENDAR_YEARS,
  isCalendarDate,
  Actor,
  DomainError,
  requireReason,
  requireWellFormedId,
  isOneLine,
  NOT_ONE_LINE_MESSAGE,
  TEXT_FAULT_MESSAGES,
  textFault,
} from '../../../kernel/src/index.js';
import { returnIdFor } from '../return/return.events.js';
import { CycleEvent } from './cycle.events.js';
import { SIGN_OFFS } from './sign-off.js';
import { CycleFacts, CycleState } from './cycle.state.js';

/** A measure of the plan, as the cycle needs it: who owns it and where it sits. */
export interface PlanMeasure {
  ref: string;
  themeId: string;
  leadAgencyId: string;
}

export type CycleCommand =
  | ({ type: 'DraftCycle'; actor: Actor } & CycleFacts)
  | {
      type: 'OpenCycle';
      actor: Actor;
      now: Date;
      /** Every live measure of the plan. */
      planMeasures: PlanMeasure[];
      /** A chosen subset of measure refs; all of them when omitted. */
      measureRefs?: string[];
    }
  | { type: 'CloseCycle'; actor: Actor; unresolvedReturnIds: string[]; force?: boolean; reason?: string }
  | {
      type: 'PublishReport';
      actor: Actor;
      now: Date;
      contentHash: string;
      lastUpdatedDates: boolean;
      /** Publishes again, without a person forgotten or a passage redacted, what a coordinator published. */
      reissue?: boolean;
    }
  | {
      type: 'SetReportHeadings';
      actor: Actor;
      reportTitle: string | null;
      yearHeading: string | null;
      introduction?: string | null;
    };

export function decideCycle(command: CycleCommand, state: CycleState): CycleEvent[] {
  // A forgetting by the system (the retention run, the operator's person:forget) re-issues the publications that
  // named the person in its own transaction: refused here, the whole forgetting failed, and the nightly run with
  // it, every night, for a partnership whose report named a contact who had left. Publishing anew stays theirs.
  // Only what a coordinator has published is re-issued: a cycle not yet published is no one's but theirs.
  const systemReissue =
    command.type === 'PublishReport' &&
    command.reissue === true &&
    command.actor.role === 'system' &&
    state.status === 'published';
  if (command.actor.role !== 'coordinator' && !systemReissue) {
    throw new DomainError(
      'forbidden',
      'Only a coordinator can draft, open, close or publish a cycle',
      'forbidden',
    );
  }
  if (command.type !== 'DraftCycle' && state.status === 'none') {
    throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
  }
  switch (command.type) {
    case 'DraftCycle': {
      if (state.status !== 'none')
        throw new DomainError('cycle-exists', 'That cycle already exists', 'conflict');
      const { type: _type, actor: _actor, ...facts } = command;
      requireWellFormedId('cycleId', facts.cycleId, 'cycleId');
      for (const field of ['partnershipId', 'planId'] as const) {
        requireWellFormedId('slug', facts[field], field);
      }
      for (const field of ['periodStart', 'periodEnd', 'dueDate'] as const) {
        if (!isCalendarDate(facts[field])) {
          throw new DomainError(
            'invalid-date',
            `${field} must be a real date written YYYY-MM-DD, in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`,
            'unprocessable',
            field,
          );
        }
      }
      if (facts.periodEnd <= facts.periodStart) {
        throw new DomainError(
          'period-end-before-start',
          'The period must end after it starts',
          'unprocessable',
          'periodEnd',
        );
      }
      if (facts.dueDate <= facts.periodStart) {
        throw new DomainError(
          'due-before-period',
          'The due date must fall after the period starts',
          'unprocessable',
          'dueDate',
        );
      }
      if (typeof facts.label !== 'string' || !facts.label.trim())
        throw new DomainError('label-required', 'Give the cycle a label', 'unprocessable', 'label');
      for (const field of ['reportTitle', 'yearHeading'] as const)
        if (facts[field] !== undefined) requireHeading(field, facts[field]);
      const labelFault = textFault(facts.label);
      if (labelFault || !isOneLine(facts.label))
        throw new DomainError(
          'malformed-text',
          `label ${labelFault ? TEXT_FAULT_MESSAGES[labelFault] : NOT_ONE_LINE_MESSAGE}`,
          'unprocessable',
          'label',
        );
      if (facts.signOff !== undefined && !SIGN_OFFS.includes(facts.signOff))
        throw new DomainError(
          'sign-off-invalid',
          `Choose the sign-off: ${SIGN_OFFS.join(' or ')}`,
          'unprocessable',
          'signOff',
        );
      return [
        {
          type: 'CycleDrafted',
          data: {
            ...facts,
            chasePolicy: resolveChasePolicy(facts.chasePolicy),
            signOff: facts.signOff ?? 'one-stage',
          },
        },
      ];
    }
    case 'OpenCycle': {
      if (state.status !== 'drafted')
        throw new DomainError(`cycle-${state.status}`, `The cycle is already ${state.status}`, 'conflict');
      const byRef = new Map(command.planMeasures.map((m) => [m.ref, m]));
      if (command.measureRefs !== undefined) {
        if (!Array.isArray(command.measureRefs))
          throw new DomainError('invalid-id', 'measureRefs must be a list', 'unprocessable', 'measureRefs');
        command.measureRefs.forEach((ref, i) => requireWellFormedId('measureRef', ref, `measureRefs[${i}]`));
      }
      const refs = command.measureRefs ?? command.planMeasures.map((m) => m.ref);
      const unknown = refs.filter((ref) => !byRef.has(ref));
      if (unknown.length > 0) {
        throw new DomainError(
          'unknown-measure',
          `The plan has no measure ${unknown.join(', ')}`,
          'unprocessable',
          'measureRefs',
        );
      }
      if (refs.length === 0)
        throw new DomainError('no-measures', 'Choose at least one measure', 'unprocessable', 'measureRefs');
      const returns = [...new Set(refs)].map((ref) => {
        const m = byRef.get(ref)!;
        return {
          returnId: returnIdFor(state.cycleId, ref),
          measureRef: ref,
          themeId: m.themeId,
          agencyId: m.leadAgencyId,
        };
      });
      return [{ type: 'CycleOpened', data: { openedAt: command.now.toISOString(), returns } }];
    }
    case 'CloseCycle': {
      if (state.status !== 'open')
        throw new DomainError(`cycle-${state.status}`, `Only an open cycle can be closed`, 'conflict');
      const unresolved = command.unresolvedReturnIds;
      // Only a real `true` forces: a stray "false" string must not close a cycle with returns outstanding.
      if (unresolved.length > 0 && command.force !== true) {
        throw new DomainError(
          'returns-unresolved',
          `${unresolved.length} return(s) are not yet signed off (approved, or accepted in a two-stage cycle) or withdrawn; close with force and a reason to close anyway`,
          'conflict',
        );
      }
      const reason =
        unresolved.length > 0 ? requireReason(command.reason, 'close a cycle with returns unresolved') : null;
      return [
        {
          type: 'CycleClosed',
          data: { forced: unresolved.length > 0, reason, unresolvedReturnIds: unresolved },
        },
      ];
    }
    case 'SetReportHeadings': {
      const { reportTitle, yearHeading } = command;
      const introduction = command.introduction ?? null;
      if (reportTitle !== null) requireHeading('reportTitle', reportTitle);
      if (yearHeading !== null) requireHeading('yearHeading', yearHeading);
      if (introduction !== null) requireHeading('introduction', introduction);
      // Setting what is already there records nothing: the report would not change.
      const now = state as CycleFacts;
      if (
        (now.reportTitle ?? null) === reportTitle &&
        (now.yearHeading ?? null) === yearHeading &&
        (now.introduction ?? null) === introduction
      )
        return [];
      return [
        {
          type: 'ReportHeadingsSet',
          data: { reportTitle, yearHeading, ...(introduction !== null ? { introduction } : {}) },
        },
      ];
    }
    case 'PublishReport':
      if (state.status !== 'closed' && state.status !== 'published') {
        throw new DomainError(
          `cycle-${state.status}`,
          'Close the cycle before publishing its report',
          'conflict',
        );
      }
      return [
        {
          type: 'ReportPublished',
          data: {
            contentHash: command.contentHash,
            publishedAt: command.now.toISOString(),
            lastUpdatedDates: command.lastUpdatedDates,
          },
        },
      ];
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/**
 * The coordinator's texts of a report: how long each may be, and what keeps it to its line. Headings are one
 * line; the opening sentence, printed as a paragraph, one paragraph without control characters either.
 */
const HEADING = {
  max: 200,
  // Embeddings and overrides (U+202A to U+202E) reverse what follows them on the printed page: a title is words in
  // their own order. Isolates and marks, which stay inside their own text, are taken.
  onItsLine: (v: string) => isOneLine(v) && !/[\u202a-\u202e]/.test(v),
  line: 'must be one line, without control characters or direction overrides',
};
const HEADINGS = {
  reportTitle: HEADING,
  yearHeading: HEADING,
  introduction: {
    max: 600,
    onItsLine: isOneLine,
    line: 'must be one paragraph, without line breaks or control characters',
  },
};

/** A title, heading or opening sentence printed on the report: some words, on its line, not too long to print. */
function requireHeading(field: keyof typeof HEADINGS, value: unknown): void {
  const { max, onItsLine, line } = HEADINGS[field];
  if (typeof value !== 'string' || !value.trim() || value !== value.trim() || value.length > max)
    throw new DomainError(
      'heading-invalid',
      `${field} must be 1 to ${max} characters, without spaces at either end`,
      'unprocessable',
      field,
    );
  const fault = textFault(value);
  if (fault || !onItsLine(value))
    throw new DomainError(
      'malformed-text',
      `${field} ${fault ? TEXT_FAULT_MESSAGES[fault] : line}`,
      'unprocessable',
      field,
    );
}
