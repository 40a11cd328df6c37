import { ConcurrencyError, decidedAgainWhenOutrun, refuseStaleVersion } from './concurrency.error.js';

describe('refuseStaleVersion', () => {
  it('lets a write on the version the stream is at, or with no If-Match, go on', () => {
    expect(() => refuseStaleVersion('return-1', 3, 3)).not.toThrow();
    expect(() => refuseStaleVersion('return-1', undefined, 3)).not.toThrow();
    expect(() => refuseStaleVersion('return-1', undefined, 0)).not.toThrow();
  });

  it.each([
    [2, 3],
    [4, 3],
    [0, 1],
  ])('refuses a write made on version %i when the stream is at %i, naming both', (expected, actual) => {
    let thrown: unknown;
    try {
      refuseStaleVersion('return-1', expected, actual);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConcurrencyError);
    expect(thrown).toMatchObject({ streamId: 'return-1', expected, actual });
  });
});

describe('decidedAgainWhenOutrun', () => {
  /** A decision outrun on `stream` the first `times` times it is made. */
  const outrun = (times: number, stream = 'cycle:y1') => {
    let made = 0;
    const decide = async () => {
      made++;
      if (made <= times) throw new ConcurrencyError(stream, made, made + 1);
      return `decided on try ${made}`;
    };
    return { decide, made: () => made };
  };

  it('decides again while the stream moves on under a writer that stated no version', async () => {
    const { decide } = outrun(3);
    await expect(decidedAgainWhenOutrun('cycle:y1', undefined, decide)).resolves.toBe('decided on try 4');
  });

  it('refuses at once a writer that stated the version it saw', async () => {
    const { decide, made } = outrun(1);
    await expect(decidedAgainWhenOutrun('cycle:y1', 5, decide)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(made()).toBe(1);
  });

  it('gives up after 8 tries, and never retries another stream or another error', async () => {
    const busy = outrun(100);
    await expect(decidedAgainWhenOutrun('cycle:y1', undefined, busy.decide)).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect(busy.made()).toBe(8);
    const other = outrun(1, 'return:y1.S1');
    await expect(decidedAgainWhenOutrun('cycle:y1', undefined, other.decide)).rejects.toThrow('return:y1.S1');
    expect(other.made()).toBe(1);
    let calls = 0;
    await expect(
      decidedAgainWhenOutrun('cycle:y1', undefined, async () => {
        calls++;
        throw new Error('not a concurrency error');
      }),
    ).rejects.toThrow('not a concurrency error');
    expect(calls).toBe(1);
  });
});
