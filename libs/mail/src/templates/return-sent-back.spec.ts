import { returnSentBackMail } from './return-sent-back.js';
import { outstandingHtml, outstandingText } from './outstanding-returns.js';

const sentBack = (dueDate: string, sentBackOn: string) =>
  returnSentBackMail({
    to: 'lee@example.org',
    contactName: 'Lee',
    agencyName: 'Kent Police',
    partnershipName: 'Sevenoaks LSP',
    cycleLabel: 'Year 1 2019/20',
    measureRef: 'S1',
    measureText: 'Reduce crime',
    reason: 'Add the figures',
    link: 'http://x/l/t',
    dueDate,
    sentBackOn,
  });

/** A lead asked to change a return is told by when, as every other mail to them says. */
describe('the sent-back mail says by when', () => {
  it('gives the due date while it is ahead, or on the day itself', () => {
    for (const on of ['2020-04-20', '2020-04-30']) {
      const mail = sentBack('2020-04-30', on);
      expect(mail.text).toContain('Please make the changes and submit it again by Thursday 30 April 2020.');
      expect(mail.html).toContain('submit it again by Thursday 30 April 2020.');
    }
  });

  it('asks for it as soon as they can once the due date has passed, saying when it was due', () => {
    const mail = sentBack('2020-04-30', '2020-05-04');
    expect(mail.text).toContain(
      'Please make the changes and submit it again as soon as you can: it was due on Thursday 30 April 2020.',
    );
  });
});

/** A reason typed on several lines (a web form's CRLF) reaches the lead as several lines, in either part. */
describe('a reason on several lines in the mails that quote it', () => {
  const reason = 'Add the figures.\r\n\r\nAnd name the <b>schemes</b>:\r\nthe two new ones.';

  it('keeps its lines in the sent-back mail, escaped', () => {
    const mail = returnSentBackMail({
      ...{ to: 'lee@example.org', contactName: 'Lee', agencyName: 'Kent Police' },
      ...{ partnershipName: 'Sevenoaks LSP', cycleLabel: 'Year 1 2019/20', measureRef: 'S1' },
      ...{ measureText: 'Reduce crime', reason, link: null, dueDate: '2020-04-30', sentBackOn: '2020-04-20' },
    });
    expect(mail.text).toContain(
      'They said:\n\n  Add the figures.\n\n  And name the <b>schemes</b>:\n  the two new ones.\n\n',
    );
    expect(mail.text).not.toContain('\r');
    expect(mail.html).toContain(
      'Add the figures.<br><br>And name the &lt;b&gt;schemes&lt;/b&gt;:<br>the two new ones.',
    );
  });

  it('keeps its lines under its return in a chase digest', () => {
    const lines = [{ ref: 'S1', text: 'Reduce crime', state: `sent back: ${reason}`, dueDate: '2020-04-30' }];
    expect(outstandingText(lines)).toEqual([
      '  S1  Reduce crime\n      sent back: Add the figures.\n\n      And name the <b>schemes</b>:\n      the two new ones.; due Thursday 30 April 2020',
    ]);
    expect(outstandingHtml(lines)).toContain(
      '<td>sent back: Add the figures.<br><br>And name the &lt;b&gt;schemes&lt;/b&gt;:<br>the two new ones.</td>',
    );
  });
});
