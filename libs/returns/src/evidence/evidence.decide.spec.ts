import {
  coordinator,
  lead,
  otherLead,
  reviewer,
  thenError,
  viewer,
} from '../../../../test/support/decide-spec.js';
import { Actor } from '../../../kernel/src/index.js';
import { ReturnStatus } from '../return/return.state.js';
import { decideEvidence, EvidenceCommand, StoredFile } from './evidence.decide.js';
import { EvidenceEvent } from './evidence.events.js';
import { foldEvidence } from './evidence.state.js';

const now = new Date('2026-12-03T10:00:00.000Z');
const about = (status: ReturnStatus) => ({ returnId: 'y1.S1', agencyId: 'kcc', status });
const file = (bytes: number, key = 'k1'): StoredFile => ({
  fileName: 'sheet.pdf',
  title: 'Monitoring sheet',
  mediaType: 'application/pdf',
  extension: 'pdf',
  bytes,
  sha256: 'ab'.repeat(32),
  storageKey: key,
});
const attach = (actor: Actor, status: ReturnStatus, bytes = 10, maxReturnBytes = 100): EvidenceCommand => ({
  type: 'AttachEvidence',
  actor,
  about: about(status),
  file: file(bytes),
  maxReturnBytes,
  now,
});
const remove = (actor: Actor, status: ReturnStatus, evidenceId = 'e1'): EvidenceCommand => ({
  type: 'RemoveEvidence',
  actor,
  about: about(status),
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
});
