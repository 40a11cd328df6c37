import { LiveCycle, ReturnView } from '../../../returns/src/index.js';
import { filesFixedBecause } from './return-changeable.js';

const view = (status: string, approved: unknown = null) => ({ status, approved }) as unknown as ReturnView;
const cycle = (status: string) => ({ status, label: 'Year 1 2019/20' }) as unknown as LiveCycle;

describe('why a return’s files cannot change', () => {
  it('says nothing while the lead may still write the return', () => {
    expect(filesFixedBecause(view('draft'), cycle('open'))).toBeNull();
    expect(filesFixedBecause(view('requested'), cycle('open'))).toBeNull();
    expect(filesFixedBecause(view('draft', { version: 3 }), cycle('closed'))).toBeNull();
  });

  it.each([
    ['submitted', 'open', 'waiting for review'],
    ['approved', 'open', 'has been approved'],
    ['accepted', 'closed', 'has been accepted'],
    ['withdrawn', 'open', 'withdrew this return'],
    ['draft', 'closed', 'Year 1 2019/20 has closed'],
  ])('gives the reason for a %s return in a %s cycle', (status, cycleStatus, words) => {
    expect(filesFixedBecause(view(status), cycle(cycleStatus))).toContain(words);
  });
});
