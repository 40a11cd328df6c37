import type { NextFunction, Request, Response } from 'express';

/**
 * cookie-parser reads a cookie whose value starts `j:` as JSON, so `pr_session=j:{"a":1}` reached the session
 * lookup as an object and every route answered 500 (a sibling subdomain can set such a cookie). Every cookie
 * the product reads is text: anything else is dropped, as if it had not been sent.
 */
export function onlyTextCookies(req: Request, _res: Response, next: NextFunction): void {
  for (const jar of [req.cookies, req.signedCookies] as (Record<string, unknown> | undefined)[]) {
    for (const [name, value] of Object.entries(jar ?? {})) if (typeof value !== 'string') delete jar![name];
  }
  next();
}
