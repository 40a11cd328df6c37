import { coordinator, lead, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { EvidenceEvent } from '../evidence/evidence.events.js';
import { evolveEvidence, initialEvidence } from '../evidence/evidence.state.js';
import { ChooseEvidenceInReport, decideEvidenceInReport } from './choose-evidence-in-report.decide.js';

// given-events / when-command / then-events
const given = (...events: EvidenceEvent[]) => events.reduce(evolveEvidence, initialEvidence());
const NOW = new Date('2020-05-02T09:30:00Z');
const choose = (evidenceId: string, inReport: boolean, actor = coordinator): ChooseEvidenceInReport => ({
  type: 'ChooseEvidenceInReport',
  actor,
  evidenceId,
  inReport,
  now: NOW,
});

const attached = (evidenceId: string): EvidenceEvent => ({
  type: 'EvidenceAttached',
  data: {
    evidenceId,
    returnId: 'y1.C3',
    agencyId: 'kcc',
    fileName: 'neet-by-district.xlsx',
    title: 'NEET by district',
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    bytes: 2_100_000,
    sha256: 'cd'.repeat(32),
    storageKey: `k-${evidenceId}`,
    attachedAt: '2020-04-20T10:00:00.000Z',
  },
});
const chosen = (evidenceId: string, inReport: boolean): EvidenceEvent => ({
  type: 'EvidenceReportChoiceMade',
  data: { evidenceId, inReport, chosenAt: NOW.toISOString() },
});
const removed = (evidenceId: string): EvidenceEvent => ({
  type: 'EvidenceRemoved',
  data: { evidenceId, reason: 'Wrong file', removedAt: '2020-04-21T10:00:00.000Z' },
});

describe('ChooseEvidenceInReport', () => {
  it('given a file attached, the coordinator puts it in the report, at the time given', () => {
    expect(decideEvidenceInReport(choose('e1', true), given(attached('e1')))).toEqual([chosen('e1', true)]);
  });

  it('given a file in the report, the coordinator takes it out again', () => {
    expect(decideEvidenceInReport(choose('e1', false), given(attached('e1'), chosen('e1', true)))).toEqual([
      chosen('e1', false),
    ]);
  });

  it('choosing what already stands appends nothing (a form sent twice)', () => {
    expect(decideEvidenceInReport(choose('e1', false), given(attached('e1')))).toEqual([]);
    expect(decideEvidenceInReport(choose('e1', true), given(attached('e1'), chosen('e1', true)))).toEqual([]);
  });

  it('refuses a file that was never attached, naming the field', () => {
    thenError(
      () => decideEvidenceInReport(choose('e2', true), given(attached('e1'))),
      'evidence-not-found',
      'not-found',
      'evidenceId',
    );
  });

  it('refuses a file that was removed: it cannot come back into the report', () => {
    thenError(
      () => decideEvidenceInReport(choose('e1', true), given(attached('e1'), removed('e1'))),
      'evidence-not-found',
      'not-found',
      'evidenceId',
    );
  });

  it('refuses anyone but a coordinator: a reviewer, the agency’s lead', () => {
    for (const actor of [reviewer, lead]) {
      thenError(
        () => decideEvidenceInReport(choose('e1', true, actor), given(attached('e1'))),
        'forbidden',
        'forbidden',
      );
    }
  });
});
