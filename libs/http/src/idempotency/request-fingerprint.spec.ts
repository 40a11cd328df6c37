import { requestFingerprint } from './request-fingerprint.js';

const base = {
  method: 'POST',
  url: '/returns/y1.S1/withdraw',
  ifMatch: '"3"',
  body: { reason: 'x', n: [1, 2] },
};

describe('requestFingerprint', () => {
  it('is the same for the same request, whatever the order of object keys', () => {
    expect(requestFingerprint(base)).toBe(requestFingerprint({ ...base, body: { n: [1, 2], reason: 'x' } }));
    expect(requestFingerprint({ ...base, body: { a: { y: 1, z: [{ q: 1, p: 2 }] } } })).toBe(
      requestFingerprint({ ...base, body: { a: { z: [{ p: 2, q: 1 }], y: 1 } } }),
    );
  });

  it.each([
    ['body', { ...base, body: { reason: 'y', n: [1, 2] } }],
    ['order of a list', { ...base, body: { reason: 'x', n: [2, 1] } }],
    ['path', { ...base, url: '/returns/y1.S2/withdraw' }],
    ['method', { ...base, method: 'PUT' }],
    ['If-Match', { ...base, ifMatch: '"4"' }],
    ['absence of If-Match', { ...base, ifMatch: undefined }],
  ])('differs when the %s differs', (_what, other) => {
    expect(requestFingerprint(other)).not.toBe(requestFingerprint(base));
  });

  it('tells an empty body from none', () => {
    expect(requestFingerprint({ ...base, body: {} })).not.toBe(
      requestFingerprint({ ...base, body: undefined }),
    );
  });
});
