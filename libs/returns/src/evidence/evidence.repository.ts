import { Inject, Injectable, Logger } from '@nestjs/common';
import { pipeline, Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  commandTransactionOn,
  ConcurrencyError,
  EventStore,
  metadataFor,
  refuseStaleVersion,
  UnchangedStream,
} from '../../../event-store/src/index.js';
import { cycleAsRead, CycleRepository } from '../cycle/cycle.repository.js';
import { CycleState } from '../cycle/cycle.state.js';
import { Clock, CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents } from '../return/return.state.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { checkedFileName, checkedTitle } from './evidence-file-name.js';
import { EvidenceInspector } from './evidence-inspector.js';
import { EVIDENCE_STORAGE, EvidenceStorage } from './evidence-storage.js';
import {
  decideEvidence,
  EvidenceCommand,
  EvidenceReturn,
  inMegabytes,
  KEEP_EVIDENCE_DECISION,
} from './evidence.decide.js';
import { EvidenceEvent, evidenceStreamId } from './evidence.events.js';
import { EvidenceState, foldEvidence } from './evidence.state.js';

/** What an upload brings: the name and title as given, the type the client declared (never trusted), the bytes. */
export interface EvidenceUpload {
  fileName: string;
  title: string;
  declaredType: string;
  content: Readable;
}

export interface EvidenceResult {
  evidenceId: string;
  /** The evidence stream's version after the write: its ETag. */
  version: number;
  sha256: string;
  bytes: number;
  mediaType: string;
}

/** The return's cycle as a write read it: its status, and the guard its append confirms. */
interface CycleAsRead {
  status: CycleState['status'];
  guard: UnchangedStream;
}

/**
 * The return as a write read it, with its cycle, and the guard on the return's own stream: the append confirms
 * it too, or a lead's submit between the read and the append leaves a file attached after ReturnSubmitted.
 */
type AboutReturn = EvidenceReturn & { cycle: CycleAsRead; guard: UnchangedStream };

/**
 * A writer that lost the race for the evidence stream decides again on what the winner wrote: every upload that
 * still fits is taken, and the per-return limit holds however many arrive at once. Each loss means another
 * writer's file went in, so this bounds nothing that can happen short of that many uploads at once.
 */
const ATTEMPTS = 1_000;

/** How often a process looks for stale bytes, after an upload: cheap (an indexed look at old rows), not free. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

/**
 * Load, decide, append for a return's files, with the bytes kept in step with the events: the bytes are
 * stored first (all or nothing, see EvidenceStorage.put), then EvidenceAttached is appended; when the append
 * is refused the bytes are deleted at once. A crash between the two leaves bytes no event names, which the
 * sweep (sweepStale) deletes once they are older than any upload could still be waiting to append. Removal is
 * the other way round: EvidenceRemoved first, then the bytes; a crash between leaves bytes of a removed file,
 * which the sweep deletes too. So the events never name bytes that are not there.
 */
@Injectable()
export class EvidenceRepository {
  private readonly logger = new Logger(EvidenceRepository.name);
  private lastSweep = 0;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
  ) {}

  /**
   * The return as the evidence rules see it, if the actor may see it at all (404 otherwise, alike), with its
   * cycle as read (or as `known` from an earlier attempt of the same write): the append confirms the cycle still
   * stands so, and a close meanwhile is decided on again.
   */
  async about(returnId: string, envelope: CommandEnvelope, known?: CycleAsRead): Promise<AboutReturn> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    const state = foldReturnEvents(events);
    if (state.status === 'none' || !canSeeReturn(envelope.actor, state)) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    const cycle = known ?? (await this.cycleAsRead(state.cycleId));
    return {
      returnId,
      agencyId: state.agencyId,
      status: state.status,
      cycleStatus: cycle.status,
      approved: state.approved !== null,
      cycle,
      // Share-locked, so a submit still on its way is waited for and seen (its side checks no file's stream).
      guard: {
        streamId: returnStreamId(returnId),
        version: events.at(-1)!.version,
        wait: true,
        movedOnlyBy: KEEP_EVIDENCE_DECISION,
      },
    };
  }

  private async cycleAsRead(cycleId: string): Promise<CycleAsRead> {
    const { status, version } = await this.cycles.standing(cycleId);
    return { status, guard: cycleAsRead(cycleId, version) };
  }

  async load(returnId: string): Promise<{ state: EvidenceState; version: number }> {
    const events = await this.store.readStream<EvidenceEvent>(evidenceStreamId(returnId));
    return { state: foldEvidence(events), version: events.at(-1)?.version ?? 0 };
  }

  async attach(returnId: string, envelope: CommandEnvelope, upload: EvidenceUpload): Promise<EvidenceResult> {
    // Everything that can be refused without the bytes is refused before a byte is read.
    const about = await this.about(returnId, envelope);
    const { state, version } = await this.load(returnId);
    this.refuseStale(returnId, envelope, version);
    const fileName = checkedFileName(upload.fileName);
    const title = checkedTitle(upload.title, fileName);
    decideEvidence(this.attachCommand(envelope, about, { bytes: 0 }), state);
    const { maxFileBytes, maxReturnBytes } = this.config.evidence;
    const left = maxReturnBytes - state.totalBytes;
    const inspector = new EvidenceInspector(fileName, {
      maxBytes: Math.min(maxFileBytes, left),
      refusal: () =>
        maxFileBytes <= left
          ? new DomainError(
              'file-too-large',
              `The file must be ${inMegabytes(maxFileBytes)} or smaller`,
              'unprocessable',
              'file',
            )
          : new DomainError(
              'evidence-return-full',
              `The files on a return may come to ${inMegabytes(maxReturnBytes)} at most: ` +
                `${inMegabytes(Math.max(0, left))} is left`,
              'unprocessable',
              'file',
            ),
    });
    const stored = await this.storage.put(pipeline(upload.content, inspector, () => undefined));
    try {
      const file = { fileName, title, ...inspector.inspection, ...stored };
      const result = await this.appendDeciding(returnId, envelope, (about, state) =>
        decideEvidence(this.attachCommand(envelope, about, file), state),
      );
      this.sweepNowAndThen();
      return result;
    } catch (error) {
      // Refused after an append was tried in a request's transaction (under an Idempotency-Key, outrun and decided
      // again), which holds a connection until it rolls back: the bytes, named by no event, are left to the sweep.
      // Deleted on a second connection from the pool, a burst of keyed uploads to one return held all 20 and
      // each waited for another, answering 503 after the pool's 10 s.
      if (!commandTransactionOn(this.dataSource)?.begun) await this.storage.delete(stored.storageKey);
      throw error;
    }
  }

  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.sweepStale().catch((error: Error) => this.logger.warn(`Evidence sweep failed: ${error.message}`));
  }

  async remove(
    returnId: string,
    envelope: CommandEnvelope,
    evidenceId: string,
    reason: string | null,
  ): Promise<EvidenceResult> {
    const { version } = await this.load(returnId);
    this.refuseStale(returnId, envelope, version);
    let storageKey = '';
    const result = await this.appendDeciding(returnId, envelope, (about, state) => {
      const command: EvidenceCommand = {
        type: 'RemoveEvidence',
        actor: envelope.actor,
        about,
        evidenceId,
        reason,
        now: this.clock.now(),
      };
      const events = decideEvidence(command, state);
      storageKey = state.files.find((f) => f.evidenceId === evidenceId)!.storageKey;
      return events;
    });
    // Under an Idempotency-Key the event is not in yet: it commits with the request's transaction, and the bytes'
    // delete with it, on its connection. On the pool, the bytes went before the event did (a rollback kept a file
    // without them), and the delete waited for a second connection while the transaction held one: with the api's
    // others all held the same way, the pool's 10 s.
    const command = commandTransactionOn(this.dataSource);
    if (command?.begun) {
      await this.storage.delete(storageKey, await command.manager());
      return result;
    }
    // The event is in: the bytes go now, or at the next sweep if this fails.
    await this.storage.delete(storageKey).catch((error: Error) => {
      this.logger.warn(
        `Bytes of removed evidence ${evidenceId} on ${returnId} left for the sweep: ${error.message}`,
      );
    });
    return result;
  }

  /**
   * Deletes stored bytes that no held file names and that are older than `olderThanMs` (an upload's bytes are
   * stored a moment before its event is appended; the margin keeps the sweep out of that moment).
   */
  async sweepStale(olderThanMs = 60 * 60 * 1000, batch = 500): Promise<number> {
    const keys = await this.storage.storedBefore(new Date(this.clock.now().getTime() - olderThanMs), batch);
    if (keys.length === 0) return 0;
    const held: { key: string }[] = await this.dataSource.query(
      `SELECT a.data->>'storageKey' AS key FROM events a
       WHERE a.type = 'EvidenceAttached' AND a.data->>'storageKey' = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM events r WHERE r.stream_id = a.stream_id AND r.type = 'EvidenceRemoved'
                           AND r.data->>'evidenceId' = a.data->>'evidenceId')`,
      [keys],
    );
    const keep = new Set(held.map((h) => h.key));
    const stale = keys.filter((k) => !keep.has(k));
    for (const key of stale) await this.storage.delete(key);
    return stale.length;
  }

  private refuseStale(returnId: string, envelope: CommandEnvelope, version: number): void {
    refuseStaleVersion(evidenceStreamId(returnId), envelope.expectedVersion, version);
  }

  private attachCommand(
    envelope: CommandEnvelope,
    about: EvidenceReturn,
    file: Partial<Extract<EvidenceCommand, { type: 'AttachEvidence' }>['file']>,
  ): EvidenceCommand {
    return {
      type: 'AttachEvidence',
      actor: envelope.actor,
      about,
      file: {
        fileName: '',
        title: '',
        mediaType: '',
        extension: '',
        bytes: 0,
        sha256: '',
        storageKey: '',
        ...file,
      },
      maxReturnBytes: this.config.evidence.maxReturnBytes,
      now: this.clock.now(),
    };
  }

  /**
   * Decides on the return and its files as they stand and appends at the version read. A caller who named a
   * version (If-Match) is held to it; one who did not is decided again on what a concurrent writer appended.
   */
  private async appendDeciding(
    returnId: string,
    envelope: CommandEnvelope,
    decide: (about: EvidenceReturn, state: EvidenceState) => EvidenceEvent[],
  ): Promise<EvidenceResult> {
    // The cycle is read once: an attempt outrun by another file's append finds it as it was, unless it was the
    // cycle that moved (100 uploads at once to one return make thousands of attempts).
    let cycle: CycleAsRead | undefined;
    for (let attempt = 1; ; attempt++) {
      const about = await this.about(returnId, envelope, cycle);
      cycle = about.cycle;
      const { state, version } = await this.load(returnId);
      this.refuseStale(returnId, envelope, version);
      const events = decide(about, state);
      try {
        // A file is never attached or removed after the close of a cycle that read as open, nor after a submit of
        // a return that read as a draft (see about). Not appendWhileUnchanged: under an Idempotency-Key its
        // savepoint made a subtransaction of every attempt, and 100 keyed uploads to one return (thousands of
        // attempts) took twice as long.
        const [{ nextExpectedVersion }] = await this.store.appendMany(
          [{ streamId: evidenceStreamId(returnId), expectedVersion: version, events }],
          // A removal's reason stays out of the metadata: EvidenceRemoved holds it apart (EVIDENCE_REASON_TEXTS),
          // where it can be redacted, and a copy in the metadata would keep it readable in the log for good.
          metadataFor(envelope),
          { recordedAt: this.clock.now() },
          [about.cycle.guard, about.guard],
        );
        const [event] = events;
        const file =
          event.type === 'EvidenceAttached'
            ? event.data
            : state.files.find((f) => f.evidenceId === event.data.evidenceId)!;
        return {
          evidenceId: event.data.evidenceId,
          version: nextExpectedVersion,
          sha256: file.sha256,
          bytes: file.bytes,
          mediaType: file.mediaType,
        };
      } catch (error) {
        // The cycle closed or the return moved on meanwhile: read again, and decided again, whatever version of
        // the files the caller named (If-Match is not the return's). In a request's own transaction the append is
        // in it already: that transaction is left to roll back (409).
        const cycleMoved = error instanceof ConcurrencyError && error.streamId === about.cycle.guard.streamId;
        const returnMoved = error instanceof ConcurrencyError && error.streamId === about.guard.streamId;
        if ((cycleMoved || returnMoved) && commandTransactionOn(this.dataSource)?.begun) throw error;
        if (cycleMoved) cycle = undefined;
        const raced =
          error instanceof ConcurrencyError &&
          (envelope.expectedVersion === undefined || cycleMoved || returnMoved);
        if (!raced || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
