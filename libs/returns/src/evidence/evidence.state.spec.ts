import { EvidenceEvent } from './evidence.events.js';
import { foldEvidence } from './evidence.state.js';

const attached = (evidenceId: string, bytes: number): EvidenceEvent => ({
  type: 'EvidenceAttached',
  data: {
    evidenceId,
    returnId: 'r1',
    agencyId: 'a1',
    fileName: `${evidenceId}.pdf`,
    title: `Sheet ${evidenceId}`,
    mediaType: 'application/pdf',
    extension: 'pdf',
    bytes,
    sha256: 'ab'.repeat(32),
    storageKey: `k-${evidenceId}`,
    attachedAt: '2026-12-03T10:00:00.000Z',
  },
});

describe('evidence on a return', () => {
  it('given two files attached and one removed, holds the other and counts only its bytes', () => {
    const state = foldEvidence([
      attached('e1', 100),
      attached('e2', 50),
      {
        type: 'EvidenceRemoved',
        data: { evidenceId: 'e1', reason: null, removedAt: '2026-12-03T11:00:00Z' },
      },
    ]);
    expect(state.files.map((f) => f.evidenceId)).toEqual(['e2']);
    expect(state.totalBytes).toBe(50);
    expect(state.attached).toBe(2);
  });

  it('given a file chosen for the report and then unchosen, leaves it out', () => {
    const chosen = (inReport: boolean): EvidenceEvent => ({
      type: 'EvidenceReportChoiceMade',
      data: { evidenceId: 'e1', inReport, chosenAt: '2026-12-03T12:00:00Z' },
    });
    expect(foldEvidence([attached('e1', 1), chosen(true)]).files[0].inReport).toBe(true);
    expect(foldEvidence([attached('e1', 1), chosen(true), chosen(false)]).files[0].inReport).toBe(false);
  });
});
