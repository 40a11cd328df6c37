import { EntityManager } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { evidenceStreamId, ReturnEvent, returnStreamId } from '../../../returns/src/index.js';
import { reportedEvidence } from '../project-evidence/reported-evidence.js';
import { writeReportedEvidence } from '../project-evidence/write-reported-evidence.js';
import { reportedReturn } from './reported-return.js';
import { writeReportedReturns } from './write-reported-returns.js';

/** The return events that change what the report shows; each one causes a projection job. */
export const REPORTED_RETURN_EVENTS: readonly ReturnEvent['type'][] = [
  'ReturnRequested',
  'ReturnApproved',
  'ReturnAccepted',
  'ReturnReassigned',
  'ReturnWithdrawn',
  // The texts the report holds were redacted: the rows are written again from the texts as they now read.
  'PassageRedacted',
];

/**
 * Writes what the report shows of one return (see reportedReturn) and the files it holds (reportedEvidence). It re-reads the whole stream and writes the
 * rows that stream implies, so a late or replayed projection converges on the same rows. The reporting processor
 * and the rebuild do the same for a batch of returns at once (projectReportingBatch), which tests compare to it.
 */
export async function projectReturn(
  store: EventStore,
  manager: EntityManager,
  returnId: string,
): Promise<void> {
  const events = await store.readStream<ReturnEvent>(returnStreamId(returnId), {}, manager);
  const reported = reportedReturn(events);
  if (reported) await writeReportedReturns(manager, [reported]);
  // Its files too (report_evidence): a job for an evidence event is a job for its return.
  const files = await store.readStream(evidenceStreamId(returnId), {}, manager);
  await writeReportedEvidence(manager, [returnId], reportedEvidence(events, files));
}
