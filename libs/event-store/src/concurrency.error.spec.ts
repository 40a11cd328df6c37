import { ConcurrencyError, refuseStaleVersion } from './concurrency.error.js';

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
