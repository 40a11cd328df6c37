import { OneAtATime } from './one-at-a-time.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('OneAtATime', () => {
  it('runs the work for one key in turn, in the order given, and other keys alongside', async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} starts`);
      await tick();
      await tick();
      log.push(`${name} ends`);
      return name;
    };
    const results = await Promise.all([
      queue.run('cycle-a', step('a1')),
      queue.run('cycle-a', step('a2')),
      queue.run('cycle-b', step('b1')),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 starts')).toBeGreaterThan(log.indexOf('a1 ends'));
    expect(log.indexOf('b1 starts')).toBeLessThan(log.indexOf('a1 ends'));
  });

  it('goes on to the next after a failure, which reaches only its own caller', async () => {
    const queue = new OneAtATime();
    const failing = queue.run('cycle-a', async () => {
      throw new Error('refused');
    });
    const next = queue.run('cycle-a', async () => 'used');
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('used');
  });

  it('forgets a key once nothing waits behind it', async () => {
    const queue = new OneAtATime();
    await queue.run('cycle-a', async () => 'used');
    await tick();
    expect(queue.busyKeys).toBe(0);
  });
});
