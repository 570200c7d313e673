/** Target address classification (SSRF) and the registration-time checks built on it. */
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../../shared/domain/webhooks/ports.ts';
import { classifyAddress, targetIssues } from '../../../../shared/domain/webhooks/targets.ts';
import { publicResolver } from '../../../support/in-memory-webhooks.ts';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
  ])('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['[2606:4700:4700::1111]', 'public'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private'],
    ['fec0::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:0a00:0001', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:0001::1', 'loopback'],
    ['2002:0808:0808::1', 'public'],
  ])('IPv4-mapped / embedded %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['localhost', 'example.com', '', '1.2.3', '256.1.1.1', '::g', '1:2:3:4:5:6:7:8:9', '01.02.03.04x'])('%j is not an IP address', (text) => {
    expect(classifyAddress(text)).toBeNull();
  });
});

describe('targetIssues', () => {
  const resolverOf = (addresses: string[] | Error): HostResolver => ({
    resolve: async () => {
      if (addresses instanceof Error) throw addresses;
      return addresses;
    },
  });

  it('refuses IP literals that are not public, whatever DNS says', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://[::ffff:10.0.0.1]/', 'http://0.0.0.0/', 'http://2130706433/', 'http://0x7f.1/']) {
      const issues = await targetIssues(url, publicResolver);
      expect(issues, url).toHaveLength(1);
      expect(issues[0]!.path).toBe('url');
    }
  });

  it('allows public IP literals and host names that resolve to public addresses only', async () => {
    expect(await targetIssues('https://93.184.215.14/hook', publicResolver)).toEqual([]);
    expect(await targetIssues('https://hooks.example.com/', resolverOf(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']))).toEqual([]);
  });

  it('refuses a host name with any non-public address, and one that does not resolve', async () => {
    expect(await targetIssues('https://intranet.example/', resolverOf(['93.184.215.14', '10.0.0.5']))).toEqual([
      { path: 'url', message: expect.stringContaining('private') },
    ]);
    expect(await targetIssues('https://sneaky.example/', resolverOf(['::ffff:127.0.0.1']))).toEqual([
      { path: 'url', message: expect.stringContaining('loopback') },
    ]);
    expect(await targetIssues('https://nowhere.invalid/', resolverOf(new Error('ENOTFOUND')))).toEqual([
      { path: 'url', message: 'host could not be resolved' },
    ]);
    expect(await targetIssues('https://empty.example/', resolverOf([]))).toHaveLength(1);
  });
});
