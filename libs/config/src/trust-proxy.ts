import { isIP } from 'node:net';

/** What Express's `trust proxy` is set to: no proxy, a number of proxy hops, or the proxies' addresses. */
export type TrustProxy = false | number | string[];

const NAMED = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Reads TRUST_PROXY. Unset: no proxy is trusted, so a client's address is the connection's and an
 * X-Forwarded-For header is ignored (it is the client's to write). Otherwise the number of proxies in front
 * (1-10), or the proxies by address, subnet or Express's names (loopback, linklocal, uniquelocal), comma
 * separated. "true" (every hop) is refused: it would let any client choose its own address.
 */
export function parseTrustProxy(raw: string | undefined): { value: TrustProxy; problem?: string } {
  if (raw === undefined || raw.trim() === '') return { value: false };
  const problem =
    'TRUST_PROXY must be the number of proxies in front (1-10) or their addresses, subnets or ' +
    `${NAMED.join('/')}, comma separated`;
  if (/^\d+$/.test(raw.trim())) {
    const hops = Number(raw.trim());
    return hops >= 1 && hops <= 10 ? { value: hops } : { value: false, problem };
  }
  const entries = raw.split(',').map((e) => e.trim());
  const valid = entries.every((entry) => {
    if (NAMED.includes(entry)) return true;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
  });
  return valid ? { value: entries } : { value: false, problem };
}
