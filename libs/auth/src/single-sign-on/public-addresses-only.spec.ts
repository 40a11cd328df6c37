import type { CustomFetch } from 'openid-client';
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

  const answer = new Response('{}');
  const fetched: string[] = [];
  const fetchUrl: CustomFetch = async (url) => {
    fetched.push(url);
    return answer;
  };
  const names: Record<string, string[]> = {
    'login.microsoftonline.com': ['20.190.151.68', '2603:1026::1'],
    'idp.internal.example': ['10.0.0.7'],
    // One public answer is not enough: the connection may take the other.
    'mixed.example': ['20.190.151.68', '127.0.0.1'],
  };
  const guarded = publicAddressesOnly(fetchUrl, async (host) => names[host] ?? []);

  it('fetches a provider whose every address is public', async () => {
    await expect(
      guarded('https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration', {} as never),
    ).resolves.toBe(answer);
    expect(fetched).toEqual(['https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration']);
  });

  it.each([
    'https://idp.internal.example/.well-known/openid-configuration',
    'https://mixed.example/keys',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]:8443/token',
    'https://[::ffff:a00:1]/token',
  ])('refuses %s without fetching it', async (url) => {
    fetched.length = 0;
    await expect(guarded(url, {} as never)).rejects.toBeInstanceOf(ProviderAddressRefused);
    expect(fetched).toEqual([]);
  });
});
