import { createHash } from 'node:crypto';

/**
 * What makes two requests "the same request" for an idempotency key: method, path with query, the version it
 * was made against (If-Match) and the body, with object keys in a fixed order so that `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` are the same.
 */
export function requestFingerprint(request: {
  method: string;
  url: string;
  ifMatch?: string;
  body: unknown;
}): string {
  const canonical = JSON.stringify([
    request.method,
    request.url,
    request.ifMatch ?? null,
    sortKeys(request.body),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
