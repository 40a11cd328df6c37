import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { CustomFetch } from 'openid-client';
import { checkedAddressFetch, ResolveHost } from './checked-address-fetch.js';

/**
 * Addresses no council's identity provider has: this machine, the private networks it may sit in, link-local
 * (a cloud's metadata service at 169.254.169.254), and the reserved ranges. A coordinator types the issuer, and
 * the server fetches it and every endpoint its discovery document names, so without this a partnership's set-up
 * could have the server probe its own network.
 */
const INSIDE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  INSIDE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INSIDE.addSubnet(network, prefix, 'ipv6');

/** True for an address on this machine or a private, link-local or reserved network (IPv4-mapped too). */
export function isInsideAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return INSIDE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class ProviderAddressRefused extends Error {
  constructor(host: string, address: string) {
    super(`the provider's host ${host} is at ${address}, a private or local address`);
    this.name = 'ProviderAddressRefused';
  }
}

const everyAddress: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * A fetch for openid-client that connects to no inside address: the provider's host, and every endpoint its
 * discovery names, must be, and resolve only to, public addresses. The check is made on the very addresses the
 * connection uses (checkedAddressFetch), so a name that changes its answer between a check and the connection
 * is stopped too.
 */
export function publicAddressesOnly(resolve: ResolveHost = everyAddress): CustomFetch {
  return checkedAddressFetch(resolve, (host, address) =>
    isInsideAddress(address) ? new ProviderAddressRefused(host, address) : null,
  );
}
