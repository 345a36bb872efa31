import { describe, expect, it } from 'vitest';
import { isPrivateAddress, refusedHost, targetRefusal, type Resolver } from './address-policy.js';

const resolvingTo = (...addresses: string[]): Resolver => (_host, callback) =>
  callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('webhook address policy', () => {
  it('calls loopback, private, link-local, CGNAT, multicast and mapped addresses private, public ones not', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.215.14', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('refuses localhost names and private literals without resolving them', () => {
    expect(refusedHost('localhost')).toMatch(/loopback/);
    expect(refusedHost('api.localhost')).toMatch(/loopback/);
    expect(refusedHost('127.0.0.1')).toMatch(/private/);
    expect(refusedHost('example.com')).toBeNull();
  });

  it('refuses a name resolving to a private address, accepts a public one, and one that does not resolve yet', async () => {
    expect(await targetRefusal('https://hooks.example/x', false, resolvingTo('93.184.215.14', '10.0.0.7'))).toMatch(/resolves to 10\.0\.0\.7/);
    expect(await targetRefusal('https://hooks.example/x', false, resolvingTo('93.184.215.14'))).toBeNull();
    expect(await targetRefusal('https://hooks.example/x', false, (_host, callback) => callback(new Error('ENOTFOUND'), []))).toBeNull();
    expect(await targetRefusal('http://[::1]:8080/x', false)).toMatch(/private/);
    expect(await targetRefusal('http://LOCALHOST./x', false)).toMatch(/loopback/);
    expect(await targetRefusal('http://127.0.0.1:8080/x', true)).toBeNull();
  });
});
