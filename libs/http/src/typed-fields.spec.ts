import type { Request } from 'express';
import { formPageOf, typedFields } from './typed-fields.js';

const request = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  ({ path, body, get: (name: string) => headers[name.toLowerCase()] }) as unknown as Request;

describe('typedFields: the words a failed form post gives back', () => {
  it("gives back a lead's and a reviewer's words, and never the form's machinery", () => {
    const body = { _csrf: 't', version: '3', action: 'save', narrative: 'An hour of typing', comments: ' ' };
    expect(typedFields(request('/agency/returns/c.S1', body))).toEqual([
      { name: 'narrative', text: 'An hour of typing' },
    ]);
    expect(typedFields(request('/review/returns/c.S1/send-back', { reason: 'Add the baseline' }))).toEqual([
      { name: 'reason', text: 'Add the baseline' },
    ]);
  });

  it('never gives back a password or a token, nor anything posted to the sign-in or account pages', () => {
    expect(typedFields(request('/sign-in', { email: 'a@b.org', password: 'hunter2hunter2' }))).toEqual([]);
    expect(typedFields(request('/account/password', { current: 'x', password: 'y', confirm: 'y' }))).toEqual(
      [],
    );
    expect(
      typedFields(request('/coordinate/sign-on', { clientSecret: 's', token: 't', issuer: 'https://id' })),
    ).toEqual([{ name: 'issuer', text: 'https://id' }]);
  });
});

describe('formPageOf: the page a form was posted from', () => {
  const from = (referer: string) =>
    formPageOf(request('/agency/returns/c.S1', {}, { referer, host: 'returns.example.org' }));

  it("is the Referer's path on this service's own pages", () => {
    expect(from('https://returns.example.org/agency/returns/c.S1/tables?saved=1')).toBe(
      '/agency/returns/c.S1/tables?saved=1',
    );
  });

  it('is none for another site, a link or password page, or no Referer at all', () => {
    expect(from('https://elsewhere.example/agency/returns/c.S1')).toBeNull();
    expect(from('https://returns.example.org/l/abcdef')).toBeNull();
    expect(from('https://returns.example.org/account/set-password/abc')).toBeNull();
    expect(from('not a url')).toBeNull();
    expect(formPageOf(request('/agency/returns/c.S1', {}, { host: 'returns.example.org' }))).toBeNull();
  });
});
