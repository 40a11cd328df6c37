/**
 * Runs the work given for one key one after another, in the order it was given, in this process; work for other
 * keys runs alongside. Every use of a cycle's links is written to the cycle's one stream at the version it read,
 * so uses of the same cycle at the same moment outrun one another: in turn, each reads the cycle the one before
 * it wrote, and none is refused for a write it never saw.
 */
export class OneAtATime {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const mine = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // The key is forgotten once nothing waits behind it, so a cycle long closed holds nothing.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  /** Keys with work under way or waiting: what a test reads to know nothing is left behind. */
  get busyKeys(): number {
    return this.tails.size;
  }
}
