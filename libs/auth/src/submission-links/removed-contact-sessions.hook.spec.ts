import { REMOVED_CONTACT_SESSIONS_HOOK } from './removed-contact-sessions.hook.js';

describe('REMOVED_CONTACT_SESSIONS_HOOK', () => {
  const removed = {
    type: 'AgencyContactRemoved',
    data: { agencyId: 'sevenoaks-dc', email: 'd@example.org' },
  };
  const added = { type: 'AgencyContactAdded', data: { agencyId: 'sevenoaks-dc', email: 'e@example.org' } };

  it('applies to an append that removes a contact from a partnership', () => {
    expect(REMOVED_CONTACT_SESSIONS_HOOK.appliesTo('partnership:sevenoaks-lsp', [added, removed])).toBe(true);
  });

  it('leaves every other append as it is, so it stays one statement', () => {
    expect(REMOVED_CONTACT_SESSIONS_HOOK.appliesTo('partnership:sevenoaks-lsp', [added])).toBe(false);
    expect(REMOVED_CONTACT_SESSIONS_HOOK.appliesTo('plan:sevenoaks-lsp:p', [removed])).toBe(false);
  });

  it('ends the removed contacts’ link sessions in the partnership, in the append’s own SQL, and changes no event', async () => {
    const calls: { text: string; values: unknown[] }[] = [];
    const sql = { query: async (text: string, values: unknown[]) => void calls.push({ text, values }) };
    const events = [added, removed];
    const stored = await REMOVED_CONTACT_SESSIONS_HOOK.storing(
      'partnership:sevenoaks-lsp',
      events,
      sql as never,
    );
    expect(stored).toBe(events);
    expect(calls).toHaveLength(1);
    expect(calls[0].text).toMatch(/DELETE FROM sessions/);
    expect(calls[0].values).toEqual(['sevenoaks-lsp', ['sevenoaks-dc'], ['d@example.org']]);
  });
});
