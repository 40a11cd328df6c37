import { SmtpSink } from '../../../test/support/smtp-sink.js';
import { MailSender } from './mail-sender.js';
import { sizedSmtpUrl } from './smtp-url.js';

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

  it('opens a connection per mail unless the URL asks for a pool, which keeps them open', async () => {
    const unpooled = new MailSender(url, 'Partner Returns <returns@example.org>');
    try {
      for (let n = 1; n <= 3; n++) await unpooled.send(mail(n));
    } finally {
      unpooled.close();
    }
    await sink.waitFor(3);
    expect(sink.connections).toBe(3);

    const pooled = new MailSender(`${url}?pool=true`, 'Partner Returns <returns@example.org>');
    try {
      for (let n = 4; n <= 8; n++) await pooled.send(mail(n));
    } finally {
      pooled.close();
    }
    await sink.waitFor(8);
    expect(sink.connections).toBe(3 + 1);
    expect(sink.mails.map((m) => m.subject)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Digest ${n}`));
  });

  it('sizes a pool to the mails that go at once, unless the URL sizes it itself', async () => {
    const sender = new MailSender(`${url}?pool=true`, 'Partner Returns <returns@example.org>', 3);
    sink.delayMs = 200;
    try {
      await Promise.all([1, 2, 3, 4, 5, 6].map((n) => sender.send(mail(n))));
    } finally {
      sender.close();
    }
    expect(sink.connections).toBe(3);
  });

  it('leaves the rest of the URL as given', () => {
    expect(sizedSmtpUrl('smtp://user:p%40ss@mail.example.org:2525?pool=true', 8)).toBe(
      'smtp://user:p%40ss@mail.example.org:2525?pool=true&maxConnections=8',
    );
    expect(sizedSmtpUrl('smtps://mail.example.org?pool=true&maxConnections=2', 8)).toBe(
      'smtps://mail.example.org?pool=true&maxConnections=2',
    );
    expect(sizedSmtpUrl('smtp://mail.example.org', 8)).toBe('smtp://mail.example.org');
  });
});
