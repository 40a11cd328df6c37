import {
  CALENDAR_YEARS,
  isCalendarDate,
  Actor,
  DomainError,
  requireReason,
  requireWellFormedId,
  withLineFeedsDeep,
} from '../../../kernel/src/index.js';
import { requireWellFormedContent } from '../well-formed/well-formed-content.js';
import { Indicator } from '../../../plan/src/index.js';
import { requireDeclaredIndicators, requireRagReason } from './indicator-values.rule.js';
import { decideRedactPassage, RedactPassage } from '../redact-passage/redact-passage.rule.js';
import { draftUnchanged } from '../save-return-draft/unchanged-draft.rule.js';
import { isEmptyTable, ReturnContent } from './return-content.js';
import { ReturnEvent } from './return.events.js';
import { ReturnFacts, ReturnState, ReturnStatus } from './return.state.js';

export type ReturnCommand =
  // `indicators`: what the plan declares for the return's measure now (none when left out).
  | { type: 'SaveReturnDraft'; actor: Actor; content: ReturnContent; indicators?: readonly Indicator[] }
  | {
      type: 'SubmitReturn';
      actor: Actor;
      content?: ReturnContent;
      now: Date;
      indicators?: readonly Indicator[];
    }
  /** The open change requests of the return's thread (see conversation/): none may be open at approval. */
  | { type: 'ApproveReturn'; actor: Actor; openChangeRequests: readonly string[] }
  | { type: 'SendReturnBack'; actor: Actor; reason: string }
  | { type: 'AcceptReturn'; actor: Actor }
  | { type: 'ReturnToReview'; actor: Actor; reason: string }
  | { type: 'ReopenReturn'; actor: Actor; reason: string }
  | { type: 'ExtendDeadline'; actor: Actor; dueDate: string; reason: string }
  | { type: 'ReassignReturn'; actor: Actor; toAgencyId: string; reason: string }
  | { type: 'WithdrawReturn'; actor: Actor; reason: string }
  | RedactPassage;

type Live = { status: ReturnStatus } & ReturnFacts;

/** The rules of one return: given its state and a command, the events that happen (or why not). */
export function decideReturn(command: ReturnCommand, state: ReturnState): ReturnEvent[] {
  // Another agency's return is, to an agency lead, a return that does not exist: whatever they ask of it.
  if (state.status === 'none' || !agencyMaySee(command.actor, state)) {
    throw new DomainError('return-not-found', 'No such return', 'not-found');
  }
  switch (command.type) {
    case 'SaveReturnDraft': {
      mayEdit(command.actor, state);
      inStatus(state, ['requested', 'draft'], 'save a draft of');
      // A return's words are stored one way whoever typed them: the web form's CRLF as the API's LF. Every text
      // of a content is free text or a name or value that cannot hold a line break, so all of it.
      const content = withLineFeedsDeep(requireWellFormedContent(command.content));
      requireDeclaredIndicators(content, command.indicators ?? []);
      // Nothing typed, nothing changed: no draft is recorded (no "Saved a draft" in the history, a requested
      // return not "Started", its saver not made one of its editors).
      if (draftUnchanged(content, withLineFeedsDeep(state.content))) return [];
      return [{ type: 'ReturnDraftSaved', data: { content, by: command.actor.id } }];
    }
    case 'SubmitReturn': {
      mayEdit(command.actor, state);
      inStatus(state, ['requested', 'draft'], 'submit');
      // A draft saved before line endings were made one (CRLF from a browser) is submitted with LF too.
      const content = withLineFeedsDeep(
        command.content === undefined ? state.content : requireWellFormedContent(command.content),
      );
      if (!content.rag)
        throw new DomainError(
          'rag-required',
          'Choose a RAG rating before submitting',
          'unprocessable',
          'rag',
        );
      if (!content.narrative?.trim()) {
        throw new DomainError(
          'narrative-required',
          'Write the progress narrative before submitting',
          'unprocessable',
          'narrative',
        );
      }
      requireFilledTables(content);
      requireDeclaredIndicators(content, command.indicators ?? []);
      requireRagReason(content, command.indicators ?? []);
      const late = command.now.toISOString().slice(0, 10) > state.originalDueDate;
      return [{ type: 'ReturnSubmitted', data: { content, by: command.actor.id, late } }];
    }
    case 'ApproveReturn':
      mayReview(command.actor);
      inStatus(state, ['submitted'], 'approve');
      if (state.editors.includes(command.actor.id)) {
        throw new DomainError(
          'approver-edited',
          'You edited this return, so someone else must approve it',
          'forbidden',
        );
      }
      if (command.openChangeRequests.length > 0) {
        throw new DomainError(
          'open-change-requests',
          `A change request on this return is still open (${command.openChangeRequests.join(', ')}): it must be answered or resolved before the return is approved`,
          'unprocessable',
          'openChangeRequests',
          { openChangeRequests: [...command.openChangeRequests] },
        );
      }
      return [{ type: 'ReturnApproved', data: { content: state.content, by: command.actor.id } }];
    case 'SendReturnBack':
      mayReview(command.actor);
      inStatus(state, ['submitted'], 'send back');
      return [
        { type: 'ReturnSentBack', data: { reason: requireReason(command.reason, 'send a return back') } },
      ];
    case 'AcceptReturn': {
      maySignOffSecond(command.actor);
      twoStageOnly(state, 'accept');
      inStatus(state, ['approved'], 'accept');
      const approval = state.awaitingAcceptance!;
      // Four eyes across both stages: whoever wrote, submitted or approved this version cannot also accept it.
      const involved = [...state.editors, ...state.approvers, approval.by];
      if (involved.includes(command.actor.id)) {
        throw new DomainError(
          'accepter-not-independent',
          'You edited, submitted or approved this version, so someone else must accept it',
          'forbidden',
        );
      }
      return [{ type: 'ReturnAccepted', data: { content: approval.content, by: command.actor.id } }];
    }
    case 'ReturnToReview':
      maySignOffSecond(command.actor);
      twoStageOnly(state, 'return to review');
      inStatus(state, ['approved'], 'return to review');
      return [
        {
          type: 'ReturnReturnedToReview',
          data: { reason: requireReason(command.reason, 'return a return to review'), by: command.actor.id },
        },
      ];
    case 'ReopenReturn':
      coordinatorOnly(command.actor, 'reopen a signed-off return');
      // In a two-stage cycle an approval not yet accepted is not reopened: it is returned to review instead.
      inStatus(state, [signedOff(state)], 'reopen');
      return [{ type: 'ReturnReopened', data: { reason: requireReason(command.reason, 'reopen a return') } }];
    case 'ExtendDeadline': {
      coordinatorOnly(command.actor, 'extend a deadline');
      inStatus(state, ['requested', 'draft', 'submitted'], 'extend the deadline of');
      const reason = requireReason(command.reason, 'extend a deadline');
      if (!isCalendarDate(command.dueDate)) {
        throw new DomainError(
          'invalid-date',
          `The new due date must be a real date written YYYY-MM-DD, in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`,
          'unprocessable',
          'dueDate',
        );
      }
      if (command.dueDate <= state.dueDate) {
        throw new DomainError(
          'due-date-not-later',
          `The new due date must be after ${state.dueDate}`,
          'unprocessable',
          'dueDate',
        );
      }
      return [{ type: 'DeadlineExtended', data: { dueDate: command.dueDate, reason } }];
    }
    case 'ReassignReturn': {
      coordinatorOnly(command.actor, 'reassign a return');
      inStatus(state, ['requested', 'draft'], 'reassign');
      const reason = requireReason(command.reason, 'reassign a return');
      requireWellFormedId('slug', command.toAgencyId, 'toAgencyId');
      if (command.toAgencyId === state.agencyId) {
        throw new DomainError(
          'same-agency',
          'The return already belongs to that agency',
          'unprocessable',
          'toAgencyId',
        );
      }
      return [
        {
          type: 'ReturnReassigned',
          data: { fromAgencyId: state.agencyId, toAgencyId: command.toAgencyId, reason },
        },
      ];
    }
    case 'WithdrawReturn':
      coordinatorOnly(command.actor, 'withdraw a return');
      inStatus(state, ['requested', 'draft', 'submitted', 'approved', 'accepted'], 'withdraw');
      return [
        { type: 'ReturnWithdrawn', data: { reason: requireReason(command.reason, 'withdraw a return') } },
      ];
    case 'RedactPassage':
      return decideRedactPassage(command, state);
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

function inStatus(state: Live, allowed: ReturnStatus[], verb: string): void {
  if (!allowed.includes(state.status)) {
    throw new DomainError(
      `return-${state.status}`,
      `Cannot ${verb} a return that is ${state.status}`,
      'conflict',
    );
  }
}

function agencyMaySee(actor: Actor, state: Live): boolean {
  return actor.role !== 'agency-lead' || actor.agencyId === state.agencyId;
}

function mayEdit(actor: Actor, _state: Live): void {
  if (actor.role === 'agency-lead') return;
  if (actor.role !== 'coordinator' && actor.role !== 'reviewer') {
    throw new DomainError('forbidden', 'Your role cannot edit returns', 'forbidden');
  }
}

function mayReview(actor: Actor): void {
  if (actor.role !== 'reviewer' && actor.role !== 'coordinator') {
    throw new DomainError('forbidden', 'Only reviewers and coordinators review returns', 'forbidden');
  }
}

/** The second stage is the coordinator's or the board's: the people the report is signed off for. */
function maySignOffSecond(actor: Actor): void {
  if (actor.role !== 'coordinator' && actor.role !== 'board') {
    throw new DomainError(
      'forbidden',
      'Only coordinators and board members accept returns or return them to review',
      'forbidden',
    );
  }
}

function twoStageOnly(state: Live, verb: string): void {
  if (state.signOff !== 'two-stage') {
    throw new DomainError(
      'one-stage-sign-off',
      `Cannot ${verb} a return in a one-stage cycle: its reviewer's approval is final`,
      'conflict',
    );
  }
}

/** The status in which a return is finally signed off in its cycle. */
const signedOff = (state: Live): ReturnStatus => (state.signOff === 'two-stage' ? 'accepted' : 'approved');

function coordinatorOnly(actor: Actor, what: string): void {
  if (actor.role !== 'coordinator')
    throw new DomainError('forbidden', `Only a coordinator can ${what}`, 'forbidden');
}

/**
 * Every table of a submitted return has a heading or a cell with something in it. A table given a caption and
 * nothing else (the form leaves out empty rows and columns when it saves) was approved and published as a
 * caption over an empty table.
 */
function requireFilledTables(content: ReturnContent): void {
  const empty = (content.tables ?? []).findIndex(isEmptyTable);
  if (empty >= 0)
    throw new DomainError('table-empty', emptyTableMessage(empty), 'unprocessable', `tables[${empty}]`);
}

/** What an agency lead is told of a table with nothing in it (here and on the check answers page). */
export function emptyTableMessage(index: number): string {
  return `Table ${index + 1} has no headings or cells: fill it in or remove it`;
}
