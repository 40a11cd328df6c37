import { createHmac, timingSafeEqual } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * What a page says it did, or why it could not, after a form's redirect: `?done=<text>` in a success banner,
 * `?error=<text>` in an error summary. Text in an address is anyone's to write, and shown on our page under our
 * banner, a crafted link ("…?done=Your account is locked: call 0800 …", sent to a coordinator) is a phishing aid.
 * So a page shows such text only beside the signature our own redirect put there (`sig`: an HMAC under a key
 * derived from SESSION_SECRET); text without one, or altered, is read as not given. The text stays in the
 * address, readable and bookmarkable as before; only its origin is checked.
 */
export type PageMessageName = 'done' | 'error';
const NAMES: readonly PageMessageName[] = ['done', 'error'];

type Sign = (name: PageMessageName, text: string) => string;
const SIGN = Symbol('page message signer');
const VERIFIED = Symbol('page messages as verified');

type WithSigner = Response & { locals: { [SIGN]?: Sign } };
type WithVerified = Request & { [VERIFIED]?: Partial<Record<PageMessageName, string>> };

/** The middleware that signs what this app's pages redirect with, and reads back only what it signed. */
export function pageMessages(sessionSecret: string) {
  const key = createHmac('sha256', sessionSecret).update('partner-returns page messages').digest();
  const sign: Sign = (name, text) =>
    createHmac('sha256', key).update(`${name}\n${text}`).digest('base64url').slice(0, 22);
  return (req: Request, res: Response, next: NextFunction): void => {
    (res as WithSigner).locals[SIGN] = sign;
    const given = req.query.sig;
    const verified: Partial<Record<PageMessageName, string>> = {};
    if (typeof given === 'string') {
      for (const name of NAMES) {
        const text = req.query[name];
        if (typeof text === 'string' && sameSignature(given, sign(name, text))) verified[name] = text;
      }
    }
    (req as WithVerified)[VERIFIED] = verified;
    next();
  };
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The query (without `?`) that carries `text` to the page redirected to, signed: `done=…&sig=…`. Add further
 * parameters after it with `&`.
 */
export function pageMessageQuery(res: Response, name: PageMessageName, text: string): string {
  const sign = (res as WithSigner).locals[SIGN];
  if (!sign) throw new Error('page messages are not set up: configureApi adds pageMessages()');
  return `${name}=${encodeURIComponent(text)}&sig=${sign(name, text)}`;
}

/** `?done=` or `?error=` as our own redirect signed it; undefined when not given, or not signed by us. */
export const PageMessage = createParamDecorator(
  (name: PageMessageName, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<WithVerified>()[VERIFIED]?.[name],
);
