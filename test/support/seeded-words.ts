/**
 * Text that is the same on every run: a small linear congruential generator, so a test of long or random-looking
 * text fails the same way twice (Math.random would not).
 */
export function seededWords(seed: number) {
  let state = seed;
  /** A number from 0 to n - 1. */
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  /** Random words (a prefix and a number below 100) making a text of about this many characters. */
  const words = (prefix: string, chars: number): string =>
    Array.from({ length: Math.ceil(chars / 4) }, () => `${prefix}${random(100)}`)
      .join(' ')
      .slice(0, chars)
      .trimEnd();
  return { random, words };
}
