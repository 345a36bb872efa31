import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export type Resolver = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;

export const systemResolve: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/**
 * Addresses a webhook must not reach unless WEBHOOK_ALLOW_PRIVATE_HOSTS is set: loopback, private networks,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and the other non-public ranges.
 * A user-supplied URL the server POSTs to is a request forgery (SSRF) vector into the server's own network.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address (v4, v6, or v4-mapped v6) is loopback, private or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL's host without IPv6 brackets or a trailing dot, lowercased. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** Why a host may not be reached without resolving it (an IP literal or a localhost name), or null. */
export function refusedHost(host: string): string | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  if (isIP(host) !== 0 && isPrivateAddress(host)) return `${host} is a private, loopback or link-local address`;
  return null;
}

/**
 * Why a webhook URL is refused at creation, or null. A name is resolved (for at most `timeoutMs`) and refused if
 * any address is private; a name that does not resolve yet is accepted, since every send checks again, at connect.
 */
export async function targetRefusal(url: string, allowPrivate: boolean, resolve: Resolver = systemResolve, timeoutMs = 2000): Promise<string | null> {
  if (allowPrivate) return null;
  const host = hostOf(new URL(url));
  const refused = refusedHost(host);
  if (refused || isIP(host) !== 0) return refused;
  const addresses = await new Promise<LookupAddress[]>((done) => {
    const timer = setTimeout(() => done([]), timeoutMs);
    resolve(host, (error, found) => {
      clearTimeout(timer);
      done(error ? [] : found);
    });
  });
  const blocked = addresses.find((a) => isPrivateAddress(a.address));
  return blocked ? `${host} resolves to ${blocked.address}, a private, loopback or link-local address` : null;
}
