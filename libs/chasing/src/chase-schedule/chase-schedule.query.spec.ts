import { LiveCycle, LiveReturnState } from '../../../returns/src/index.js';
import { calendarWithHolidays } from '../calendar/working-days.js';
import { StoredChaseEvent } from '../chase/chase.events.js';
import { chaseScheduleView } from './chase-schedule.query.js';

const calendar = calendarWithHolidays([]);
const cycle = (status: 'open' | 'closed') =>
  ({
    status,
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'p1',
    label: 'Year 1',
    periodStart: '2025-04-01',
    periodEnd: '2026-03-31',
    dueDate: '2026-11-16',
    openedAt: '2026-10-01T09:00:00Z',
    returns: [],
    links: {},
    tokenHashes: {},
  }) as LiveCycle;
const ret = (returnId: string, agencyId: string, status: string, dueDate = '2026-11-16') =>
  ({ returnId, agencyId, status, dueDate }) as LiveReturnState;
const returns = [ret('y1.M1', 'police', 'draft'), ret('y1.M2', 'council', 'approved')];
const chased = {
  type: 'AgencyChased',
  data: { step: '2026-11-02', kind: 'before', returnIds: ['y1.M1'], recipients: [] },
  version: 1,
  recordedAt: new Date('2026-11-02T09:00:00Z'),
  metadata: { actorId: 'system', actorRole: 'system' },
} as unknown as StoredChaseEvent;
const now = new Date('2026-11-05T12:00:00Z');

describe('the chase schedule (given a cycle, its returns and chases, then the schedule)', () => {
  it('gives an agency with returns outstanding its next step, and the chases it had', () => {
    const view = chaseScheduleView(cycle('open'), returns, new Map([['police', [chased]]]), now, calendar);
    expect(view.today).toBe('2026-11-05');
    const police = view.agencies.find((a) => a.agencyId === 'police')!;
    expect(police.outstanding.map((r) => r.returnId)).toEqual(['y1.M1']);
    expect(police.nextStep?.date).toBe('2026-11-11');
    expect(police.nextStep?.sendFrom).toBe('2026-11-11T09:00:00.000Z');
    expect(police.chased).toEqual([{ step: '2026-11-02', kind: 'before', at: '2026-11-02T09:00:00.000Z' }]);
  });

  it('plans nothing for an agency with nothing outstanding, nor for anybody once the cycle is closed', () => {
    const open = chaseScheduleView(cycle('open'), returns, new Map(), now, calendar);
    expect(open.agencies.map((a) => [a.agencyId, a.nextStep])).toEqual([
      ['council', null],
      ['police', expect.objectContaining({ date: '2026-11-11' })],
    ]);
    const closed = chaseScheduleView(cycle('closed'), returns, new Map(), now, calendar);
    expect(closed.agencies.map((a) => a.nextStep)).toEqual([null, null]);
  });

  it('moves the next step with an extended due date', () => {
    const extended = [ret('y1.M1', 'police', 'requested', '2026-11-30')];
    const view = chaseScheduleView(cycle('open'), extended, new Map(), now, calendar);
    expect(view.agencies[0].nextStep?.date).toBe('2026-11-16');
  });
});
