import { resolveChasePolicy } from '../../../kernel/src/index.js';
import { ReturnEvent } from '../../../returns/src/index.js';
import { addDays } from '../calendar/working-days.js';
import {
  approved,
  at,
  chasedAt,
  closed,
  CYCLE,
  drafted,
  DUE,
  extended,
  Given,
  given,
  LEAD,
  onRequest,
  opened,
  police,
  reassigned,
  scheduled,
  SENIOR,
  submitted,
  withdrawn,
} from '../testing/chase-given.js';
import { ChaseCommand, decideChase } from './chase.decide.js';

// given-events / when-command / then-events: the events of testing/chase-given.ts, a command, the events decided.

/**
 * A scan every day from `from` to `to` that asks, for every date of the past week, whether the police are to be
 * chased at it: what is recorded becomes the history of the next question. The steps recorded, in order.
 */
function scanDaily(from: string, to: string, g: Given = {}): string[] {
  const chased = [...(g.chased ?? [])];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    for (let back = 6; back >= 0; back--) {
      chased.push(...decideChase(scheduled(addDays(day, -back)), given({ ...g, chased }), at(day)));
    }
  }
  return chased.flatMap((e) => (e.type === 'AgencyChased' ? [`${e.data.step} ${e.data.kind}`] : []));
}

describe('decideChase: which chase steps are due for whom', () => {
  it('chases nothing before the first step (the 10-day reminder fell on the opening day)', () => {
    for (const day of ['2026-11-02', '2026-11-05', '2026-11-10']) {
      for (const step of ['2026-11-02', day])
        expect(decideChase(scheduled(step), given(), at(day))).toEqual([]);
    }
  });

  it('records a due step for the agency: its outstanding returns and its leads', () => {
    expect(decideChase(scheduled('2026-11-11'), given(), at('2026-11-11'))).toEqual([
      chasedAt('2026-11-11', 'reminder'),
    ]);
    expect(decideChase(scheduled(DUE), given(), at(DUE))).toEqual([chasedAt(DUE, 'due')]);
  });

  it('records each step once, on working days only, however often the scan asks', () => {
    // Christmas Day is a Friday and Boxing Day a Saturday (its bank holiday is Monday 28th): the overdue chase
    // five working days after the 21st is on the 30th.
    expect(scanDaily('2026-11-02', '2026-12-31')).toEqual([
      '2026-11-11 reminder',
      '2026-11-16 due',
      '2026-11-23 overdue',
      '2026-11-30 overdue',
      '2026-12-07 escalation',
      '2026-12-14 overdue',
      '2026-12-21 overdue',
      '2026-12-30 overdue',
    ]);
  });

  it('decides nothing for a step already recorded: a repeated scan or job adds no second event', () => {
    const chased = decideChase(scheduled(DUE), given(), at(DUE));
    expect(chased).toHaveLength(1);
    for (const day of [DUE, '2026-11-17', '2026-11-18']) {
      expect(decideChase(scheduled(DUE), given({ chased }), at(day))).toEqual([]);
    }
  });

  it('goes up on escalation: seniors and coordinators too, and a ReturnEscalated naming them', () => {
    const recipients = [
      { email: LEAD, role: 'lead' },
      { email: SENIOR, role: 'senior' },
      { email: 'cora@lsp.example.org', role: 'coordinator' },
    ];
    expect(decideChase(scheduled('2026-12-07'), given(), at('2026-12-07'))).toEqual([
      chasedAt('2026-12-07', 'escalation', police, recipients),
      {
        type: 'ReturnEscalated',
        data: { step: '2026-12-07', returnIds: police, to: [SENIOR, 'cora@lsp.example.org'] },
      },
    ]);
  });

  it('moves the steps with an extension: the old ones are no longer due, the new ones are', () => {
    const later = { returns: { M1: [extended('2026-12-04')], M2: [extended('2026-12-04')] } };
    expect(decideChase(scheduled(DUE), given(later), at(DUE))).toEqual([]);
    expect(scanDaily('2026-11-12', '2026-12-11', later)).toEqual([
      '2026-11-20 reminder',
      '2026-12-01 reminder',
      '2026-12-04 due',
      '2026-12-11 overdue',
    ]);
  });

  it('chases one return extended and one not together, the most urgent kind, naming both', () => {
    // M2's 3-day reminder and M1's first overdue chase both fall on 23 November.
    const g = { returns: { M2: [extended('2026-11-26')] } };
    expect(decideChase(scheduled('2026-11-23'), given(g), at('2026-11-23'))).toEqual([
      chasedAt('2026-11-23', 'overdue'),
    ]);
  });

  it.each<[string, Record<string, ReturnEvent[]>, string[]]>([
    ['submitted', { M1: [submitted] }, [`${CYCLE}.M2`]],
    ['approved', { M1: [submitted, approved] }, [`${CYCLE}.M2`]],
    ['withdrawn', { M1: [withdrawn] }, [`${CYCLE}.M2`]],
    ['reassigned to another agency', { M1: [reassigned] }, [`${CYCLE}.M2`]],
  ])('no longer chases a return %s', (_what, returns, chasedFor) => {
    expect(decideChase(scheduled(DUE), given({ returns }), at(DUE))).toEqual([
      chasedAt(DUE, 'due', chasedFor),
    ]);
    const both = Object.fromEntries(['M1', 'M2'].map((ref) => [ref, returns.M1]));
    expect(decideChase(scheduled(DUE), given({ returns: both }), at(DUE))).toEqual([]);
    expect(decideChase(onRequest('now-1'), given({ returns: both }), at(DUE))).toEqual([]);
  });

  it('chases nobody in a cycle closed, drafted or never drafted', () => {
    for (const cycle of [[drafted(), opened, closed], [drafted()], []]) {
      expect(decideChase(scheduled(DUE), given({ cycle }), at(DUE))).toEqual([]);
      expect(decideChase(onRequest('now-1'), given({ cycle }), at(DUE))).toEqual([]);
    }
  });

  it("follows the cycle's own policy", () => {
    const policy = resolveChasePolicy({ remindWorkingDaysBefore: [1], onDueDate: false });
    const cycle = [drafted(policy), opened];
    expect(decideChase(scheduled(DUE), given({ cycle }), at(DUE))).toEqual([]);
    expect(decideChase(scheduled('2026-11-13'), given({ cycle }), at('2026-11-13'))).toEqual([
      chasedAt('2026-11-13', 'reminder'),
    ]);
  });

  it('chases on request at once, between steps, once per request', () => {
    const first = decideChase(onRequest('now-1'), given(), at('2026-11-05'));
    expect(first).toEqual([chasedAt('now-1', 'now')]);
    expect(decideChase(onRequest('now-1'), given({ chased: first }), at('2026-11-05'))).toEqual([]);
    expect(decideChase(onRequest('now-3'), given({ chased: first }), at('2026-11-05'))).toEqual([
      chasedAt('now-3', 'now'),
    ]);
  });

  it('chases no agency the partnership does not have', () => {
    const command: ChaseCommand = { type: 'ChaseOnRequest', agencyId: 'fire', step: 'now-1' };
    expect(decideChase(command, given(), at(DUE))).toEqual([]);
  });
});
