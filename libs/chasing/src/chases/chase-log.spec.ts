import { StoredChaseEvent } from '../chase/chase.events.js';
import { agencyChases, chaseLog, chaseMailCounts } from './chase-log.js';

/** The events of one agency's chase stream, numbered and dated a minute apart from 09:00. */
function stream(...events: { type: string; data: object; by?: string }[]): StoredChaseEvent[] {
  return events.map((e, i) => ({
    type: e.type,
    data: e.data,
    version: i + 1,
    recordedAt: new Date(Date.UTC(2026, 10, 2, 9, i)),
    metadata: { actorId: e.by ?? 'system', actorRole: e.by ? 'coordinator' : 'system' },
  })) as StoredChaseEvent[];
}

const chased = (step: string, kind: string, ...emails: string[]) => ({
  type: 'AgencyChased',
  data: {
    cycleId: 'y1',
    agencyId: 'police',
    step,
    kind,
    returnIds: ['y1.M1'],
    recipients: emails.map((email) => ({ email, role: 'lead' })),
  },
});
const mail = (type: string, key: string, recipient: string, extra: object = {}) => ({
  type,
  data: { key, recipient, ...extra },
});

describe('the chase log (given chase events, then the chases)', () => {
  it('shows a scheduled step with each recipient pending until the ledger says what became of the mail', () => {
    expect(agencyChases('police', stream(chased('2026-11-02', 'before', 'a@p.test')))).toEqual([
      {
        agencyId: 'police',
        step: '2026-11-02',
        kind: 'before',
        at: '2026-11-02T09:00:00.000Z',
        by: 'schedule',
        recipients: [
          {
            email: 'a@p.test',
            role: 'lead',
            state: 'pending',
            messageId: null,
            reason: null,
            responseCode: null,
            at: null,
          },
        ],
      },
    ]);
  });

  it('follows each mail through claimed, retrying and sent, and a permanent failure', () => {
    const [chase] = agencyChases(
      'police',
      stream(
        chased('2026-11-02', 'before', 'a@p.test', 'b@p.test'),
        mail('ReminderClaimed', '2026-11-02', 'a@p.test', { claimId: 'c1', leaseUntil: 'x' }),
        mail('ReminderDeliveryFailed', '2026-11-02', 'a@p.test', {
          reason: 'busy',
          responseCode: 421,
          permanent: false,
          willRetry: true,
        }),
        mail('ReminderSent', '2026-11-02', 'a@p.test', { messageId: '<m1>' }),
        mail('ReminderDeliveryFailed', '2026-11-02', 'b@p.test', {
          reason: 'no such user',
          responseCode: 550,
          permanent: true,
          willRetry: false,
        }),
        mail('ReminderSent', 'another-step', 'a@p.test', { messageId: '<m2>' }),
      ),
    );
    expect(
      chase.recipients.map(({ email, state, messageId, reason, responseCode, at }) => ({
        email,
        state,
        messageId,
        reason,
        responseCode,
        at,
      })),
    ).toEqual([
      {
        email: 'a@p.test',
        state: 'sent',
        messageId: '<m1>',
        reason: null,
        responseCode: 421,
        at: '2026-11-02T09:03:00.000Z',
      },
      {
        email: 'b@p.test',
        state: 'failed',
        messageId: null,
        reason: 'no such user',
        responseCode: 550,
        at: '2026-11-02T09:04:00.000Z',
      },
    ]);
  });

  it('dates a chase asked for when it was asked, by whom, and lists one not yet carried out with no recipients', () => {
    const chases = agencyChases(
      'police',
      stream(
        { type: 'ChaseRequested', data: { cycleId: 'y1', agencyId: 'police' }, by: 'cora' },
        chased('now-1', 'now', 'a@p.test'),
        { type: 'ChaseRequested', data: { cycleId: 'y1', agencyId: 'police' }, by: 'cora' },
      ),
    );
    expect(
      chases.map(({ step, kind, at, by, recipients }) => [step, kind, at, by, recipients.length]),
    ).toEqual([
      ['now-1', 'now', '2026-11-02T09:00:00.000Z', 'cora', 1],
      ['now-3', 'now', '2026-11-02T09:02:00.000Z', 'cora', 0],
    ]);
  });

  it('puts every agency’s chases in one list, oldest first, then by agency', () => {
    const log = chaseLog([
      { agencyId: 'council', events: stream(chased('2026-11-02', 'before', 'c@c.test')) },
      { agencyId: 'police', events: stream(chased('2026-11-02', 'before', 'a@p.test')) },
      {
        agencyId: 'fire',
        events: stream({ type: 'ChaseRequested', data: {} }, chased('2026-11-09', 'on', 'f@f.test')),
      },
    ]);
    expect(log.map((c) => `${c.at} ${c.agencyId} ${c.step}`)).toEqual([
      '2026-11-02T09:00:00.000Z council 2026-11-02',
      '2026-11-02T09:00:00.000Z fire now-1',
      '2026-11-02T09:00:00.000Z police 2026-11-02',
      '2026-11-02T09:01:00.000Z fire 2026-11-09',
    ]);
  });

  it('counts the mails sent and those failed for good, not those still to be retried', () => {
    const events = stream(
      chased('2026-11-02', 'before', 'a@p.test', 'b@p.test'),
      mail('ReminderSent', '2026-11-02', 'a@p.test', { messageId: '<m1>' }),
      mail('ReminderDeliveryFailed', '2026-11-02', 'b@p.test', { willRetry: true }),
      mail('ReminderDeliveryFailed', '2026-11-02', 'b@p.test', { willRetry: false }),
    );
    expect(chaseMailCounts('police', events)).toEqual({ sent: 1, failed: 1, escalatedToCoordinator: null });
  });

  it("counts a coordinator's escalation mail naming the agency, and says when the coordinator was told", () => {
    const escalated = chased('2026-11-23', 'escalation', 'a@p.test');
    escalated.data.recipients.push({ email: 'cora@p.test', role: 'coordinator' });
    const events = stream(
      escalated,
      mail('ReminderSent', '2026-11-23', 'a@p.test', { messageId: '<m1>' }),
      // The cycle's escalation mail, merged into the agency's log by the step it is of (see CycleChases).
      mail('ReminderSent', '2026-11-23', 'cora@p.test', { messageId: '<e1>' }),
    );
    expect(chaseMailCounts('police', events)).toEqual({
      sent: 2,
      failed: 0,
      escalatedToCoordinator: '2026-11-02T09:02:00.000Z',
    });
  });
});
