import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a request may read /metrics: anyone when no METRICS_TOKEN is set, else only `Bearer <token>`. Both
 * sides are hashed first, so the comparison takes the same time whatever was sent.
 */
export function metricsAllowed(token: string | undefined, authorization: string | undefined): boolean {
  if (token === undefined) return true;
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
