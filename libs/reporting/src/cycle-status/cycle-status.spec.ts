import { StoredEvent } from '../../../event-store/src/index.js';
import { buildCycleStatus, StatusInput, StatusReturn } from './cycle-status.js';
import { chasesSentByReturn } from './cycle-status.from-events.js';

const r = (
  measureRef: string,
  agencyId: string,
  themeId: string,
  extra: Partial<StatusReturn>,
): StatusReturn => ({
  returnId: `y1.${measureRef}`,
  measureRef,
  themeId,
  agencyId,
  status: 'requested',
  dueDate: '2020-04-30',
  originalDueDate: '2020-04-30',
  firstSubmittedAt: null,
  everApproved: false,
  chasesSent: 0,
  ...extra,
});

const input = (returns: StatusReturn[], today = '2020-05-10'): StatusInput => ({
  cycle: { cycleId: 'y1', label: 'Year 1', status: 'open', dueDate: '2020-04-30' },
  today,
  asAt: null,
  agencyNames: new Map([
    ['csp', 'Community Safety Partnership'],
    ['sdc', 'Sevenoaks District Council'],
  ]),
  themes: [
    { themeId: 'caring', title: 'Caring Communities', position: 2 },
    { themeId: 'safe', title: 'Safe Communities', position: 1 },
  ],
  measureTexts: new Map([['S1', 'Measure S1']]),
  returns,
});

describe('buildCycleStatus', () => {
  const returns = [
    // On time by the original due date.
    r('S1', 'csp', 'safe', {
      status: 'approved',
      firstSubmittedAt: new Date('2020-04-29T10:00:00Z'),
      everApproved: true,
    }),
    // Late by the original date, on time by its extension.
    r('S2', 'csp', 'safe', {
      status: 'submitted',
      dueDate: '2020-05-15',
      firstSubmittedAt: new Date('2020-05-09T10:00:00Z'),
    }),
    // Overdue: never submitted, ten days past due, chased twice.
    r('S3', 'sdc', 'safe', { chasesSent: 2 }),
    // Sent back and not resubmitted: a draft, overdue although it was submitted once (late).
    r('C1', 'sdc', 'caring', { status: 'draft', firstSubmittedAt: new Date('2020-05-01T09:00:00Z') }),
    // An approved return reopened for an amendment: a draft, but not overdue.
    r('C2', 'sdc', 'caring', {
      status: 'draft',
      everApproved: true,
      firstSubmittedAt: new Date('2020-04-01T09:00:00Z'),
    }),
    // Extended and not yet due.
    r('C3', 'sdc', 'caring', { dueDate: '2020-06-01' }),
    r('C4', 'sdc', 'caring', { status: 'withdrawn' }),
  ];
  const status = buildCycleStatus(input(returns));

  it('counts returns by state, per agency and per theme, with overdue beside the states', () => {
    expect(status.totals).toEqual({
      requested: 2,
      draft: 2,
      submitted: 1,
      approved: 1,
      accepted: 0,
      withdrawn: 1,
      overdue: 2,
      total: 7,
    });
    expect(status.byAgency.map((a) => [a.agency, a.counts.total, a.counts.overdue])).toEqual([
      ['Community Safety Partnership', 2, 0],
      ['Sevenoaks District Council', 5, 2],
    ]);
    expect(status.byTheme.map((t) => [t.title, t.counts.total])).toEqual([
      ['Safe Communities', 3],
      ['Caring Communities', 4],
    ]);
  });

  it('lists overdue returns, most overdue first, with days overdue and chases sent', () => {
    expect(status.overdue).toEqual([
      expect.objectContaining({ measureRef: 'C1', daysOverdue: 10, chasesSent: 0, status: 'draft' }),
      expect.objectContaining({
        measureRef: 'S3',
        measure: '',
        agency: 'Sevenoaks District Council',
        daysOverdue: 10,
        chasesSent: 2,
      }),
    ]);
  });

  it('works out completeness, and timeliness by the original and by the extended due date separately', () => {
    // Withdrawn returns are not expected: six are.
    expect(status.completeness).toEqual({ count: 3, of: 6, percent: 50 });
    expect(status.timeliness).toEqual({
      byOriginalDueDate: { count: 2, of: 6, percent: 33 },
      byExtendedDueDate: { count: 3, of: 6, percent: 50 },
      extended: 2,
      notYetSubmitted: 2,
    });
  });

  it('has nothing overdue before the due date, and no rates when nothing is expected', () => {
    expect(buildCycleStatus(input(returns, '2020-04-30')).overdue).toEqual([]);
    expect(buildCycleStatus(input([])).completeness).toEqual({ count: 0, of: 0, percent: null });
  });
});

describe('chasesSentByReturn', () => {
  const event = (streamId: string, type: string, data: object): StoredEvent =>
    ({ streamId, type, data, version: 1, globalPosition: 1 }) as unknown as StoredEvent;

  it('counts a chase step once some mail of it was sent, for every return it was about', () => {
    const stream = 'chase:y1:sdc';
    const counts = chasesSentByReturn([
      event(stream, 'AgencyChased', { step: '2020-05-01', returnIds: ['y1.S3', 'y1.C1'] }),
      event(stream, 'ReminderSent', { key: '2020-05-01', recipient: 'a@x' }),
      event(stream, 'ReminderSent', { key: '2020-05-01', recipient: 'b@x' }),
      event(stream, 'AgencyChased', { step: '2020-05-08', returnIds: ['y1.S3'] }),
      event(stream, 'ReminderSent', { key: '2020-05-08', recipient: 'a@x' }),
      // Claimed but never sent: not a chase anyone received.
      event(stream, 'AgencyChased', { step: '2020-05-15', returnIds: ['y1.S3'] }),
    ]);
    expect(Object.fromEntries(counts)).toEqual({ 'y1.S3': 2, 'y1.C1': 1 });
  });
});

describe('buildCycleStatus in a two-stage cycle', () => {
  const submittedAt = new Date('2020-04-20T09:00:00Z');
  const status = buildCycleStatus(
    input([
      // Approved by a reviewer, waiting for acceptance, long past its due date.
      r('S1', 'csp', 'safe', { status: 'approved', firstSubmittedAt: submittedAt }),
      r('S2', 'csp', 'safe', { status: 'accepted', firstSubmittedAt: submittedAt, everApproved: true }),
      r('S3', 'csp', 'safe', {}),
    ]),
  );

  it('counts both stages apart', () => {
    expect(status.totals).toMatchObject({ approved: 1, accepted: 1, requested: 1, total: 3 });
  });

  it('does not hold a return awaiting acceptance overdue against its agency', () => {
    expect(status.overdue.map((o) => o.measureRef)).toEqual(['S3']);
    expect(status.byAgency[0].counts.overdue).toBe(1);
  });

  it('counts returns in either stage, and accepted ones, as returned', () => {
    expect(status.completeness).toEqual({ count: 2, of: 3, percent: 67 });
  });
});
