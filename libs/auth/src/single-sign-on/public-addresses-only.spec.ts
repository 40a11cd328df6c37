import { isInsideAddress, ProviderAddressRefused, publicAddressesOnly } from './public-addresses-only.js';

describe('publicAddressesOnly', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
  ])('takes %s for inside', (address) => {
    expect(isInsideAddress(address)).toBe(true);
  });

  it.each(['20.190.151.68', '142.250.180.14', '2603:1026::1', '172.32.0.1', 'not an address'])(
    'takes %s for outside',
    (address) => {
      expect(isInsideAddress(address)).toBe(false);
    },
  );

  const names: Record<string, string[]> = {
    'idp.internal.example': ['10.0.0.7'],
    // One public answer is not enough: the connection may take the other.
    'mixed.example': ['20.190.151.68', '127.0.0.1'],
  };
  const guarded = publicAddressesOnly(async (host) => names[host] ?? []);

  it.each([
    'https://idp.internal.example/.well-known/openid-configuration',
    'https://mixed.example/keys',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]:8443/token',
    'https://[::ffff:a00:1]/token',
    'http://127.0.0.1:9/token',
  ])('refuses %s without connecting', async (url) => {
    const refused = guarded(url, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' });
    await expect(refused).rejects.toBeInstanceOf(ProviderAddressRefused);
  });
});
