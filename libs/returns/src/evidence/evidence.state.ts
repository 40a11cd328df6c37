import { EvidenceEvent } from './evidence.events.js';

export interface EvidenceFile {
  evidenceId: string;
  fileName: string;
  title: string;
  mediaType: string;
  extension: string;
  bytes: number;
  sha256: string;
  storageKey: string;
  attachedAt: string;
  inReport: boolean;
}

/** The files a return holds now, oldest first; removed files are gone from it, their events stay. */
export interface EvidenceState {
  files: EvidenceFile[];
  /** How many were ever attached: the next file is `e${attached + 1}`, so an id is never reused. */
  attached: number;
  /** Bytes of the files held now: what the per-return limit counts. */
  totalBytes: number;
}

export const initialEvidence = (): EvidenceState => ({ files: [], attached: 0, totalBytes: 0 });

export function evolveEvidence(state: EvidenceState, event: EvidenceEvent): EvidenceState {
  switch (event.type) {
    case 'EvidenceAttached': {
      const { returnId: _returnId, agencyId: _agencyId, ...file } = event.data;
      return {
        files: [...state.files, { ...file, inReport: false }],
        attached: state.attached + 1,
        totalBytes: state.totalBytes + file.bytes,
      };
    }
    case 'EvidenceRemoved': {
      const gone = state.files.find((f) => f.evidenceId === event.data.evidenceId);
      return {
        ...state,
        files: state.files.filter((f) => f.evidenceId !== event.data.evidenceId),
        totalBytes: state.totalBytes - (gone?.bytes ?? 0),
      };
    }
    case 'EvidenceReportChoiceMade':
      return {
        ...state,
        files: state.files.map((f) =>
          f.evidenceId === event.data.evidenceId ? { ...f, inReport: event.data.inReport } : f,
        ),
      };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export function foldEvidence(events: readonly { type: string; data: unknown }[]): EvidenceState {
  return events.reduce<EvidenceState>(
    (s, e) => evolveEvidence(s, { type: e.type, data: e.data } as EvidenceEvent),
    initialEvidence(),
  );
}
