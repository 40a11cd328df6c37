import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { EventStore } from '../../../event-store/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { EVIDENCE_STORAGE, EvidenceStorage } from '../evidence/evidence-storage.js';
import { EvidenceEvent, evidenceStreamId } from '../evidence/evidence.events.js';
import { EvidenceFile, foldEvidence } from '../evidence/evidence.state.js';
import { readBesideVisibleReturn } from '../return/beside-visible-return.js';

/** A file as listed: everything but where the store keeps it. */
export type EvidenceOnReturn = Omit<EvidenceFile, 'storageKey'>;

export interface EvidenceList {
  returnId: string;
  /** The version of the return's files: the ETag, and the If-Match of the next attach or removal. */
  version: number;
  totalBytes: number;
  files: EvidenceOnReturn[];
}

/**
 * A return's files, for the staff of its partnership and the lead of its agency only: anyone else is told
 * there is no such return (404), as for the return itself.
 */
@Injectable()
export class GetEvidence {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
  ) {}

  async list(actor: Actor, returnId: string): Promise<EvidenceList> {
    const events = await readBesideVisibleReturn<EvidenceEvent>(
      this.store,
      actor,
      returnId,
      evidenceStreamId(returnId),
    );
    const state = foldEvidence(events);
    return {
      returnId,
      version: events.at(-1)?.version ?? 0,
      totalBytes: state.totalBytes,
      files: state.files.map(({ storageKey: _key, ...file }) => file),
    };
  }

  /** One file's facts and its bytes as a stream, for a download. */
  async open(
    actor: Actor,
    returnId: string,
    evidenceId: string,
  ): Promise<{ file: EvidenceFile; content: Readable }> {
    await this.list(actor, returnId);
    const events = await this.store.readStream<EvidenceEvent>(evidenceStreamId(returnId));
    const file = foldEvidence(events).files.find((f) => f.evidenceId === evidenceId);
    const content = file ? await this.storage.get(file.storageKey) : null;
    if (!file || !content)
      throw new DomainError('evidence-not-found', 'No such file on this return', 'not-found');
    return { file, content };
  }
}
