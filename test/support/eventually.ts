/**
 * What `probe` gives once it gives something (polled every 50 ms), or an error after `timeoutMs`. Kept apart from
 * product.ts so a spec that needs only this does not load the whole product with it.
 */
export async function eventually<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
