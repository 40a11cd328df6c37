import { LINK_SESSIONS_END_HOOK } from './link-sessions-end.hook.js';

describe('LINK_SESSIONS_END_HOOK', () => {
  const removed = {
    type: 'AgencyContactRemoved',
    data: { agencyId: 'sevenoaks-dc', email: 'd@example.org' },
  };
  const added = { type: 'AgencyContactAdded', data: { agencyId: 'sevenoaks-dc', email: 'e@example.org' } };

  it('applies to an append that removes a contact from a partnership', () => {
    expect(LINK_SESSIONS_END_HOOK.appliesTo('partnership:sevenoaks-lsp', [added, removed])).toBe(true);
  });

  it('applies to the close of a cycle, and ends the sessions its links opened', async () => {
    const closed = { type: 'CycleClosed', data: { forced: true, reason: 'over', unresolvedReturnIds: [] } };
    expect(LINK_SESSIONS_END_HOOK.appliesTo('cycle:lsp~y1', [closed])).toBe(true);
    expect(LINK_SESSIONS_END_HOOK.appliesTo('cycle:lsp~y1', [{ type: 'CycleOpened', data: {} }])).toBe(false);
    const calls: { text: string; values: unknown[] }[] = [];
    const sql = { query: async (text: string, values: unknown[]) => void calls.push({ text, values }) };
    await LINK_SESSIONS_END_HOOK.storing('cycle:lsp~y1', [closed], sql as never);
    expect(calls).toEqual([{ text: expect.stringMatching(/DELETE FROM sessions/), values: ['lsp~y1'] }]);
  });

  it('leaves every other append as it is, so it stays one statement', () => {
    expect(LINK_SESSIONS_END_HOOK.appliesTo('partnership:sevenoaks-lsp', [added])).toBe(false);
    expect(LINK_SESSIONS_END_HOOK.appliesTo('plan:sevenoaks-lsp:p', [removed])).toBe(false);
  });

  it('ends the removed contacts’ link sessions in the partnership, in the append’s own SQL, and changes no event', async () => {
    const calls: { text: string; values: unknown[] }[] = [];
    const sql = { query: async (text: string, values: unknown[]) => void calls.push({ text, values }) };
    const events = [added, removed];
    const stored = await LINK_SESSIONS_END_HOOK.storing('partnership:sevenoaks-lsp', events, sql as never);
    expect(stored).toBe(events);
    expect(calls).toHaveLength(1);
    expect(calls[0].text).toMatch(/DELETE FROM sessions/);
    expect(calls[0].values).toEqual(['sevenoaks-lsp', ['sevenoaks-dc'], ['d@example.org']]);
  });
});
