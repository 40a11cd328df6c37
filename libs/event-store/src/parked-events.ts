import { DataSource } from 'typeorm';

/** An event a processor holds back, as an operator sees it. */
export interface ParkedEvent {
  processor: string;
  streamId: string;
  globalPosition: number;
  version: number;
  type: string;
  error: string;
  attempts: number;
  /** retrying: tried again at nextAttemptAt; parked: waits for an operator to retry or skip it. */
  state: 'retrying' | 'parked';
  firstFailedAt: Date;
  lastFailedAt: Date;
  nextAttemptAt: Date | null;
  parkedAt: Date | null;
  /** Events held in its stream, itself included. */
  held: number;
  /** An operator's retry or skip not yet carried out by the processor. */
  requested: { action: 'retry' | 'skip'; by: string; at: Date } | null;
}

export interface Intervention {
  id: number;
  processor: string;
  streamId: string;
  globalPosition: number;
  type: string;
  action: 'retry' | 'skip';
  actor: string;
  reason: string | null;
  requestedAt: Date;
  doneAt: Date | null;
  outcome: string | null;
}

export interface ProcessorPosition {
  processor: string;
  globalPosition: number;
  updatedAt: Date;
  /** Events behind the read fence it has not passed yet. */
  behind: number;
}

export type InterventionRequest =
  | { ok: true; intervention: Intervention }
  | { ok: false; problem: 'not-parked' | 'already-requested'; message: string };

/**
 * What operators see of the processors and what they may do about an event one holds: ask the processor to try
 * it again, or to skip it and go on with the rest of its stream. The processor's active instance carries out the
 * request (it alone may apply events); every request is kept with who made it, when, why and what came of it.
 */
export class ParkedEvents {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<ParkedEvent[]> {
    const rows: ParkedRow[] = await this.dataSource.query(
      `SELECT p.*, (SELECT count(*)::int FROM held_events h
                    WHERE h.processor = p.processor AND h.stream_id = p.stream_id) AS held,
              i.actor AS requested_by, i.requested_at
       FROM parked_events p LEFT JOIN processor_interventions i ON i.id = p.intervention_id
       ORDER BY p.processor, p.global_position`,
    );
    return rows.map((r) => ({
      processor: r.processor,
      streamId: r.stream_id,
      globalPosition: Number(r.global_position),
      version: r.version,
      type: r.event_type,
      error: r.error,
      attempts: r.attempts,
      state: r.parked_at ? 'parked' : 'retrying',
      firstFailedAt: r.first_failed_at,
      lastFailedAt: r.last_failed_at,
      nextAttemptAt: r.next_attempt_at,
      parkedAt: r.parked_at,
      held: r.held,
      requested: r.requested_action
        ? { action: r.requested_action, by: r.requested_by ?? '', at: r.requested_at ?? r.last_failed_at }
        : null,
    }));
  }

  /** Each processor's checkpoint and how far behind the log it is. */
  async positions(): Promise<ProcessorPosition[]> {
    const rows: { name: string; global_position: string; updated_at: Date; behind: number }[] =
      await this.dataSource.query(
        `SELECT c.name, c.global_position, c.updated_at,
           (SELECT count(*)::int FROM events e
            WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
              AND e.transaction_id < (SELECT event_fence())) AS behind
         FROM processor_checkpoints c ORDER BY c.name`,
      );
    return rows.map((r) => ({
      processor: r.name,
      globalPosition: Number(r.global_position),
      updatedAt: r.updated_at,
      behind: r.behind,
    }));
  }

  async history(limit = 20): Promise<Intervention[]> {
    const rows: InterventionRow[] = await this.dataSource.query(
      'SELECT * FROM processor_interventions ORDER BY id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toIntervention);
  }

  async intervention(id: number): Promise<Intervention | null> {
    const rows: InterventionRow[] = await this.dataSource.query(
      'SELECT * FROM processor_interventions WHERE id = $1',
      [id],
    );
    return rows[0] ? toIntervention(rows[0]) : null;
  }

  /**
   * Asks the processor to retry or skip the event it has parked (or is retrying) at a position. Refused when it
   * holds none there, or a request for it is still waiting.
   */
  async request(
    processor: string,
    globalPosition: number,
    action: 'retry' | 'skip',
    actor: string,
    reason: string | null = null,
  ): Promise<InterventionRequest> {
    return this.dataSource.transaction(async (m) => {
      const [parked]: { stream_id: string; event_type: string; requested_action: string | null }[] =
        await m.query(
          `SELECT stream_id, event_type, requested_action FROM parked_events
           WHERE processor = $1 AND global_position = $2 FOR UPDATE`,
          [processor, globalPosition],
        );
      if (!parked) {
        return {
          ok: false,
          problem: 'not-parked',
          message: `${processor} holds no parked event at position ${globalPosition}`,
        };
      }
      if (parked.requested_action) {
        return {
          ok: false,
          problem: 'already-requested',
          message: `a ${parked.requested_action} of event ${globalPosition} is already waiting for ${processor}`,
        };
      }
      const [row]: InterventionRow[] = await m.query(
        `INSERT INTO processor_interventions (processor, stream_id, global_position, event_type, action, actor, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [processor, parked.stream_id, globalPosition, parked.event_type, action, actor, reason],
      );
      await m.query(
        `UPDATE parked_events SET requested_action = $3, intervention_id = $4
         WHERE processor = $1 AND global_position = $2`,
        [processor, globalPosition, action, row.id],
      );
      return { ok: true, intervention: toIntervention(row) };
    });
  }
}

interface ParkedRow {
  processor: string;
  stream_id: string;
  global_position: string;
  version: number;
  event_type: string;
  error: string;
  attempts: number;
  first_failed_at: Date;
  last_failed_at: Date;
  next_attempt_at: Date | null;
  parked_at: Date | null;
  requested_action: 'retry' | 'skip' | null;
  requested_by: string | null;
  requested_at: Date | null;
  held: number;
}

interface InterventionRow {
  id: string;
  processor: string;
  stream_id: string;
  global_position: string;
  event_type: string;
  action: 'retry' | 'skip';
  actor: string;
  reason: string | null;
  requested_at: Date;
  done_at: Date | null;
  outcome: string | null;
}

function toIntervention(r: InterventionRow): Intervention {
  return {
    id: Number(r.id),
    processor: r.processor,
    streamId: r.stream_id,
    globalPosition: Number(r.global_position),
    type: r.event_type,
    action: r.action,
    actor: r.actor,
    reason: r.reason,
    requestedAt: r.requested_at,
    doneAt: r.done_at,
    outcome: r.outcome,
  };
}
