import { chaseDigestMail } from './chase-digest.js';
import { page } from './outstanding-returns.js';
import { returnSentBackMail } from './return-sent-back.js';
import { returnsRequestedMail } from './returns-requested.js';

const who = {
  to: 'lee@example.org',
  contactName: 'Lee',
  agencyName: 'Kent Police',
  partnershipName: 'Sevenoaks LSP',
};
const cycle = { cycleLabel: 'Year 1 2019/20', dueDate: '2020-04-30' };

/** A mail client reads a British mail aloud, and offers to translate it, as UK English only when it says so. */
describe('the HTML of every mail says it is in British English', () => {
  const mails = {
    'returns requested': returnsRequestedMail({
      ...who,
      ...cycle,
      measures: [{ ref: 'S1', text: 'Reduce crime' }],
      link: 'http://x/l/t',
    }).html,
    'chase digest': chaseDigestMail('reminder', { ...who, ...cycle, returns: [], link: 'http://x/l/t' }).html,
    'sent back': returnSentBackMail({
      ...who,
      cycleLabel: cycle.cycleLabel,
      measureRef: 'S1',
      measureText: 'Reduce crime',
      reason: 'Add the figures',
      link: null,
      dueDate: cycle.dueDate,
      sentBackOn: '2020-04-20',
    }).html,
    // Every other mail to staff and agencies is written in this page.
    'any other': page('<p>Dear Lee,</p>'),
  };
  it.each(Object.entries(mails))('%s', (_kind, html) => {
    expect(/<html[^>]*\blang="([^"]*)"/.exec(html)?.[1]).toBe('en-GB');
  });
});
