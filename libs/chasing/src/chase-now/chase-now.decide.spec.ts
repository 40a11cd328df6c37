import { CycleState } from '../../../returns/src/index.js';
import { coordinator } from '../../../../test/support/decide-spec.js';
import { decideChaseNow } from './chase-now.decide.js';

const open = { status: 'open' } as CycleState;
const outstanding = new Map([
  ['kcc', 2],
  ['csp', 0],
  ['dc', 1],
]);
const inCycle = new Set(['kcc', 'csp', 'dc']);

describe('decideChaseNow', () => {
  it('chases every agency with something outstanding, or the one asked for', () => {
    expect(decideChaseNow(coordinator, open, outstanding, inCycle, null)).toEqual(['dc', 'kcc']);
    expect(decideChaseNow(coordinator, open, outstanding, inCycle, 'kcc')).toEqual(['kcc']);
  });

  it.each<[string, () => unknown, string]>([
    [
      'a reviewer asks',
      () => decideChaseNow({ ...coordinator, role: 'reviewer' }, open, outstanding, inCycle, null),
      'forbidden',
    ],
    [
      'the cycle is closed',
      () => decideChaseNow(coordinator, { status: 'closed' } as CycleState, outstanding, inCycle, null),
      'cycle-closed',
    ],
    [
      'the agency has submitted everything',
      () => decideChaseNow(coordinator, open, outstanding, inCycle, 'csp'),
      'nothing-outstanding',
    ],
    [
      'the agency has no returns here',
      () => decideChaseNow(coordinator, open, outstanding, inCycle, 'hat'),
      'agency-not-in-cycle',
    ],
    [
      'the agency id names nothing',
      () => decideChaseNow(coordinator, open, new Map([['', 1]]), new Set(['']), ''),
      'agency-not-in-cycle',
    ],
    [
      'nobody owes anything',
      () => decideChaseNow(coordinator, open, new Map(), inCycle, null),
      'nothing-outstanding',
    ],
  ])('refuses when %s', (_when, act, code) => {
    expect(act).toThrow(expect.objectContaining({ code }));
  });
});
