import { owedMailForMessage, ThreadPeople } from './message-recipients.js';

const people: ThreadPeople = {
  agencyLeads: [
    { email: 'ann@kcc.example', name: 'Ann' },
    { email: 'al@kcc.example', name: 'Al' },
  ],
  themeReviewers: [{ email: 'rita@lsp.example', name: 'Rita' }],
  coordinators: [{ email: 'cora@lsp.example', name: 'Cora' }],
};

describe('who is owed a mail for a message', () => {
  it('a reviewer’s or coordinator’s message goes to every lead of the agency', () => {
    for (const authorRole of ['reviewer', 'coordinator'] as const) {
      expect(owedMailForMessage({ author: 'rita', authorRole }, people)).toEqual([
        { email: 'ann@kcc.example', name: 'Ann', side: 'agency' },
        { email: 'al@kcc.example', name: 'Al', side: 'agency' },
      ]);
    }
  });

  it('a lead’s message goes to the theme’s reviewers, not the coordinators, nor back to its author', () => {
    expect(owedMailForMessage({ author: 'ann@kcc.example', authorRole: 'agency-lead' }, people)).toEqual([
      { email: 'rita@lsp.example', name: 'Rita', side: 'staff' },
    ]);
  });

  it('a lead’s message goes to the coordinators when the theme has no reviewer', () => {
    expect(
      owedMailForMessage(
        { author: 'ann@kcc.example', authorRole: 'agency-lead' },
        { ...people, themeReviewers: [] },
      ),
    ).toEqual([{ email: 'cora@lsp.example', name: 'Cora', side: 'staff' }]);
  });
});
