/**
 * Which addresses may receive deliveries (SSRF). Deployed stacks refuse private, loopback, link-local and other
 * non-public targets: at registration (here, through `targetIssues`) and again at connection time (the HTTP
 * sender, with `classifyAddress`), so a name that later resolves elsewhere (DNS rebinding) is never reached.
 */
import { isIP } from 'node:net';
import type { FieldIssue } from '../errors.ts';
import type { HostResolver } from './ports.ts';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

function ipv4Number(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address.split('%')[0]!.toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const v4 = ipv4Number(dotted[1]!);
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    text = text.slice(0, -dotted[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros = new Array<number>(8 - explicit).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

function classifyIpv4(n: number): AddressClass {
  const inRange = (base: string, bits: number) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(ipv4Number(base)! / 2 ** (32 - bits));
  if (inRange('0.0.0.0', 8)) return 'unspecified'; // "this network": 0.0.0.0 reaches the local host on Linux
  if (inRange('127.0.0.0', 8)) return 'loopback';
  if (inRange('10.0.0.0', 8) || inRange('172.16.0.0', 12) || inRange('192.168.0.0', 16) || inRange('100.64.0.0', 10)) {
    return 'private';
  }
  if (inRange('169.254.0.0', 16)) return 'link-local';
  if (inRange('224.0.0.0', 4)) return 'multicast';
  if (
    inRange('240.0.0.0', 4) || // reserved, and 255.255.255.255
    inRange('192.0.0.0', 24) || // IETF protocol assignments
    inRange('192.0.2.0', 24) || inRange('198.51.100.0', 24) || inRange('203.0.113.0', 24) || // documentation
    inRange('198.18.0.0', 15) || // benchmarking
    inRange('192.88.99.0', 24) // 6to4 relay anycast
  ) {
    return 'reserved';
  }
  return 'public';
}

function classifyIpv6(g: number[]): AddressClass {
  const v4 = (hi: number, lo: number) => classifyIpv4(hi * 0x10000 + lo);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // IPv4-mapped ::ffff:a.b.c.d
  if (zeroUpTo(6)) return v4(g[6]!, g[7]!); // IPv4-compatible ::a.b.c.d (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4 embeds an IPv4 address
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return 'reserved'; // Teredo (hides an IPv4 address), documentation
  if (g[0] === 0x2001 && g[1]! < 0x200) return 'reserved'; // IETF protocol assignments (benchmarking, ORCHID, ...)
  if ((g[0]! & 0xfff0) === 0x3ff0) return 'reserved'; // documentation 3fff::/20
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3 (incl. discard 100::/64)
  return 'public';
}

/** What kind of address `address` is (IPv4 or IPv6 text, brackets allowed); null when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | null {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(text.split('%')[0]!);
  if (family === 4) return classifyIpv4(ipv4Number(text)!);
  if (family === 6) {
    const groups = ipv6Groups(text);
    return groups ? classifyIpv6(groups) : null;
  }
  return null;
}

/** Only public unicast addresses may receive deliveries when private targets are not allowed. */
export const isAllowedTarget = (address: string) => classifyAddress(address) === 'public';

/** The host of a webhook URL without IPv6 brackets. */
export function targetHost(url: string): string {
  const host = new URL(url).hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Why a target is refused (deployed stacks): an IP literal or any resolved address that is not public. */
export async function targetIssues(url: string, resolver: HostResolver, path = 'url'): Promise<FieldIssue[]> {
  const host = targetHost(url);
  const literal = classifyAddress(host);
  if (literal !== null) {
    return literal === 'public' ? [] : [{ path, message: `must not point to a ${literal} address` }];
  }
  let addresses: string[];
  try {
    addresses = await resolver.resolve(host);
  } catch {
    return [{ path, message: 'host could not be resolved' }];
  }
  if (addresses.length === 0) return [{ path, message: 'host could not be resolved' }];
  const refused = addresses.map((a) => classifyAddress(a) ?? 'reserved').find((c) => c !== 'public');
  return refused ? [{ path, message: `host resolves to a ${refused} address, which may not receive webhooks` }] : [];
}
