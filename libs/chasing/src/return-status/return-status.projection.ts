import { EntityManager } from 'typeorm';
import { StoredEvent } from '../../../event-store/src/index.js';
import { DEFAULT_CHASE_POLICY } from '../policy/chase-policy.js';

/** Name of the checkpointed processor that keeps the return-status read model. */
export const RETURN_STATUS_PROCESSOR = 'return-status';

/** The tables this projection owns: dropping them and its checkpoint rebuilds them from the events. */
export const RETURN_STATUS_TABLES = ['chase_cycles', 'return_status', 'chase_steps', 'chase_mails'];

const RETURN_STATES: Record<string, string> = {
  ReturnDraftSaved: 'draft',
  ReturnSubmitted: 'submitted',
  ReturnApproved: 'approved',
  ReturnSentBack: 'draft',
  ReturnReopened: 'draft',
  ReturnWithdrawn: 'withdrawn',
};

/** chase:<cycleId>:<agencyId>; neither id contains a colon. */
function chaseStream(streamId: string): { cycleId: string; agencyId: string } {
  const [, cycleId, agencyId] = streamId.split(':');
  return { cycleId, agencyId };
}

/**
 * Applies one batch to the read model, inside the processor's transaction (the checkpoint moves with it). Every
 * write is an upsert or an update keyed by the event's subject, so applying a replayed event changes nothing.
 */
export async function projectReturnStatus(events: StoredEvent[], m: EntityManager): Promise<void> {
  for (const event of events) {
    const d = event.data as Record<string, never>;
    const id = event.streamId.slice(event.streamId.indexOf(':') + 1);
    switch (event.type) {
      case 'CycleDrafted':
        await m.query(
          `INSERT INTO chase_cycles (cycle_id, partnership_id, status, policy) VALUES ($1, $2, 'drafted', $3)
           ON CONFLICT (cycle_id) DO NOTHING`,
          [d.cycleId, d.partnershipId, JSON.stringify(d.chasePolicy ?? DEFAULT_CHASE_POLICY)],
        );
        break;
      case 'CycleOpened':
        await m.query(`UPDATE chase_cycles SET status = 'open', opened_at = $2 WHERE cycle_id = $1`, [
          id,
          d.openedAt,
        ]);
        break;
      case 'CycleClosed':
      case 'ReportPublished':
        await m.query(`UPDATE chase_cycles SET status = 'closed' WHERE cycle_id = $1`, [id]);
        break;
      case 'ReturnRequested':
        await m.query(
          `INSERT INTO return_status (return_id, cycle_id, agency_id, theme_id, measure_ref, status, due_date)
           VALUES ($1, $2, $3, $4, $5, 'requested', $6) ON CONFLICT (return_id) DO NOTHING`,
          [d.returnId, d.cycleId, d.agencyId, d.themeId, d.measureRef, d.dueDate],
        );
        break;
      case 'DeadlineExtended':
        await m.query(`UPDATE return_status SET due_date = $2 WHERE return_id = $1`, [id, d.dueDate]);
        break;
      case 'ReturnReassigned':
        await m.query(`UPDATE return_status SET agency_id = $2 WHERE return_id = $1`, [id, d.toAgencyId]);
        break;
      case 'ChaseRequested': {
        const { cycleId, agencyId } = chaseStream(event.streamId);
        await m.query(
          `INSERT INTO chase_steps (cycle_id, agency_id, step, kind, state) VALUES ($1, $2, $3, 'now', 'requested')
           ON CONFLICT DO NOTHING`,
          [cycleId, agencyId, `now-${event.version}`],
        );
        break;
      }
      case 'AgencyChased': {
        const { cycleId, agencyId } = chaseStream(event.streamId);
        await m.query(
          `INSERT INTO chase_steps (cycle_id, agency_id, step, kind, state) VALUES ($1, $2, $3, $4, 'chased')
           ON CONFLICT (cycle_id, agency_id, step) DO UPDATE SET state = 'chased', kind = EXCLUDED.kind`,
          [cycleId, agencyId, d.step, d.kind],
        );
        for (const r of d.recipients as { email: string; role: string }[]) {
          await m.query(
            `INSERT INTO chase_mails (cycle_id, agency_id, step, recipient, role, state)
             VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT DO NOTHING`,
            [cycleId, agencyId, d.step, r.email, r.role],
          );
        }
        break;
      }
      case 'ReminderClaimed':
      case 'ReminderSent':
      case 'ReminderDeliveryFailed': {
        const { cycleId, agencyId } = chaseStream(event.streamId);
        const state =
          event.type === 'ReminderClaimed'
            ? 'claimed'
            : event.type === 'ReminderSent'
              ? 'sent'
              : d.willRetry
                ? 'retrying'
                : 'failed';
        await m.query(
          `UPDATE chase_mails SET state = $5, message_id = coalesce($6, message_id), reason = coalesce($7, reason)
           WHERE cycle_id = $1 AND agency_id = $2 AND step = $3 AND recipient = $4`,
          [cycleId, agencyId, d.key, d.recipient, state, d.messageId ?? null, d.reason ?? null],
        );
        break;
      }
      default:
        if (RETURN_STATES[event.type]) {
          await m.query(`UPDATE return_status SET status = $2 WHERE return_id = $1`, [
            id,
            RETURN_STATES[event.type],
          ]);
        }
    }
  }
}
