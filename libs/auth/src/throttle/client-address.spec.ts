import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('counts an IPv4 client by its address, mapped into IPv6 or not', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 client by its /64, however it is written', () => {
    const block = '2001:db8:aa:1::/64';
    expect(clientAddress('2001:db8:aa:1::1')).toBe(block);
    expect(clientAddress('2001:0db8:00aa:0001:ffff:1:2:3')).toBe(block);
    expect(clientAddress('2001:db8:aa:1:0:0:0:9')).toBe(block);
    expect(clientAddress('2001:db8:aa:2::1')).not.toBe(block);
    expect(clientAddress('::1')).toBe('0:0:0:0::/64');
  });

  it('has a name for a request without an address', () => {
    expect(clientAddress(undefined)).toBe('unknown');
  });
});
