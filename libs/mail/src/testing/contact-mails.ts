import { chaseDigestMail } from '../templates/chase-digest.js';
import { returnSentBackMail } from '../templates/return-sent-back.js';
import { returnsRequestedMail } from '../templates/returns-requested.js';

export const sampleContact = {
  to: 'lee@example.org',
  contactName: 'Lee',
  agencyName: 'Kent Police',
  partnershipName: 'Sevenoaks LSP',
};
export const sampleCycle = { cycleLabel: 'Year 1 2019/20', dueDate: '2020-04-30' };

/** One of each mail an agency contact gets, to Lee of Kent Police, for the specs that read every one of them. */
export function contactMails() {
  const who = sampleContact;
  const cycle = sampleCycle;
  return {
    'returns requested': returnsRequestedMail({
      ...who,
      ...cycle,
      measures: [{ ref: 'S1', text: 'Reduce crime' }],
      link: 'http://x/l/t',
    }),
    'chase digest': chaseDigestMail('reminder', { ...who, ...cycle, returns: [], link: 'http://x/l/t' }),
    'sent back': returnSentBackMail({
      ...who,
      cycleLabel: cycle.cycleLabel,
      measureRef: 'S1',
      measureText: 'Reduce crime',
      reason: 'Add the figures',
      link: null,
      dueDate: cycle.dueDate,
      sentBackOn: '2020-04-20',
    }),
  };
}
