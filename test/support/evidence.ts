import { createHash } from 'node:crypto';
import { EventStore } from '../../libs/event-store/src/index.js';
import { EvidenceEvent, evidenceStreamId, foldEvidence } from '../../libs/returns/src/index.js';

export interface EvidenceForTest {
  returnId: string;
  agencyId: string;
  title: string;
  fileName?: string;
  mediaType?: string;
  extension?: string;
  bytes?: number;
  /** Who attached it: the agency's lead contact (as the link session records them), by default. */
  actorId?: string;
  at?: Date;
}

/**
 * Appends an EvidenceAttached event as the upload would, without storing any bytes: the pages, the history and
 * the report list files from the events alone. Test-only; it stays valid once the upload itself exists, since
 * the event is the contract (libs/returns/src/evidence/evidence.events.ts). Returns the file's id.
 */
export async function attachEvidenceForTest(store: EventStore, file: EvidenceForTest): Promise<string> {
  const streamId = evidenceStreamId(file.returnId);
  const events = await store.readStream<EvidenceEvent>(streamId);
  const evidenceId = `e${foldEvidence(events).attached + 1}`;
  const at = file.at ?? new Date();
  const event: EvidenceEvent = {
    type: 'EvidenceAttached',
    data: {
      evidenceId,
      returnId: file.returnId,
      agencyId: file.agencyId,
      fileName: file.fileName ?? `${file.title}.pdf`,
      title: file.title,
      mediaType: file.mediaType ?? 'application/pdf',
      extension: file.extension ?? 'pdf',
      bytes: file.bytes ?? 2_100_000,
      sha256: createHash('sha256').update(`${file.returnId}/${evidenceId}`).digest('hex'),
      storageKey: `test-${file.returnId}-${evidenceId}`,
      attachedAt: at.toISOString(),
    },
  };
  await store.append(
    streamId,
    events.at(-1)?.version ?? 0,
    [event],
    {
      actorId: file.actorId ?? 'test-lead@example.org',
      actorRole: 'agency-lead',
      correlationId: `test-attach-${evidenceId}`,
      causationId: null,
    },
    { recordedAt: at },
  );
  return evidenceId;
}

/** Appends EvidenceRemoved as the remove command would, for the same tests. */
export async function removeEvidenceForTest(store: EventStore, returnId: string, evidenceId: string) {
  const streamId = evidenceStreamId(returnId);
  const version = (await store.readStream(streamId)).at(-1)?.version ?? 0;
  const event: EvidenceEvent = {
    type: 'EvidenceRemoved',
    data: { evidenceId, reason: null, removedAt: new Date().toISOString() },
  };
  await store.append(streamId, version, [event], {
    actorId: 'test-lead@example.org',
    actorRole: 'agency-lead',
    correlationId: `test-remove-${evidenceId}`,
    causationId: null,
  });
}
