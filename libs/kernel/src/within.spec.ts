import { NoAnswerInTime, within } from './within.js';

describe('within', () => {
  it('answers what the work answers, and passes its error on as it is', async () => {
    await expect(within(1_000, async () => 'done')).resolves.toBe('done');
    const refused = new Error('READONLY');
    await expect(within(1_000, () => Promise.reject(refused))).rejects.toBe(refused);
  });

  it('gives up on work that does not answer in time, saying so', async () => {
    const never = () => new Promise<never>(() => undefined);
    const late = within(20, never);
    await expect(late).rejects.toBeInstanceOf(NoAnswerInTime);
    await expect(late).rejects.toThrow('no answer within 20 ms');
    await expect(within(20, never, 'Redis did not answer a ping')).rejects.toThrow(
      'Redis did not answer a ping',
    );
  });
});
