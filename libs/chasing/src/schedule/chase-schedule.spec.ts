import { DEFAULT_CHASE_POLICY, resolveChasePolicy } from '../../../kernel/src/index.js';
import { isInSendWindow, localTime, nextSendTime, windowOn } from '../calendar/send-window.js';
import { addWorkingDays, calendarWithHolidays, englandAndWales } from '../calendar/working-days.js';
import { dueChase, plannedSteps, stepsThrough } from './chase-schedule.js';

const ew = englandAndWales();
const policy = DEFAULT_CHASE_POLICY;

describe('working days in England and Wales', () => {
  it('skips weekends and bank holidays (Easter 2020, VE day moved to Friday 8 May 2020)', () => {
    expect(
      ['2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-12-28'].map(ew.isWorkingDay),
    ).toEqual([false, false, false, false, false]);
    expect(['2020-05-04', '2020-04-14', '2020-12-24'].map(ew.isWorkingDay)).toEqual([true, true, true]);
    expect(addWorkingDays(ew, '2020-04-09', 1)).toBe('2020-04-14');
    expect(addWorkingDays(ew, '2020-04-14', -1)).toBe('2020-04-09');
  });

  it('drops the weekend copy of a holiday that has a substitute (Boxing Day 2026 is a Saturday)', () => {
    expect(ew.isWorkingDay('2026-12-28')).toBe(false);
    expect(addWorkingDays(ew, '2026-12-24', 1)).toBe('2026-12-29');
  });
});

describe('plannedSteps (default policy)', () => {
  it('reminds 10 and 3 working days before, on the due date, then every 5 working days; escalates after 2', () => {
    // Due Tuesday 21 April 2020: Good Friday (10th) and Easter Monday (13th) are not working days.
    expect(plannedSteps(policy, '2020-04-21', ew)).toEqual([
      { date: '2020-04-03', kind: 'reminder', workingDaysBefore: 10 },
      { date: '2020-04-16', kind: 'reminder', workingDaysBefore: 3 },
      { date: '2020-04-21', kind: 'due' },
      { date: '2020-04-28', kind: 'overdue', overdueChase: 1 },
      { date: '2020-05-05', kind: 'overdue', overdueChase: 2 },
      // VE day, Friday 8 May, is skipped.
      { date: '2020-05-13', kind: 'escalation', overdueChase: 3 },
      { date: '2020-05-20', kind: 'overdue', overdueChase: 4 },
    ]);
  });

  it('counts only weekends when there are no holidays', () => {
    const steps = plannedSteps(policy, '2020-04-21', calendarWithHolidays([]));
    expect(steps.slice(0, 2).map((s) => s.date)).toEqual(['2020-04-07', '2020-04-16']);
  });

  it('chases a due date that falls on a weekend on the working day before, and overdue from the next', () => {
    const steps = plannedSteps(policy, '2020-05-02', ew); // a Saturday
    expect(steps.find((s) => s.kind === 'due')!.date).toBe('2020-05-01');
    expect(steps.find((s) => s.overdueChase === 1)!.date).toBe('2020-05-11'); // 4th to 11th, VE day skipped
  });

  it('follows a policy chosen for the cycle', () => {
    const custom = resolveChasePolicy({
      remindWorkingDaysBefore: [1],
      onDueDate: false,
      overdueEveryWorkingDays: 2,
      escalateAfterOverdueChases: 0,
    });
    expect(plannedSteps(custom, '2020-06-03', ew, 2)).toEqual([
      { date: '2020-06-02', kind: 'reminder', workingDaysBefore: 1 },
      { date: '2020-06-05', kind: 'escalation', overdueChase: 1 },
      { date: '2020-06-09', kind: 'overdue', overdueChase: 2 },
    ]);
  });

  it('keeps chasing while overdue, however long', () => {
    const steps = stepsThrough(policy, '2020-04-21', ew, '2020-09-30');
    expect(steps[steps.length - 1].kind).toBe('overdue');
    expect(steps.filter((s) => s.kind === 'escalation')).toHaveLength(1);
    expect(steps.every((s) => ew.isWorkingDay(s.date))).toBe(true);
  });

  it('refuses a policy that cannot work, naming the field', () => {
    expect(() => resolveChasePolicy({ overdueEveryWorkingDays: 0 })).toThrow(/at least 1 working day/);
    expect(() =>
      resolveChasePolicy({ sendWindow: { from: '17:00', to: '09:00', timeZone: 'Europe/London' } }),
    ).toThrow(expect.objectContaining({ field: 'chasePolicy.sendWindow' }));
    expect(() =>
      resolveChasePolicy({ sendWindow: { from: '09:00', to: '17:00', timeZone: 'Mars/Olympus' } }),
    ).toThrow(expect.objectContaining({ field: 'chasePolicy.sendWindow.timeZone' }));
  });

  // Issue 10: the rules store what they were given, so a shape HTTP validation missed must stop here.
  it.each<[string, unknown, string]>([
    ['a list instead of a policy', [], 'chasePolicy'],
    ['a list instead of a send window', { sendWindow: [] }, 'chasePolicy.sendWindow'],
    ['text instead of reminders', { remindWorkingDaysBefore: 'abc' }, 'chasePolicy.remindWorkingDaysBefore'],
    ['"yes" instead of true', { onDueDate: 'yes' }, 'chasePolicy.onDueDate'],
    [
      'overdue chases a lifetime apart',
      { overdueEveryWorkingDays: 1e9 },
      'chasePolicy.overdueEveryWorkingDays',
    ],
    ['a number as the time zone', { sendWindow: { timeZone: 5 } }, 'chasePolicy.sendWindow.timeZone'],
    ['null as a time', { sendWindow: { from: null } }, 'chasePolicy.sendWindow'],
  ])('refuses %s', (_what, given, field) => {
    expect(() => resolveChasePolicy(given as never)).toThrow(
      expect.objectContaining({ code: 'invalid-chase-policy', field }),
    );
  });
});

describe('dueChase: what an agency is due on a given day', () => {
  const opened = '2020-03-02';
  const r = (returnId: string, dueDate: string) => ({ returnId, dueDate });

  it('is the step of the day, or nothing between steps', () => {
    expect(dueChase(policy, ew, '2020-04-16', opened, [r('a', '2020-04-21')])).toEqual({
      date: '2020-04-16',
      kind: 'reminder',
      returnIds: ['a'],
    });
    expect(dueChase(policy, ew, '2020-04-17', opened, [r('a', '2020-04-21')])).toMatchObject({
      date: '2020-04-16',
    });
    expect(dueChase(policy, ew, '2020-04-22', opened, [r('a', '2020-04-21')])).toMatchObject({
      date: '2020-04-21',
      kind: 'due',
    });
  });

  it('leaves behind a step more than two working days old', () => {
    expect(dueChase(policy, ew, '2020-04-07', opened, [r('a', '2020-04-21')])).toMatchObject({
      date: '2020-04-03',
    });
    expect(dueChase(policy, ew, '2020-04-15', opened, [r('a', '2020-04-21')])).toBeNull();
  });

  it('sends nothing dated on or before the day the cycle opened', () => {
    expect(dueChase(policy, ew, '2020-04-16', '2020-04-16', [r('a', '2020-04-21')])).toBeNull();
  });

  it('makes one chase of several returns, the most urgent kind, when due dates differ', () => {
    // b was extended to 1 May: its 3-day reminder and a's first overdue chase both fall on 28 April.
    const chase = dueChase(policy, ew, '2020-04-28', opened, [r('a', '2020-04-21'), r('b', '2020-05-01')]);
    expect(chase).toEqual({ date: '2020-04-28', kind: 'overdue', returnIds: ['a', 'b'] });
  });

  it('has nothing to chase when nothing is outstanding', () => {
    expect(dueChase(policy, ew, '2020-04-21', opened, [])).toBeNull();
  });
});

describe('send window (Europe/London, across the clock change)', () => {
  const window = policy.sendWindow;

  it('opens at 09:00 local: 09:00Z in winter, 08:00Z in summer time', () => {
    expect(windowOn('2020-03-27', window)).toEqual({
      opens: new Date('2020-03-27T09:00:00Z'),
      closes: new Date('2020-03-27T17:00:00Z'),
    });
    // Clocks went forward on Sunday 29 March 2020.
    expect(windowOn('2020-03-30', window)).toEqual({
      opens: new Date('2020-03-30T08:00:00Z'),
      closes: new Date('2020-03-30T16:00:00Z'),
    });
    // And back on Sunday 25 October 2020.
    expect(windowOn('2020-10-26', window).opens).toEqual(new Date('2020-10-26T09:00:00Z'));
  });

  it('is closed before and after hours, on weekends and on bank holidays', () => {
    expect(isInSendWindow(new Date('2020-03-30T07:59:00Z'), window, ew)).toBe(false);
    expect(isInSendWindow(new Date('2020-03-30T08:00:00Z'), window, ew)).toBe(true);
    expect(isInSendWindow(new Date('2020-03-30T16:00:00Z'), window, ew)).toBe(false);
    expect(isInSendWindow(new Date('2020-03-28T12:00:00Z'), window, ew)).toBe(false);
    expect(isInSendWindow(new Date('2020-04-13T12:00:00Z'), window, ew)).toBe(false);
  });

  it('answers each asking with its own instants, however often the same window is asked for', () => {
    const first = windowOn('2020-03-30', window);
    first.opens.setTime(0);
    expect(windowOn('2020-03-30', window).opens).toEqual(new Date('2020-03-30T08:00:00Z'));
    expect(windowOn('2020-03-30', { ...window, timeZone: 'Asia/Tokyo' }).opens).toEqual(
      new Date('2020-03-30T00:00:00Z'),
    );
  });

  it('tells the local date: 23:30Z on 30 June is already 1 July in London', () => {
    expect(localTime(new Date('2020-06-30T23:30:00Z'), 'Europe/London')).toEqual({
      date: '2020-07-01',
      minutes: 30,
    });
  });

  it('finds the next opening: Thursday evening before Easter waits until Tuesday 08:00Z', () => {
    expect(nextSendTime(new Date('2020-04-09T18:00:00Z'), window, ew)).toEqual(
      new Date('2020-04-14T08:00:00Z'),
    );
    const inside = new Date('2020-04-14T10:00:00Z');
    expect(nextSendTime(inside, window, ew)).toEqual(inside);
  });
});
