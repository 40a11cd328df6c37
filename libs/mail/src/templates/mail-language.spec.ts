import { contactMails } from '../testing/contact-mails.js';
import { page } from './outstanding-returns.js';

/** A mail client reads a British mail aloud, and offers to translate it, as UK English only when it says so. */
describe('the HTML of every mail says it is in British English', () => {
  const mails: Record<string, string> = {
    ...Object.fromEntries(Object.entries(contactMails()).map(([kind, mail]) => [kind, mail.html])),
    // Every other mail to staff and agencies is written in this page.
    'any other': page('<p>Dear Lee,</p>'),
  };
  it.each(Object.entries(mails))('%s', (_kind, html) => {
    expect(/<html[^>]*\blang="([^"]*)"/.exec(html)?.[1]).toBe('en-GB');
  });
});
