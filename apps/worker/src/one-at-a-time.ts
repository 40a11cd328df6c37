/**
 * A periodic check that never overlaps itself: a tick that comes while the last run is still waiting is skipped.
 * While Redis is away a check of a schedule waits for it (its queue's commands are held until it answers), so
 * without this every tick of the outage queued one more check, and all of them found the schedule missing at once
 * when Redis came back empty: six warnings and six upserts after a minute's outage, 120 after an hour.
 */
export function oneAtATime(run: () => Promise<void>): () => void {
  let running = false;
  return () => {
    if (running) return;
    running = true;
    run().finally(() => {
      running = false;
    });
  };
}
