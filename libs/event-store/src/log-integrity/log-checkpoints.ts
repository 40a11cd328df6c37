import { DataSource } from 'typeorm';
import { AppendNotifier } from '../append-notifier.js';
import { ConcurrencyError } from '../concurrency.error.js';
import { EventMetadata } from '../event.js';
import { EventStore } from '../event-store.js';
import { LOG_CHECKPOINTS_STREAM, LogCheckpointed, LogDigest } from './log-digest.js';
import { rootOfHeads, StreamHead } from './stream-heads.js';

const LATEST = `SELECT version, data, recorded_at FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`;

// event_fence(): the oldest transaction of this database still running (the subscribers' fence, see the
// migration EventFence1765094000100). Every event of an earlier transaction id is settled, and no transaction can
// be given such an id any more: the set under the fence never changes again. It was the oldest transaction
// running anywhere on the server, so a long transaction in another database held checkpoints back as well.
const FENCE = `SELECT event_fence()::text AS fence`;

const CHANGED_SINCE = `SELECT EXISTS (
  SELECT 1 FROM events
  WHERE transaction_id >= $1::xid8 AND transaction_id < $2::xid8 AND stream_id <> $3) AS changed`;

const LAST_POSITION = `SELECT coalesce(max(global_position), 0)::text AS last FROM events`;

const LEFT_OUT = `SELECT EXISTS (
  SELECT 1 FROM events WHERE global_position <= $1::bigint AND transaction_id >= $2::xid8) AS left_out`;

const HEADS = `SELECT DISTINCT ON (stream_id) stream_id, version, encode(hash, 'hex') AS hash, global_position
  FROM events WHERE transaction_id < $1::xid8
  ORDER BY stream_id, version DESC`;

const METADATA: EventMetadata = { actorId: 'log-checkpoint', actorRole: 'system', correlationId: '' };

/**
 * The periodic checkpoint of the tamper-evident log: a LogCheckpointed event on LOG_CHECKPOINTS_STREAM recording
 * the root over every stream's head under a fence (and the previous checkpoint's root). The worker takes one
 * every LOG_CHECKPOINT_EVERY_MS; `npm run log:digest` prints the latest, and each publication carries it.
 */
export class LogCheckpoints {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  /** The latest checkpoint's digest, or null before the first. */
  async latest(): Promise<LogDigest | null> {
    const [row] = await this.lastCheckpoint();
    return row ? { ...pick(row.data), at: row.recorded_at.toISOString() } : null;
  }

  /**
   * Takes a checkpoint, unless nothing outside the checkpoints stream has been settled since the last one (an
   * idle log is not filled with checkpoints; an empty one gets none) or another worker took it meanwhile: then
   * null.
   *
   * `coveringAll`: only a checkpoint of every event committed when it was called, else null (nothing taken). The
   * fence can stand below events already committed for a moment (a transaction the server is running whose
   * database it cannot yet tell counts as this one's, see event_fence), and a checkpoint then covered only part
   * of the log: what a digest asked for now (`npm run log:digest -- --checkpoint`, a test) must not be.
   */
  async take(now: Date = new Date(), { coveringAll = false } = {}): Promise<LogDigest | null> {
    // A notification of this process's still in flight holds an id of this database below what it announces.
    await AppendNotifier.of(this.dataSource).idle();
    const [last] = await this.lastCheckpoint();
    // Read before the fence: every event committed by now must stand under it.
    const lastPosition = coveringAll ? await this.lastPosition() : null;
    const [{ fence }] = await this.dataSource.query<{ fence: string }[]>(FENCE);
    if (lastPosition !== null && (await this.leftOut(lastPosition, fence))) return null;
    const [{ changed }] = await this.dataSource.query<{ changed: boolean }[]>(CHANGED_SINCE, [
      last?.data.fence ?? '0',
      fence,
      LOG_CHECKPOINTS_STREAM,
    ]);
    if (!changed) return null;
    const rows = await this.dataSource.query<
      { stream_id: string; version: number; hash: string | null; global_position: string }[]
    >(HEADS, [fence]);
    const heads: StreamHead[] = rows.map((r) => ({
      streamId: r.stream_id,
      version: r.version,
      hash: r.hash ?? '',
    }));
    const data: LogCheckpointed['data'] = {
      root: rootOfHeads(heads),
      fence,
      position: rows.reduce((max, r) => Math.max(max, Number(r.global_position)), 0),
      streams: rows.length,
      previousRoot: last?.data.root ?? null,
      previousFence: last?.data.fence ?? null,
    };
    const event: LogCheckpointed = { type: 'LogCheckpointed', data };
    try {
      await this.store.append(
        LOG_CHECKPOINTS_STREAM,
        last ? last.version : 'no_stream',
        [event],
        { ...METADATA, correlationId: `log-checkpoint:${fence}` },
        { recordedAt: now },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) return null; // another worker's checkpoint stands for this one
      throw error;
    }
    return { ...pick(data), at: now.toISOString() };
  }

  private async lastPosition(): Promise<string> {
    const [{ last }] = await this.dataSource.query<{ last: string }[]>(LAST_POSITION);
    return last;
  }

  /** Whether an event at or before `position` is not under `fence`. */
  private async leftOut(position: string, fence: string): Promise<boolean> {
    const [{ left_out }] = await this.dataSource.query<{ left_out: boolean }[]>(LEFT_OUT, [position, fence]);
    return left_out;
  }

  private lastCheckpoint() {
    return this.dataSource.query<{ version: number; data: LogCheckpointed['data']; recorded_at: Date }[]>(
      LATEST,
      [LOG_CHECKPOINTS_STREAM],
    );
  }
}

function pick(data: LogCheckpointed['data']): Omit<LogDigest, 'at'> {
  return { root: data.root, fence: data.fence, position: data.position, streams: data.streams };
}
