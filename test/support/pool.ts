import { DataSource } from 'typeorm';

/**
 * Runs `work` with every connection of `dataSource`'s pool but one held by stand-ins: writers waiting on a row
 * that the code under test holds, each holding a connection as it waits. What holds a connection (a transaction,
 * a row lock) must then finish on that one: asking the pool for a second, it waits out the pool's 10 s (503).
 */
export async function withOneConnectionLeft<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const max = (dataSource.options.extra as { max: number }).max;
  const held = Array.from({ length: max - 1 }, () => dataSource.createQueryRunner());
  await Promise.all(held.map((runner) => runner.connect()));
  try {
    return await work();
  } finally {
    await Promise.all(held.map((runner) => runner.release()));
  }
}
