import { parse } from 'node:querystring';
import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { Request, Response } from 'express';
import { PageMessage, pageMessageQuery, pageMessages } from './page-messages.js';

/** The value @PageMessage(name) gives a handler for this request, as Nest would call its factory. */
function readAs(req: Request, name: 'done' | 'error'): string | undefined {
  class Page {
    show(@PageMessage(name) _message: string | undefined) {}
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Page, 'show') as Record<
    string,
    { data: unknown; factory: (data: unknown, context: ExecutionContext) => string | undefined }
  >;
  const [{ data, factory }] = Object.values(args);
  const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  return factory(data, context);
}

/** A request for `query` that went through the middleware of `secret`, and its response. */
function through(secret: string, query: string): { req: Request; res: Response } {
  // Parsed as express parses a query by default (node:querystring): a key given twice is a list.
  const req = { query: parse(query) } as unknown as Request;
  const res = { locals: {} } as unknown as Response;
  pageMessages(secret)(req, res, () => undefined);
  return { req, res };
}

describe('page messages: ?done= and ?error= are shown only as our own redirect signed them', () => {
  const SECRET = 's'.repeat(40);

  it('reads back the text a redirect signed, with its name', () => {
    const { res } = through(SECRET, '');
    const query = pageMessageQuery(res, 'done', 'Retention periods saved: 3 years & more');
    expect(query).toMatch(/^done=Retention%20periods%20saved%3A%203%20years%20%26%20more&sig=[\w-]{22}$/);
    const { req } = through(SECRET, query);
    expect(readAs(req, 'done')).toBe('Retention periods saved: 3 years & more');
    expect(readAs(req, 'error')).toBeUndefined();
  });

  it.each([
    ['no signature', 'done=Your account is locked: call 0800 000 000'],
    ['a signature of other text', 'done=Call 0800 000 000&sig=%SIG%'],
    ['the signature under the other name', 'error=Saved&sig=%SIG%'],
    ['a signature made with another secret', 'done=Saved&sig=%OTHER%'],
    ['a signature given twice', 'done=Saved&sig=%SIG%&sig=%SIG%'],
  ])('shows nothing for %s', (_, query) => {
    const signed = (secret: string) =>
      new URLSearchParams(pageMessageQuery(through(secret, '').res, 'done', 'Saved')).get('sig')!;
    const { req } = through(
      SECRET,
      query.replaceAll('%SIG%', signed(SECRET)).replace('%OTHER%', signed('o'.repeat(40))),
    );
    expect([readAs(req, 'done'), readAs(req, 'error')]).toEqual([undefined, undefined]);
  });

  it('will not sign without the middleware, rather than send text a page would not show', () => {
    expect(() => pageMessageQuery({ locals: {} } as unknown as Response, 'done', 'x')).toThrow(/not set up/);
  });
});
