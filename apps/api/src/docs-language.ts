import type { NextFunction, Request, Response } from 'express';

/**
 * Swagger UI's page (from @nestjs/swagger, with no option for its language) says `lang="en"`; every other page
 * of the service says `en-GB`, so that a screen reader speaks it with UK English. Its HTML is rewritten as it is
 * sent; its scripts, styles and the OpenAPI document pass untouched.
 */
export function britishDocsPage(_req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) =>
    send(
      typeof body === 'string' && /text\/html/.test(String(res.get('content-type') ?? ''))
        ? body.replace(/<html lang="en">/, '<html lang="en-GB">')
        : body,
    );
  next();
}
