import { SmtpSink } from '../../../test/support/smtp-sink.js';
import { MailSender } from './mail-sender.js';
import { pooledSmtpUrl } from './smtp-url.js';

const mail = (n: number) => ({
  to: `lead${n}@agency.example.org`,
  subject: `Digest ${n}`,
  text: 'text',
  html: '<p>html</p>',
});

describe('MailSender (in-process SMTP server)', () => {
  let sink: SmtpSink;
  let url: string;

  beforeEach(async () => {
    sink = new SmtpSink();
    url = await sink.start();
  });
  afterEach(() => sink.stop());

  it('keeps its SMTP connection open between mails unless the URL says pool=false', async () => {
    const pooled = new MailSender(url, 'Partner Returns <returns@example.org>');
    try {
      for (let n = 1; n <= 5; n++) await pooled.send(mail(n));
    } finally {
      pooled.close();
    }
    await sink.waitFor(5);
    expect(sink.connections).toBe(1);

    const unpooled = new MailSender(`${url}?pool=false`, 'Partner Returns <returns@example.org>');
    try {
      for (let n = 6; n <= 8; n++) await unpooled.send(mail(n));
    } finally {
      unpooled.close();
    }
    await sink.waitFor(8);
    expect(sink.connections).toBe(1 + 3);
    expect(sink.mails.map((m) => m.subject)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Digest ${n}`));
  });

  it('holds as many connections as mails go at once, unless the URL sizes the pool itself', async () => {
    const sender = new MailSender(url, 'Partner Returns <returns@example.org>', 3);
    sink.delayMs = 200;
    try {
      await Promise.all([1, 2, 3, 4, 5, 6].map((n) => sender.send(mail(n))));
    } finally {
      sender.close();
    }
    expect(sink.connections).toBe(3);
  });

  it('leaves the rest of the URL as given', () => {
    expect(pooledSmtpUrl('smtp://user:p%40ss@mail.example.org:2525', 8)).toBe(
      'smtp://user:p%40ss@mail.example.org:2525?pool=true&maxConnections=8',
    );
    expect(pooledSmtpUrl('smtps://mail.example.org?maxConnections=2', 8)).toBe(
      'smtps://mail.example.org?maxConnections=2&pool=true',
    );
    expect(pooledSmtpUrl('smtp://mail.example.org?pool=false', 8)).toBe('smtp://mail.example.org?pool=false');
  });
});
