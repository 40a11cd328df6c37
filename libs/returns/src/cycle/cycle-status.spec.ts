import { CycleEvent } from './cycle.events.js';
import { cycleStatusOf, evolveCycle, initialCycle, KEEP_CYCLE_STANDING } from './cycle.state.js';

const facts = {
  cycleId: 'y1',
  partnershipId: 'lsp',
  planId: 'plan',
  label: 'Year 1',
  periodStart: '2019-04-01',
  periodEnd: '2020-03-31',
  dueDate: '2020-04-30',
};
const e = {
  drafted: { type: 'CycleDrafted', data: facts },
  opened: {
    type: 'CycleOpened',
    data: {
      openedAt: '2019-04-02T09:00:00Z',
      returns: [{ returnId: 'y1.S1', measureRef: 'S1', themeId: 't', agencyId: 'a' }],
    },
  },
  link: {
    type: 'SubmissionLinkIssued',
    data: { linkId: 'l1', agencyId: 'a', contactEmail: 'a@example.org', tokenHash: 'h' },
  },
  used: { type: 'SubmissionLinkUsed', data: { linkId: 'l1' } },
  revoked: { type: 'SubmissionLinkRevoked', data: { linkId: 'l1', reason: 'sent to the wrong person' } },
  headings: { type: 'ReportHeadingsSet', data: { reportTitle: 'Monitoring report', yearHeading: null } },
  closed: { type: 'CycleClosed', data: { forced: false, reason: null, unresolvedReturnIds: [] } },
  published: { type: 'ReportPublished', data: { contentHash: 'x', publishedAt: '2020-05-01T00:00:00Z' } },
} satisfies Record<string, CycleEvent>;

describe('cycleStatusOf', () => {
  const histories: CycleEvent[][] = [
    [],
    [e.drafted],
    [e.drafted, e.opened],
    [e.drafted, e.opened, e.link, e.used, e.used],
    [e.drafted, e.opened, e.link, e.closed],
    [e.drafted, e.opened, e.closed, e.published, e.published],
    // Out-of-order events change nothing, in either fold.
    [e.opened, e.closed],
    [e.drafted, e.closed, e.published],
    [e.drafted, e.opened, e.published],
  ];

  it.each(histories.map((h) => [h.map((x) => x.type).join(', ') || '(none)', h] as const))(
    'agrees with evolveCycle for %s',
    (_name, history) => {
      expect(cycleStatusOf(history.map((x) => x.type))).toBe(
        history.reduce(evolveCycle, initialCycle()).status,
      );
    },
  );

  const keeping: CycleEvent[] = [e.link, e.revoked, e.used, e.headings];

  it('is kept by exactly the events KEEP_CYCLE_STANDING names, after any history', () => {
    expect(keeping.map((x) => x.type).sort()).toEqual([...KEEP_CYCLE_STANDING].sort());
    for (const history of histories) {
      for (const event of keeping) {
        const before = history.reduce(evolveCycle, initialCycle()).status;
        expect([event.type, cycleStatusOf([...history, event].map((x) => x.type))]).toEqual([
          event.type,
          before,
        ]);
        expect([event.type, evolveCycle(history.reduce(evolveCycle, initialCycle()), event).status]).toEqual([
          event.type,
          before,
        ]);
      }
    }
  });
});
