import { returnSentBackMail } from './return-sent-back.js';

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
