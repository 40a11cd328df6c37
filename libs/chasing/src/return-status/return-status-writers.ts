import { EntityManager } from 'typeorm';
import { ReturnStatusChange } from './return-status-changes.js';

type ChangeOf<K extends ReturnStatusChange['kind']> = Extract<ReturnStatusChange, { kind: K }>;

/**
 * How the changes of one kind reach the tables: several at once, in one statement per table (columns sent as
 * arrays and zipped back into rows by unnest()). A statement must not touch a row twice, so changes to the same
 * row are first combined into one that has the same effect as applying them in order.
 */
export interface ChangeWriter<C> {
  /** The row a change touches. */
  row(change: C): string;
  /** One change with the effect of `earlier` then `later` on the same row. */
  combine(earlier: C, later: C): C;
  write(manager: EntityManager, changes: readonly C[]): Promise<void>;
}

const key = (...parts: unknown[]) => parts.map(String).join('\u0000');
// An insert that does nothing on conflict: of two for one row, the first one wins.
const first = <C>(earlier: C): C => earlier;

const cycleDrafted: ChangeWriter<ChangeOf<'cycle-drafted'>> = {
  row: (c) => key(c.cycleId),
  combine: first,
  write: (m, cs) =>
    m.query(
      `INSERT INTO chase_cycles (cycle_id, partnership_id, status, policy)
       SELECT c, p, 'drafted', policy::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS u(c, p, policy)
       ON CONFLICT (cycle_id) DO NOTHING`,
      [cs.map((c) => c.cycleId), cs.map((c) => c.partnershipId), cs.map((c) => c.policy)],
    ),
};

const cycleStatus: ChangeWriter<ChangeOf<'cycle-status'>> = {
  row: (c) => key(c.cycleId),
  combine: (earlier, later) =>
    'openedAt' in later || !('openedAt' in earlier) ? later : { ...later, openedAt: earlier.openedAt },
  write: (m, cs) =>
    m.query(
      `UPDATE chase_cycles c SET status = u.status,
         opened_at = CASE WHEN u.sets_opened_at THEN u.opened_at::timestamptz ELSE c.opened_at END
       FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[]) AS u(cycle_id, status, sets_opened_at, opened_at)
       WHERE c.cycle_id = u.cycle_id`,
      [
        cs.map((c) => c.cycleId),
        cs.map((c) => c.status),
        cs.map((c) => 'openedAt' in c),
        cs.map((c) => c.openedAt),
      ],
    ),
};

const returnRequested: ChangeWriter<ChangeOf<'return-requested'>> = {
  row: (c) => key(c.returnId),
  combine: first,
  write: (m, cs) =>
    m.query(
      `INSERT INTO return_status (return_id, cycle_id, agency_id, theme_id, measure_ref, status, due_date)
       SELECT r, c, a, t, mr, 'requested', d::date
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(r, c, a, t, mr, d)
       ON CONFLICT (return_id) DO NOTHING`,
      [
        cs.map((c) => c.returnId),
        cs.map((c) => c.cycleId),
        cs.map((c) => c.agencyId),
        cs.map((c) => c.themeId),
        cs.map((c) => c.measureRef),
        cs.map((c) => c.dueDate),
      ],
    ),
};

// Status, due date and agency are independent columns: a later change of one replaces an earlier change of it
// and leaves the others as they were.
const returnUpdate: ChangeWriter<ChangeOf<'return-update'>> = {
  row: (c) => key(c.returnId),
  combine: (earlier, later) => ({ ...earlier, ...later }),
  write: (m, cs) =>
    m.query(
      `UPDATE return_status r SET
         status = CASE WHEN u.sets_status THEN u.status ELSE r.status END,
         due_date = CASE WHEN u.sets_due_date THEN u.due_date::date ELSE r.due_date END,
         agency_id = CASE WHEN u.sets_agency THEN u.agency_id ELSE r.agency_id END
       FROM unnest($1::text[], $2::boolean[], $3::text[], $4::boolean[], $5::text[], $6::boolean[], $7::text[])
         AS u(return_id, sets_status, status, sets_due_date, due_date, sets_agency, agency_id)
       WHERE r.return_id = u.return_id`,
      [
        cs.map((c) => c.returnId),
        cs.map((c) => 'status' in c),
        cs.map((c) => c.status),
        cs.map((c) => 'dueDate' in c),
        cs.map((c) => c.dueDate),
        cs.map((c) => 'agencyId' in c),
        cs.map((c) => c.agencyId),
      ],
    ),
};

const chaseRequested: ChangeWriter<ChangeOf<'chase-requested'>> = {
  row: (c) => key(c.cycleId, c.agencyId, c.step),
  combine: first,
  write: (m, cs) =>
    m.query(
      `INSERT INTO chase_steps (cycle_id, agency_id, step, kind, state)
       SELECT c, a, s, 'now', 'requested' FROM unnest($1::text[], $2::text[], $3::text[]) AS u(c, a, s)
       ON CONFLICT DO NOTHING`,
      [cs.map((c) => c.cycleId), cs.map((c) => c.agencyId), cs.map((c) => c.step)],
    ),
};

// The step takes the later kind; its mails are inserted once each, the first recipient entry winning.
const agencyChased: ChangeWriter<ChangeOf<'agency-chased'>> = {
  row: (c) => key(c.cycleId, c.agencyId, c.step),
  combine: (earlier, later) => ({ ...later, recipients: [...earlier.recipients, ...later.recipients] }),
  async write(m, cs) {
    await m.query(
      `INSERT INTO chase_steps (cycle_id, agency_id, step, kind, state)
       SELECT c, a, s, k, 'chased' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(c, a, s, k)
       ON CONFLICT (cycle_id, agency_id, step) DO UPDATE SET state = 'chased', kind = EXCLUDED.kind`,
      [cs.map((c) => c.cycleId), cs.map((c) => c.agencyId), cs.map((c) => c.step), cs.map((c) => c.stepKind)],
    );
    const mails = cs.flatMap((c) => c.recipients.map((r) => ({ ...c, email: r.email, role: r.role })));
    if (mails.length === 0) return;
    await m.query(
      `INSERT INTO chase_mails (cycle_id, agency_id, step, recipient, role, state)
       SELECT c, a, s, r, ro, 'pending' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS u(c, a, s, r, ro)
       ON CONFLICT DO NOTHING`,
      [
        mails.map((x) => x.cycleId),
        mails.map((x) => x.agencyId),
        mails.map((x) => x.step),
        mails.map((x) => x.email),
        mails.map((x) => x.role),
      ],
    );
  },
};

// A message id or reason, once known, stays until a later outcome brings another (coalesce).
const keepKnown = <O extends { messageId: unknown; reason: unknown }>(earlier: O, later: O): O => ({
  ...later,
  messageId: later.messageId ?? earlier.messageId,
  reason: later.reason ?? earlier.reason,
});

const mailOutcome: ChangeWriter<ChangeOf<'mail-outcome'>> = {
  row: (c) => key(c.cycleId, c.agencyId, c.step, c.recipient),
  combine: keepKnown,
  write: (m, cs) =>
    m.query(
      `UPDATE chase_mails m SET state = u.state, message_id = coalesce(u.message_id, m.message_id),
         reason = coalesce(u.reason, m.reason)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS u(cycle_id, agency_id, step, recipient, state, message_id, reason)
       WHERE m.cycle_id = u.cycle_id AND m.agency_id = u.agency_id AND m.step = u.step
         AND m.recipient = u.recipient`,
      [
        cs.map((c) => c.cycleId),
        cs.map((c) => c.agencyId),
        cs.map((c) => c.step),
        cs.map((c) => c.recipient),
        cs.map((c) => c.state),
        cs.map((c) => c.messageId),
        cs.map((c) => c.reason),
      ],
    ),
};

// As mailOutcome, for the coordinator's row of every agency the mail names (a mail of an earlier release names
// none: then of every agency escalated at the step so far, as that release wrote it).
const escalationOutcome: ChangeWriter<ChangeOf<'escalation-outcome'>> = {
  row: (c) => key(c.cycleId, c.key, c.recipient),
  combine: keepKnown,
  write: (m, cs) =>
    m.query(
      `UPDATE chase_mails m SET state = u.state, message_id = coalesce(u.message_id, m.message_id),
         reason = coalesce(u.reason, m.reason)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS u(cycle_id, step, recipient, state, message_id, reason, agencies)
       WHERE m.cycle_id = u.cycle_id AND m.step = u.step AND m.recipient = u.recipient
         AND m.role = 'coordinator'
         AND (u.agencies IS NULL OR m.agency_id IN (SELECT jsonb_array_elements_text(u.agencies::jsonb)))`,
      [
        cs.map((c) => c.cycleId),
        cs.map((c) => c.step),
        cs.map((c) => c.recipient),
        cs.map((c) => c.state),
        cs.map((c) => c.messageId),
        cs.map((c) => c.reason),
        cs.map((c) => c.agencies),
      ],
    ),
};

export const RETURN_STATUS_WRITERS: { [K in ReturnStatusChange['kind']]: ChangeWriter<ChangeOf<K>> } = {
  'cycle-drafted': cycleDrafted,
  'cycle-status': cycleStatus,
  'return-requested': returnRequested,
  'return-update': returnUpdate,
  'chase-requested': chaseRequested,
  'agency-chased': agencyChased,
  'mail-outcome': mailOutcome,
  'escalation-outcome': escalationOutcome,
};
