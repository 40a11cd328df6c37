/**
 * Nest's shutdown hooks close things in order (workers before queues, then the database); if that takes longer
 * than the limit, for example a job that will not finish, the process exits anyway.
 */
export function exitOnSignalWithin(timeoutMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`Shutdown took longer than ${timeoutMs} ms; exiting`);
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}
