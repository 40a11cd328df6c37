import { parseTrustProxy } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it('trusts no proxy by default, so a forwarded address is never taken from the client', () => {
    expect(parseTrustProxy(undefined)).toEqual({ value: false });
    expect(parseTrustProxy('')).toEqual({ value: false });
  });

  it('takes a number of hops, or addresses, subnets and names', () => {
    expect(parseTrustProxy('1')).toEqual({ value: 1 });
    expect(parseTrustProxy('loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7')).toEqual({
      value: ['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7'],
    });
  });

  it.each(['true', '0', '11', 'proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', 'loopback,'])(
    'refuses %s with a problem naming the variable',
    (raw) => {
      const parsed = parseTrustProxy(raw);
      expect(parsed.value).toBe(false);
      expect(parsed.problem).toMatch(/^TRUST_PROXY must be/);
    },
  );
});
