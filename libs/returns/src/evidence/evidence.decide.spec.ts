import {
  coordinator,
  lead,
  otherLead,
  reviewer,
  thenError,
  viewer,
} from '../../../../test/support/decide-spec.js';
import { Actor } from '../../../kernel/src/index.js';
import { CycleState } from '../cycle/cycle.state.js';
import { ReturnEvent } from '../return/return.events.js';
import { foldReturnEvents, ReturnStatus } from '../return/return.state.js';
import {
  decideEvidence,
  EvidenceCommand,
  KEEP_EVIDENCE_DECISION,
  refuseEvidenceChange,
  StoredFile,
} from './evidence.decide.js';
import { EvidenceEvent } from './evidence.events.js';
import { foldEvidence } from './evidence.state.js';

const now = new Date('2026-12-03T10:00:00.000Z');
/** Where the return stands: its status, its cycle's, and whether it has a signed-off version (an amendment). */
interface Standing {
  cycle?: CycleState['status'];
  amendment?: boolean;
}
const about = (status: ReturnStatus, { cycle = 'open', amendment = false }: Standing = {}) => ({
  returnId: 'y1.S1',
  agencyId: 'kcc',
  status,
  cycleStatus: cycle,
  approved: amendment,
});
const file = (bytes: number, key = 'k1'): StoredFile => ({
  fileName: 'sheet.pdf',
  title: 'Monitoring sheet',
  mediaType: 'application/pdf',
  extension: 'pdf',
  bytes,
  sha256: 'ab'.repeat(32),
  storageKey: key,
});
const attach = (
  actor: Actor,
  status: ReturnStatus,
  bytes = 10,
  maxReturnBytes = 100,
  standing: Standing = {},
): EvidenceCommand => ({
  type: 'AttachEvidence',
  actor,
  about: about(status, standing),
  file: file(bytes),
  maxReturnBytes,
  now,
});
const remove = (
  actor: Actor,
  status: ReturnStatus,
  evidenceId = 'e1',
  standing: Standing = {},
): EvidenceCommand => ({
  type: 'RemoveEvidence',
  actor,
  about: about(status, standing),
  evidenceId,
  reason: 'Wrong file',
  now,
});
const given = (...events: EvidenceEvent[]) => foldEvidence(events);
const attached = (evidenceId: string, bytes: number): EvidenceEvent => ({
  type: 'EvidenceAttached',
  data: {
    evidenceId,
    returnId: 'y1.S1',
    agencyId: 'kcc',
    ...file(bytes, `k-${evidenceId}`),
    attachedAt: now.toISOString(),
  },
});

describe('evidence on a return: who may attach and remove, and the per-return limit', () => {
  it('given no files, when the lead attaches one to a draft, then EvidenceAttached e1 with its SHA-256', () => {
    expect(decideEvidence(attach(lead, 'draft'), given())).toEqual([
      {
        type: 'EvidenceAttached',
        data: {
          evidenceId: 'e1',
          returnId: 'y1.S1',
          agencyId: 'kcc',
          ...file(10),
          attachedAt: '2026-12-03T10:00:00.000Z',
        },
      },
    ]);
  });

  it('numbers files past removed ones, so an id is never reused', () => {
    const state = given(attached('e1', 5), attached('e2', 5), {
      type: 'EvidenceRemoved',
      data: { evidenceId: 'e2', reason: null, removedAt: now.toISOString() },
    });
    expect(decideEvidence(attach(lead, 'requested'), state)[0].data).toMatchObject({ evidenceId: 'e3' });
  });

  it.each<ReturnStatus>(['submitted', 'approved', 'accepted', 'withdrawn'])(
    'refuses the lead once the return is %s',
    (status) => {
      thenError(() => decideEvidence(attach(lead, status), given()), 'return-not-editable', 'conflict');
      thenError(
        () => decideEvidence(remove(lead, status), given(attached('e1', 5))),
        'return-not-editable',
        'conflict',
      );
    },
  );

  it('lets the coordinator attach and remove until approval, and not after', () => {
    for (const status of ['requested', 'draft', 'submitted'] as const) {
      expect(decideEvidence(attach(coordinator, status), given())).toHaveLength(1);
      expect(decideEvidence(remove(coordinator, status), given(attached('e1', 5)))).toEqual([
        {
          type: 'EvidenceRemoved',
          data: { evidenceId: 'e1', reason: 'Wrong file', removedAt: '2026-12-03T10:00:00.000Z' },
        },
      ]);
    }
    for (const status of ['approved', 'accepted', 'withdrawn'] as const) {
      thenError(
        () => decideEvidence(attach(coordinator, status), given()),
        'return-not-editable',
        'conflict',
      );
    }
  });

  // An attacker's probe (2026-12-06): the lead's files page said a closed cycle's files could not change, but
  // the upload and the removal behind it took them, from the lead and the coordinator alike.
  it.each(['closed', 'published'] as const)(
    'refuses the lead and the coordinator once the cycle is %s, but not in an amendment of an approved return',
    (cycleStatus) => {
      const inCycle = (command: EvidenceCommand, approved = false): EvidenceCommand => ({
        ...command,
        about: { ...command.about, cycleStatus, approved },
      });
      for (const actor of [lead, coordinator]) {
        for (const status of ['requested', 'draft'] as const) {
          thenError(
            () => decideEvidence(inCycle(attach(actor, status)), given()),
            'cycle-closed',
            'conflict',
          );
          thenError(
            () => decideEvidence(inCycle(remove(actor, status)), given(attached('e1', 5))),
            'cycle-closed',
            'conflict',
          );
        }
        // Reopened after approval: a draft again, amended, as the return's own words may be.
        expect(decideEvidence(inCycle(attach(actor, 'draft'), true), given())).toHaveLength(1);
      }
      // Another agency's lead still finds no such return, closed cycle or not.
      thenError(
        () => decideEvidence(inCycle(attach(otherLead, 'draft')), given()),
        'return-not-found',
        'not-found',
      );
    },
  );

  it('refuses reviewers and viewers (403), and another agency’s lead as if the return were not there (404)', () => {
    thenError(() => decideEvidence(attach(reviewer, 'draft'), given()), 'evidence-role', 'forbidden');
    thenError(() => decideEvidence(attach(viewer, 'draft'), given()), 'evidence-role', 'forbidden');
    thenError(() => decideEvidence(attach(otherLead, 'draft'), given()), 'return-not-found', 'not-found');
  });

  it('refuses a file that would take the return over its limit, counting only the files held now', () => {
    thenError(
      () => decideEvidence(attach(lead, 'draft', 41, 100), given(attached('e1', 60))),
      'evidence-return-full',
      'unprocessable',
      'file',
    );
    expect(decideEvidence(attach(lead, 'draft', 40, 100), given(attached('e1', 60)))).toHaveLength(1);
    const removed = given(attached('e1', 60), {
      type: 'EvidenceRemoved',
      data: { evidenceId: 'e1', reason: null, removedAt: now.toISOString() },
    });
    expect(decideEvidence(attach(lead, 'draft', 100, 100), removed)).toHaveLength(1);
  });

  it('refuses to remove a file the return does not hold (never held, or removed already)', () => {
    thenError(() => decideEvidence(remove(lead, 'draft', 'e9'), given()), 'evidence-not-found', 'not-found');
    const removed = given(attached('e1', 5), {
      type: 'EvidenceRemoved',
      data: { evidenceId: 'e1', reason: null, removedAt: now.toISOString() },
    });
    thenError(() => decideEvidence(remove(lead, 'draft'), removed), 'evidence-not-found', 'not-found');
  });

  describe('in a closed cycle, files change as the return’s draft does: only on an amendment', () => {
    const closed: CycleState['status'][] = ['closed', 'published'];

    it.each(closed)(
      'given a return left unresolved when its cycle was %s, when its lead attaches or removes a file, then cycle-closed (409) and no event',
      (cycle) => {
        for (const status of ['requested', 'draft'] as const) {
          thenError(
            () => decideEvidence(attach(lead, status, 10, 100, { cycle }), given()),
            'cycle-closed',
            'conflict',
          );
          thenError(
            () => decideEvidence(remove(lead, status, 'e1', { cycle }), given(attached('e1', 5))),
            'cycle-closed',
            'conflict',
          );
        }
      },
    );

    it.each(closed)(
      'given a return left unresolved when its cycle was %s, when the coordinator attaches or removes a file, then cycle-closed (409)',
      (cycle) => {
        for (const status of ['requested', 'draft', 'submitted'] as const) {
          thenError(
            () => decideEvidence(attach(coordinator, status, 10, 100, { cycle }), given()),
            'cycle-closed',
            'conflict',
          );
          thenError(
            () => decideEvidence(remove(coordinator, status, 'e1', { cycle }), given(attached('e1', 5))),
            'cycle-closed',
            'conflict',
          );
        }
      },
    );

    it.each(closed)(
      'given an approved return reopened after its cycle was %s, when its lead attaches and removes files, then the events, as for a draft',
      (cycle) => {
        const amending = { cycle, amendment: true };
        expect(decideEvidence(attach(lead, 'draft', 10, 100, amending), given())[0]).toMatchObject({
          type: 'EvidenceAttached',
          data: { evidenceId: 'e1' },
        });
        expect(decideEvidence(remove(lead, 'draft', 'e1', amending), given(attached('e1', 5)))).toEqual([
          {
            type: 'EvidenceRemoved',
            data: { evidenceId: 'e1', reason: 'Wrong file', removedAt: '2026-12-03T10:00:00.000Z' },
          },
        ]);
        // The coordinator, until the amendment is approved.
        expect(decideEvidence(attach(coordinator, 'submitted', 10, 100, amending), given())).toHaveLength(1);
      },
    );

    it('given a sent, approved, accepted or withdrawn return in a closed cycle, then the status is the reason, amendment or not', () => {
      for (const status of ['submitted', 'approved', 'accepted', 'withdrawn'] as const) {
        for (const amendment of [false, true]) {
          thenError(
            () => decideEvidence(attach(lead, status, 10, 100, { cycle: 'closed', amendment }), given()),
            'return-not-editable',
            'conflict',
          );
        }
      }
    });

    it('given an open cycle (or one drafted), when the lead attaches to a draft, then it is taken', () => {
      for (const cycle of ['open', 'drafted'] as const) {
        expect(decideEvidence(attach(lead, 'draft', 10, 100, { cycle }), given())).toHaveLength(1);
      }
    });
  });

  // The append of a file confirms the return still stands as read, but for these events: a decision made before
  // one of them must still be the decision after it, or a lead's file would be taken by a return they cannot edit.
  describe('the return events a decision on its files survives (KEEP_EVIDENCE_DECISION)', () => {
    const requested: ReturnEvent = {
      type: 'ReturnRequested',
      data: {
        returnId: 'y1.S1',
        cycleId: 'y1',
        partnershipId: 'lsp',
        planId: 'p1',
        measureRef: 'S1',
        themeId: 't1',
        agencyId: 'kcc',
        dueDate: '2030-04-30',
      },
    };
    const content = { narrative: 'Done' };
    const kept: Record<(typeof KEEP_EVIDENCE_DECISION)[number], ReturnEvent> = {
      ReturnDraftSaved: { type: 'ReturnDraftSaved', data: { content, by: 'ann' } },
      DeadlineExtended: { type: 'DeadlineExtended', data: { dueDate: '2030-05-31', reason: 'Illness' } },
      PassageRedacted: {
        type: 'PassageRedacted',
        data: {
          field: 'narrative',
          passageSha256: 'ab'.repeat(32),
          passageLength: 4,
          reason: 'Name',
          by: 'cora',
        },
      },
    };
    const submitted: ReturnEvent = { type: 'ReturnSubmitted', data: { content, by: 'ann', late: false } };
    const sentBack: ReturnEvent = { type: 'ReturnSentBack', data: { reason: 'More' } };
    const asRead = (events: ReturnEvent[]) => {
      const state = foldReturnEvents(events);
      if (state.status === 'none') throw new Error('no return');
      return {
        returnId: 'y1.S1',
        agencyId: state.agencyId,
        status: state.status,
        cycleStatus: 'open' as const,
        approved: state.approved !== null,
      };
    };
    const histories: [Actor, ReturnEvent[]][] = [
      [lead, [requested]],
      [lead, [requested, kept.ReturnDraftSaved]],
      [lead, [requested, submitted, sentBack]],
      [coordinator, [requested]],
      [coordinator, [requested, submitted]],
    ];

    it('given a return its lead or the coordinator may change the files of, then after each of them they still may', () => {
      for (const [actor, history] of histories) {
        expect(() => refuseEvidenceChange(actor, asRead(history))).not.toThrow();
        for (const event of Object.values(kept)) {
          expect(() => refuseEvidenceChange(actor, asRead([...history, event]))).not.toThrow();
        }
      }
    });

    it('given a draft, when it is submitted, then the lead may no longer change its files: a submit is not one of them', () => {
      thenError(
        () => refuseEvidenceChange(lead, asRead([requested, kept.ReturnDraftSaved, submitted])),
        'return-not-editable',
        'conflict',
      );
      expect(KEEP_EVIDENCE_DECISION).not.toContain('ReturnSubmitted');
    });
  });
});
