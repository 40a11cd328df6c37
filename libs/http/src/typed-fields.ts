import type { Request } from 'express';

/**
 * The pages whose forms hold words a person may have spent a long time on (a lead's narrative, a reviewer's
 * reason, a message): when such a post cannot be taken because the session ended or the form's token no longer
 * matches, the page that says so gives the words back to copy. Sign-in and account pages hold passwords and are
 * never echoed.
 */
const PAGES_WITH_TYPING = /^\/(agency|review|coordinate)(\/|$)/i;

/** Form fields that are the page's machinery, not what a person typed. */
const MACHINERY = new Set(['_csrf', 'version', 'action', 'next']);
/** Never given back, whatever page they come from. */
const SECRET = /pass|secret|token|current|confirm/i;

export interface TypedField {
  name: string;
  text: string;
}

/** The text fields of a form posted to one of those pages, by name, blank ones left out. */
export function typedFields(req: Request): TypedField[] {
  const body: unknown = req.body;
  if (!PAGES_WITH_TYPING.test(req.path) || typeof body !== 'object' || body === null) return [];
  return Object.entries(body as Record<string, unknown>).flatMap(([name, value]) =>
    MACHINERY.has(name) || SECRET.test(name)
      ? []
      : (Array.isArray(value) ? value : [value]).flatMap((text) =>
          typeof text === 'string' && text.trim() ? [{ name, text }] : [],
        ),
  );
}

/**
 * The page a form was posted from, as the browser's Referer names it (the service sends Referrer-Policy
 * same-origin, so its own pages' posts carry it): its path and query when it is one of those pages of this
 * service (none of which carries a token in its address), else null.
 */
export function formPageOf(req: Request): string | null {
  const referer = req.get('referer');
  if (!referer) return null;
  let from: URL;
  try {
    from = new URL(referer);
  } catch {
    return null;
  }
  if (from.host !== req.get('host') || !PAGES_WITH_TYPING.test(from.pathname)) return null;
  return `${from.pathname}${from.search}`;
}
