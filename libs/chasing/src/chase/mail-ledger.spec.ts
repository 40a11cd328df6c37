import { classifySmtpFailure } from '../delivery/smtp-failure.js';
import { decideClaim, evolveLedger, Ledger, mailKey } from './mail-ledger.js';

const now = new Date('2020-04-16T09:00:00Z');
const fold = (...events: { type: string; data: object }[]) =>
  events.reduce<Ledger>((l, e) => evolveLedger('Reminder', l, e), new Map());
const mail = { key: '2020-04-16', recipient: 'Priya.Shah@example.org' };

describe('the mail ledger', () => {
  it('lets the first attempt claim a mail', () => {
    expect(decideClaim(undefined, now)).toEqual({ action: 'claim' });
  });

  it('sends a mail once: after ReminderSent every attempt is done', () => {
    const ledger = fold(
      { type: 'ReminderClaimed', data: { ...mail, claimId: 'a', leaseUntil: '2020-04-16T09:10:00Z' } },
      { type: 'ReminderSent', data: { ...mail, messageId: '<m1@x>' } },
    );
    expect(decideClaim(ledger.get(mailKey(mail.key, 'priya.shah@example.org')), now)).toMatchObject({
      action: 'done',
      entry: { state: 'sent', messageId: '<m1@x>' },
    });
  });

  it('waits while another attempt holds a live claim, and takes over once its lease has run out', () => {
    const ledger = fold({
      type: 'ReminderClaimed',
      data: { ...mail, claimId: 'a', leaseUntil: '2020-04-16T09:10:00Z' },
    });
    const entry = ledger.get(mailKey(mail.key, mail.recipient));
    expect(decideClaim(entry, now)).toEqual({ action: 'wait', until: '2020-04-16T09:10:00Z' });
    expect(decideClaim(entry, new Date('2020-04-16T09:10:01Z'))).toEqual({ action: 'claim' });
  });

  it('tries again after a temporary failure, never after a permanent one', () => {
    const failed = (permanent: boolean, willRetry: boolean) =>
      fold({
        type: 'ReminderDeliveryFailed',
        data: { ...mail, reason: 'x', responseCode: null, permanent, willRetry },
      }).get(mailKey(mail.key, mail.recipient));
    expect(decideClaim(failed(false, true), now)).toEqual({ action: 'claim' });
    expect(decideClaim(failed(true, false), now)).toMatchObject({ action: 'done' });
    expect(decideClaim(failed(false, false), now)).toMatchObject({ action: 'done' });
  });

  it('ignores events of another ledger and of other mails', () => {
    const ledger = fold(
      { type: 'NotificationSent', data: { ...mail, messageId: '<n@x>' } },
      { type: 'ReminderSent', data: { key: '2020-04-03', recipient: mail.recipient, messageId: '<o@x>' } },
    );
    expect(ledger.get(mailKey(mail.key, mail.recipient))).toBeUndefined();
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
