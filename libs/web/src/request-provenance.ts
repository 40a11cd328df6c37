/** Where a request says it comes from, by the headers a browser sets and a page cannot change. */
export type Provenance = 'same-origin' | 'foreign' | 'unknown';

export interface ProvenanceHeaders {
  'sec-fetch-site'?: string;
  origin?: string;
  referer?: string;
}

/**
 * Whether a request was sent by one of the service's own pages. Any sign of another origin wins: Sec-Fetch-Site
 * `same-site` or `cross-site` (a sibling subdomain is same-site, not same-origin), an Origin or a Referer that is
 * not ours (`Origin: null` included: sandboxed frames and pages that hide their origin send it). Otherwise
 * Sec-Fetch-Site `same-origin`, or our own Origin or Referer, says it is ours. A request with none of them is
 * `unknown`: not from a current browser (they send Origin with every cross-origin POST), so it cannot carry a
 * victim's cookies without them.
 */
export function provenanceOf(headers: ProvenanceHeaders, ownOrigins: ReadonlySet<string>): Provenance {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  const referer = headers.referer === undefined ? undefined : originOf(headers.referer);
  if (site === 'same-site' || site === 'cross-site') return 'foreign';
  if (origin !== undefined && !ownOrigins.has(origin)) return 'foreign';
  if (referer !== undefined && !ownOrigins.has(referer)) return 'foreign';
  if (site === 'same-origin' || origin !== undefined || referer !== undefined) return 'same-origin';
  return 'unknown';
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}
