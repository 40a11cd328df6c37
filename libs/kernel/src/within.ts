/** What `within` throws when the work gave no answer in time (as opposed to an answer that was an error). */
export class NoAnswerInTime extends Error {}

/**
 * Runs `work`, or throws NoAnswerInTime (`message`, by default "no answer within <ms> ms") if it has not finished
 * within `ms`; it may still finish later. A PostgreSQL or Redis that hangs must not hang its caller: a health
 * check, a scrape, the relay's batch.
 */
export async function within<T>(
  ms: number,
  work: () => Promise<T>,
  message = `no answer within ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NoAnswerInTime(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
