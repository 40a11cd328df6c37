import { pageToReturnTo } from './sign-in.page.js';

describe('pageToReturnTo', () => {
  it.each(['/review/returns/y1.S1', '/coordinate/cycles/y1?tab=links', '/agency/returns/y1.S1/check'])(
    'returns to a page of this service: %s',
    (next) => expect(pageToReturnTo(next)).toBe(next),
  );

  it.each([
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example',
    'review',
    '/sign-in',
    '/sign-out',
    '/review\r\nSet-Cookie: x=y',
    '/review returns',
    undefined,
    ['/review'],
  ])('never anywhere else: %p', (next) => expect(pageToReturnTo(next)).toBeNull());
});
