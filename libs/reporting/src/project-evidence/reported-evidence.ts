import { StoredEvent } from '../../../event-store/src/index.js';
import { foldEvidence, foldReturnEvents, ReturnEvent } from '../../../returns/src/index.js';
import { textOrEmpty } from '../cycle-report/readable-content.js';

/** One file of a return as report_evidence holds it: what the report and its exports list, never the bytes. */
export interface ReportedEvidenceRow {
  returnId: string;
  evidenceId: string;
  cycleId: string;
  partnershipId: string;
  measureRef: string;
  agencyId: string;
  title: string;
  fileName: string;
  mediaType: string;
  extension: string;
  bytes: number;
  inReport: boolean;
  attachedAt: string;
}

/**
 * Pure: the files a return holds now, from its evidence stream, under its measure and current agency from its
 * own stream (a reassigned return's files go with it). None for a return that was never requested.
 */
export function reportedEvidence(
  returnEvents: readonly StoredEvent<ReturnEvent>[],
  evidenceEvents: readonly StoredEvent[],
): ReportedEvidenceRow[] {
  const state = foldReturnEvents(returnEvents as StoredEvent<ReturnEvent>[]);
  if (state.status === 'none') return [];
  return foldEvidence(evidenceEvents).files.map((f) => ({
    returnId: textOrEmpty(state.returnId),
    evidenceId: f.evidenceId,
    cycleId: textOrEmpty(state.cycleId),
    partnershipId: textOrEmpty(state.partnershipId),
    measureRef: textOrEmpty(state.measureRef),
    agencyId: textOrEmpty(state.agencyId),
    title: textOrEmpty(f.title),
    fileName: textOrEmpty(f.fileName),
    mediaType: textOrEmpty(f.mediaType),
    extension: textOrEmpty(f.extension),
    bytes: Number.isFinite(f.bytes) ? f.bytes : 0,
    inReport: f.inReport === true,
    attachedAt: f.attachedAt,
  }));
}
