import { ArgumentsHost, BadRequestException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { DomainError } from '../../kernel/src/index.js';
import { errorPageFor, PageErrorFilter } from './page-error.filter.js';

describe('errorPageFor: what a person reads when a page goes wrong', () => {
  it('says sorry for our own faults, without their details', () => {
    const page = errorPageFor(new Error('connection terminated: password=hunter2'));
    expect(page.status).toBe(500);
    expect(page.title).toBe('Sorry, there is a problem with the service');
    expect(page.paragraphs.join(' ')).not.toContain('hunter2');
  });

  it('says an address was not found, with the way back to the start page', () => {
    expect(errorPageFor(new NotFoundException())).toMatchObject({
      status: 404,
      title: 'Page not found',
      next: { href: '/' },
    });
  });

  it('offers a new link for every link that no longer works', () => {
    for (const code of ['link-expired', 'link-revoked', 'link-used', 'link-lapsed']) {
      const page = errorPageFor(new DomainError(code, 'gone', 'gone'));
      expect([code, page.status, page.next]).toEqual([
        code,
        410,
        { href: '/link/new', text: 'Get a new link' },
      ]);
    }
  });

  it('tells the contact the plan no longer lists why their link stopped, and offers no new link', () => {
    const page = errorPageFor(new DomainError('link-contact-removed', 'gone', 'gone'));
    expect(page).toMatchObject({ status: 410, title: 'This link no longer works' });
    expect(page.next).toBeUndefined();
  });

  // A form posted without its token showed only "Bad Request Exception".
  it('names what was wrong with a request the validation refused, not the name of Nest’s exception', () => {
    const refused = new BadRequestException({
      type: 'https://partner-returns.dev/problems/validation',
      title: 'The request has invalid fields',
      status: 400,
      errors: [{ field: 'token', rule: 'isString', message: 'token must be a string' }],
    });
    const page = errorPageFor(refused);
    expect(page.status).toBe(400);
    expect(page.paragraphs[0]).toContain('token must be a string');
    expect(page.paragraphs.join(' ')).not.toContain('Exception');
    expect(errorPageFor(new BadRequestException()).paragraphs.join(' ')).not.toContain('Exception');
  });
});

describe('PageErrorFilter', () => {
  const TOKEN = 'Tk9_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-ab';
  const signInFor = (originalUrl: string) => {
    const redirect = jest.fn();
    const req = { originalUrl, method: 'GET', path: originalUrl.split('?')[0], accepts: () => 'html' };
    const res = { headersSent: false, redirect };
    const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) };
    new PageErrorFilter().catch(new UnauthorizedException(), host as unknown as ArgumentsHost);
    return redirect.mock.calls[0][1] as string;
  };

  it('sends a person who must sign in back to the page they asked for', () => {
    expect(signInFor('/coordinate/returns/r1?tab=2')).toBe(
      `/sign-in?next=${encodeURIComponent('/coordinate/returns/r1?tab=2')}`,
    );
  });

  // The redirect's Location is written to the request log.
  it.each([`/l/${TOKEN}`, `//l/${TOKEN}`, `/l%2F${TOKEN}`, `/account//set-password/${TOKEN}`])(
    'never puts the token of %s in the sign-in address',
    (address) => {
      expect(signInFor(address)).toBe('/sign-in');
    },
  );
});
