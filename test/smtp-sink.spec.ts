import { createTransport } from 'nodemailer';
import { SmtpSink } from './support/smtp-sink.js';
import { eventually } from './support/eventually.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * The tests' SMTP peer leaves nothing running once stopped, even a slow answer it was still waiting to give: such a
 * wait kept jest's worker alive after chasing-crash (its killed worker's mails waited 3 s each), and jest
 * force-exited it as a test that leaked.
 */
describe('the SMTP sink', () => {
  it('stopped while it delays an answer, leaves no timer behind', async () => {
    const before = timers();
    const sink = new SmtpSink();
    const url = await sink.start();
    sink.delayMs = 60_000;
    const transport = createTransport(url);
    const sent = transport
      .sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 'slow', text: 'x' })
      .then(
        () => 'sent',
        () => 'refused',
      );
    try {
      await eventually(async () => sink.offered.length === 1, 10_000);
      await sink.stop();
      // Answered once the sink stops, not a minute later.
      expect(['sent', 'refused']).toContain(await sent);
    } finally {
      transport.close();
    }
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
