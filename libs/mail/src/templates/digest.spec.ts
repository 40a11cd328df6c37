import { digestMail, MessageItem, SubmissionItem } from './digest.js';

const item = (ref: string, more: Partial<SubmissionItem> = {}): SubmissionItem => ({
  kind: 'submission',
  agencyName: 'Kent County Council',
  measureRef: ref,
  measureText: 'NEET <16-18> & more',
  themeTitle: 'Caring Communities',
  cycleLabel: 'Year 1 2019/20',
  late: false,
  pageUrl: `https://returns.example/review/returns/y1.${ref}`,
  ...more,
});
const why = {
  because: 'you review the theme Caring Communities',
  delivery: 'you chose hourly digests',
  accountUrl: 'https://returns.example/account#mail',
};

describe('the digest mail', () => {
  const mail = digestMail({
    to: 'rita@lsp.example',
    name: 'Rita',
    partnershipName: 'Sevenoaks LSP',
    windowInWords: 'between 10:00am and 11:00am on 3 December 2026',
    items: [item('C3'), item('C4', { late: true })],
    queueUrl: 'https://returns.example/review',
    why,
  });

  it('counts its items in the subject and lists each with the page to act on', () => {
    expect(mail.subject).toBe('Sevenoaks LSP: 2 returns submitted');
    expect(mail.text).toContain(
      '- Kent County Council submitted C3 (NEET <16-18> & more) under Caring Communities',
    );
    expect(mail.text).toContain(
      'submitted C4 (NEET <16-18> & more) under Caring Communities for Year 1 2019/20, after its due date',
    );
    expect(mail.text).toContain('  https://returns.example/review/returns/y1.C3');
    expect(mail.html).toContain('<a href="https://returns.example/review/returns/y1.C4">open C4</a>');
    expect(mail.text).toContain('Everything waiting for review: https://returns.example/review');
  });

  it('says why it was sent and where to change that', () => {
    expect(mail.text).toContain(
      'You are getting this because you review the theme Caring Communities; you chose hourly digests. ' +
        'Change this at https://returns.example/account#mail',
    );
    expect(mail.html).toContain(
      '<a href="https://returns.example/account#mail">Change how you get these mails</a>',
    );
  });

  it('escapes what people typed in the HTML', () => {
    expect(mail.html).toContain('NEET &lt;16-18&gt; &amp; more');
    expect(mail.html).not.toContain('<16-18>');
  });

  it('words a single item in the singular', () => {
    expect(
      digestMail({
        ...{ to: 'a@b.c', name: 'A', partnershipName: 'P', windowInWords: 'w', queueUrl: 'q', why },
        items: [item('C3')],
      }).subject,
    ).toBe('P: 1 return submitted');
  });

  it('lists messages under their own heading: who wrote on which return, change requests marked, a link to answer', () => {
    const message = (ref: string, more: Partial<MessageItem> = {}): MessageItem => ({
      kind: 'message',
      authorInWords: 'Ann Lee of Kent County Council',
      measureRef: ref,
      measureText: 'NEET',
      cycleLabel: 'Year 1 2019/20',
      changeRequest: false,
      excerpt: 'Figures <attached>',
      pageUrl: `https://returns.example/review/returns/y1.${ref}/messages`,
      ...more,
    });
    const both = digestMail({
      ...{ to: 'a@b.c', name: 'A', partnershipName: 'P', windowInWords: 'w', queueUrl: 'q', why },
      items: [
        message('C3'),
        item('C4'),
        message('C4', { changeRequest: true, authorInWords: 'Rita (reviewer)' }),
      ],
    });
    expect(both.subject).toBe('P: 1 return submitted, 2 messages on returns');
    expect(both.text).toContain(
      '2 messages on returns\n- Ann Lee of Kent County Council wrote on C3 (NEET) for Year 1 2019/20: “Figures <attached>”\n' +
        '  https://returns.example/review/returns/y1.C3/messages',
    );
    expect(both.text).toContain('- Rita (reviewer) asked for a change (change request) on C4 (NEET)');
    expect(both.html).toContain(
      '<a href="https://returns.example/review/returns/y1.C3/messages">read the conversation on C3</a>',
    );
    expect(both.html).toContain('“Figures &lt;attached&gt;”');
    expect(
      digestMail({
        ...{ to: 'a@b.c', name: 'A', partnershipName: 'P', windowInWords: 'w', queueUrl: 'q', why },
        items: [message('C3')],
      }).subject,
    ).toBe('P: 1 message on a return');
  });
});
