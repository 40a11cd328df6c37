import { Inject, Injectable } from '@nestjs/common';
import { Actor, dayInWords, clockInWords } from '../../../kernel/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { historyEntry, ReturnHistoryEntry } from '../get-return/return-view.js';
import { EvidenceEvent, evidenceStreamId } from '../evidence/evidence.events.js';
import { EvidenceFile, foldEvidence } from '../evidence/evidence.state.js';
import { readBesideVisibleReturn } from '../return/beside-visible-return.js';
import { fileSizeInWords, fileTypeInWords } from './evidence-words.js';

/** One file as the pages list it: what the lead called it, its name, its type and size in words, and when. */
export interface ListedEvidence {
  evidenceId: string;
  title: string;
  fileName: string;
  typeWords: string;
  sizeWords: string;
  attachedWords: string;
  inReport: boolean;
}

export interface EvidenceListingView {
  returnId: string;
  /** The version of the return's files: what the coordinator's report choice sends back as its version. */
  version: number;
  files: ListedEvidence[];
  /** The files' events as history entries, for the return's history in words. */
  history: ReturnHistoryEntry[];
}

export function listedEvidence(file: EvidenceFile): ListedEvidence {
  return {
    evidenceId: file.evidenceId,
    title: file.title,
    fileName: file.fileName,
    typeWords: fileTypeInWords(file.mediaType, file.extension),
    sizeWords: fileSizeInWords(file.bytes),
    attachedWords: `${dayInWords(file.attachedAt)} at ${clockInWords(file.attachedAt)}`,
    inReport: file.inReport,
  };
}

/** Pure: a return's files as its readers see them, oldest first, and their history. */
export function evidenceListingView(returnId: string, events: readonly StoredEvent[]): EvidenceListingView {
  return {
    returnId,
    version: events.at(-1)?.version ?? 0,
    files: foldEvidence(events).files.map(listedEvidence),
    history: events.map((e) => historyEntry(e, (e.data as { reason?: string | null }).reason ?? null)),
  };
}

/**
 * The files on a return, for whoever may see the return (staff of its partnership, the lead of its agency):
 * anyone else is told there is no such return. It lists; the files themselves are served elsewhere.
 */
@Injectable()
export class EvidenceListing {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async of(actor: Actor, returnId: string): Promise<EvidenceListingView> {
    return evidenceListingView(
      returnId,
      await readBesideVisibleReturn<EvidenceEvent>(this.store, actor, returnId, evidenceStreamId(returnId)),
    );
  }
}
