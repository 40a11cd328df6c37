import { contactMails, sampleCycle as cycle } from '../testing/contact-mails.js';
import { escalationMail } from './escalation.js';

const WHY =
  "You are getting this because Sevenoaks LSP's plan names you as a contact for Kent Police. " +
  'If that is no longer right, reply to this email and the coordinator will change it.';

/** Issue 14 point 4: every mail says why it was sent; an agency contact has no account, so the way out is a reply. */
describe('mail to agency contacts says why it was sent', () => {
  const mails = contactMails();
  it.each(Object.entries(mails))('%s: in the text and the HTML', (_kind, mail) => {
    expect(mail.text).toContain(WHY);
    expect(mail.html).toContain(WHY.replace("'", '&#39;'));
  });

  it('an escalation says it is to the senior contact, and that the coordinator hears in one mail', () => {
    const mail = escalationMail({
      to: 'a@b.c',
      name: 'Sam',
      agencyName: 'Kent Police',
      partnershipName: 'P',
      ...cycle,
      overdueChases: 2,
      returns: [],
    });
    expect(mail.text).toContain(
      'You are getting this as its senior contact; the coordinator hears of every agency escalated with it in one mail.',
    );
  });
});
