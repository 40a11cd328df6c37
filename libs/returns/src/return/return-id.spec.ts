import { cycleIdOf, returnIdFor } from './return.events.js';

describe('return ids', () => {
  it('name their cycle, even when the measure ref has dots of its own', () => {
    expect(cycleIdOf(returnIdFor('y1-2019-20', 'S1'))).toBe('y1-2019-20');
    expect(cycleIdOf(returnIdFor('y1-2019-20', 'H3.2'))).toBe('y1-2019-20');
  });

  it('name no cycle when not made by returnIdFor', () => {
    expect(cycleIdOf('legacy-id')).toBeNull();
    expect(cycleIdOf('.S1')).toBeNull();
  });
});
