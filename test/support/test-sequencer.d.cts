// The types of test-sequencer.cjs, for its spec: what jest calls of it.
interface SequencedTest {
  path: string;
  context: unknown;
  duration?: number;
}
declare class SlowestFirst {
  sort(tests: SequencedTest[]): SequencedTest[];
  cacheResults(tests: SequencedTest[], results: { testResults: unknown[] }): void;
}
export = SlowestFirst;
