import { Actor, DomainError } from '../../../kernel/src/index.js';
import { CycleState } from '../cycle/cycle.state.js';
import { ReturnEventType } from '../return/return.events.js';
import { ReturnStatus } from '../return/return.state.js';
import { EvidenceEvent } from './evidence.events.js';
import { EvidenceState } from './evidence.state.js';

/** What the evidence rules need to know of the return, read by the handler from the return's stream. */
export interface EvidenceReturn {
  returnId: string;
  agencyId: string;
  status: ReturnStatus;
  /** The status of the return's cycle: once it is closed, the files are as settled as the return. */
  cycleStatus: CycleState['status'];
  /** Whether the return was ever approved: an amendment of an approved return still changes after a close. */
  approved: boolean;
}

/** A file the store already holds, and what its content was found to be. */
export interface StoredFile {
  fileName: string;
  title: string;
  mediaType: string;
  extension: string;
  bytes: number;
  sha256: string;
  storageKey: string;
}

export type EvidenceCommand =
  | {
      type: 'AttachEvidence';
      actor: Actor;
      about: EvidenceReturn;
      file: StoredFile;
      maxReturnBytes: number;
      now: Date;
    }
  | {
      type: 'RemoveEvidence';
      actor: Actor;
      about: EvidenceReturn;
      evidenceId: string;
      reason: string | null;
      now: Date;
    };

/** The lead writes while the return is theirs to edit: asked for, in draft, or sent back (a draft again). */
const LEAD_MAY_CHANGE: readonly ReturnStatus[] = ['requested', 'draft'];
/** The coordinator may add or take away a file at any time before the return is approved. */
const COORDINATOR_MAY_CHANGE: readonly ReturnStatus[] = ['requested', 'draft', 'submitted'];

/**
 * The return's events that leave a decision on its files standing, when they come between its read and its
 * append: each leaves the return a draft (or keeps its status), with its agency and its approval as they were,
 * so whoever could change its files still can. A lead saving a draft as a file uploads is not refused for it;
 * a submit, a reassignment or an approval meanwhile is decided on again.
 */
export const KEEP_EVIDENCE_DECISION = [
  'ReturnDraftSaved',
  'DeadlineExtended',
  'PassageRedacted',
] as const satisfies readonly ReturnEventType[];

/**
 * Who may attach or remove a file now: the lead of the return's own agency while the return is editable, and
 * the coordinator until approval; neither once the cycle is closed, unless the return is an amendment of an
 * approved one (as for the return's own words, see refuseOnClosedCycle). Checked before a byte of an upload is
 * read, and again in the decision.
 */
export function refuseEvidenceChange(actor: Actor, about: EvidenceReturn): void {
  refuseByRole(actor, about);
  if ((about.cycleStatus === 'closed' || about.cycleStatus === 'published') && !about.approved) {
    throw new DomainError(
      'cycle-closed',
      'This cycle is closed: its returns and their files no longer change, except amendments to approved ones',
      'conflict',
    );
  }
}

function refuseByRole(actor: Actor, about: EvidenceReturn): void {
  if (actor.role === 'agency-lead') {
    if (actor.agencyId !== about.agencyId) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    if (!LEAD_MAY_CHANGE.includes(about.status)) {
      throw new DomainError(
        'return-not-editable',
        `This return is ${about.status}: its files change only while it is being written`,
        'conflict',
      );
    }
    return;
  }
  if (actor.role === 'coordinator') {
    if (!COORDINATOR_MAY_CHANGE.includes(about.status)) {
      throw new DomainError(
        'return-not-editable',
        `This return is ${about.status}: its files no longer change (reopen it first)`,
        'conflict',
      );
    }
    return;
  }
  throw new DomainError(
    'evidence-role',
    'Only the agency’s lead and the coordinator attach or remove files',
    'forbidden',
  );
}

/** The rules of a return's files: given them and a command, the events that happen (or why not). */
export function decideEvidence(command: EvidenceCommand, state: EvidenceState): EvidenceEvent[] {
  refuseEvidenceChange(command.actor, command.about);
  switch (command.type) {
    case 'AttachEvidence': {
      const { file } = command;
      if (state.totalBytes + file.bytes > command.maxReturnBytes) {
        throw new DomainError(
          'evidence-return-full',
          `The files on a return may come to ${inMegabytes(command.maxReturnBytes)} at most: ` +
            `this one (${inMegabytes(file.bytes)}) would take it over`,
          'unprocessable',
          'file',
        );
      }
      return [
        {
          type: 'EvidenceAttached',
          data: {
            evidenceId: `e${state.attached + 1}`,
            returnId: command.about.returnId,
            agencyId: command.about.agencyId,
            ...file,
            attachedAt: command.now.toISOString(),
          },
        },
      ];
    }
    case 'RemoveEvidence': {
      if (!state.files.some((f) => f.evidenceId === command.evidenceId)) {
        throw new DomainError('evidence-not-found', 'No such file on this return', 'not-found');
      }
      return [
        {
          type: 'EvidenceRemoved',
          data: {
            evidenceId: command.evidenceId,
            reason: command.reason,
            removedAt: command.now.toISOString(),
          },
        },
      ];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/** A size for people: "20 MB", "1.5 MB", "300 KB". */
export function inMegabytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}
