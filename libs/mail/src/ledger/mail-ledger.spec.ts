import { MailEvent } from './mail-ledger.events.js';
import {
  decideMail,
  evolveLedger,
  evolveMail,
  isSettled,
  Ledger,
  MailCommand,
  mailKey,
  OWED,
} from './mail-ledger.js';
import { classifySmtpFailure } from './smtp-failure.js';

const mail = { key: '2020-04-16', recipient: 'Priya.Shah@example.org' };
const now = new Date('2020-04-16T09:00:00Z');
const claim: MailCommand = { type: 'ClaimMail', claimId: 'b', leaseUntil: '2020-04-16T09:01:00Z', now };
const claimed = (leaseUntil = '2020-04-16T08:59:00Z'): MailEvent => ({
  type: 'Claimed',
  data: { ...mail, claimId: 'a', leaseUntil },
});
const sent: MailEvent = { type: 'Sent', data: { ...mail, messageId: '<m1@x>' } };
const failed = (permanent: boolean, willRetry: boolean): MailEvent => ({
  type: 'DeliveryFailed',
  data: { ...mail, reason: 'x', responseCode: permanent ? 550 : 451, permanent, willRetry },
});

/** Given these ledger events of the mail, when the command, then these events. */
const given = (...events: MailEvent[]) => ({
  when: (command: MailCommand) => decideMail(mail, command, events.reduce(evolveMail, OWED)),
});

describe('the mail ledger', () => {
  it('claims a mail that is owed', () => {
    expect(given().when(claim)).toEqual([
      { type: 'Claimed', data: { ...mail, claimId: 'b', leaseUntil: '2020-04-16T09:01:00Z' } },
    ]);
  });

  it('sends a mail once: once it is sent, a claim decides nothing', () => {
    expect(given(claimed(), sent).when(claim)).toEqual([]);
  });

  it('takes over a claim whose sender stopped without an outcome (its lease lapsed)', () => {
    expect(given(claimed()).when(claim)).toHaveLength(1);
  });

  it('honours a lease written in the log by the earlier release until it lapses', () => {
    expect(given(claimed('2020-04-16T09:10:00Z')).when(claim)).toEqual([]);
  });

  it('tries again after a temporary failure, never after a permanent one or the last attempt', () => {
    expect(given(claimed(), failed(false, true)).when(claim)).toHaveLength(1);
    expect(given(claimed(), failed(true, false)).when(claim)).toEqual([]);
    expect(given(claimed(), failed(false, false)).when(claim)).toEqual([]);
  });

  it('records a failure as retried only when it is temporary and attempts are left', () => {
    const failure = (responseCode: number, attemptsLeft: boolean) =>
      given(claimed()).when({
        type: 'RecordMailFailure',
        failure: classifySmtpFailure({ responseCode, response: `${responseCode} x` }),
        attemptsLeft,
      })[0].data as { willRetry: boolean; permanent: boolean };
    expect(failure(451, true)).toMatchObject({ permanent: false, willRetry: true });
    expect(failure(451, false)).toMatchObject({ permanent: false, willRetry: false });
    expect(failure(550, true)).toMatchObject({ permanent: true, willRetry: false });
  });

  it('records what happened: a second copy sent after a takeover is recorded too', () => {
    expect(given(claimed(), sent, claimed()).when({ type: 'RecordMailSent', messageId: '<m2@x>' })).toEqual([
      { type: 'Sent', data: { ...mail, messageId: '<m2@x>' } },
    ]);
  });

  it('refuses an outcome for a mail nobody claimed', () => {
    expect(() => given().when({ type: 'RecordMailSent', messageId: '<m@x>' })).toThrow(/without a claim/);
  });

  it('is settled once sent or failed for good', () => {
    expect(isSettled([claimed(), sent].reduce(evolveMail, OWED))).toBe(true);
    expect(isSettled([claimed(), failed(true, false)].reduce(evolveMail, OWED))).toBe(true);
    expect(isSettled([claimed(), failed(false, true)].reduce(evolveMail, OWED))).toBe(false);
    expect(isSettled([claimed()].reduce(evolveMail, OWED))).toBe(false);
  });

  it('folds a stream per mail, addresses compared without case, ignoring other ledgers and events', () => {
    const ledger = [
      { type: 'AgencyChased', data: {} },
      { type: 'NotificationSent', data: { ...mail, messageId: '<n@x>' } },
      { type: 'ReminderClaimed', data: claimed().data },
      { type: 'ReminderSent', data: { key: '2020-04-03', recipient: mail.recipient, messageId: '<o@x>' } },
    ].reduce<Ledger>((l, e) => evolveLedger('Reminder', l, e), new Map());
    expect(ledger.get(mailKey(mail.key, 'priya.shah@example.org'))).toMatchObject({ status: 'claimed' });
    expect(ledger.get(mailKey('2020-04-03', mail.recipient))).toMatchObject({ status: 'sent' });
    expect(ledger.size).toBe(2);
  });
});

describe('classifySmtpFailure', () => {
  it('is permanent for 5xx, temporary for 4xx and for no answer at all', () => {
    expect(classifySmtpFailure({ responseCode: 550, response: '550 No such user' })).toEqual({
      permanent: true,
      responseCode: 550,
      reason: '550 No such user',
    });
    expect(classifySmtpFailure({ responseCode: 421, response: '421 Try later' })).toMatchObject({
      permanent: false,
    });
    expect(
      classifySmtpFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25' }),
    ).toEqual({
      permanent: false,
      responseCode: null,
      reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:25',
    });
  });
});
