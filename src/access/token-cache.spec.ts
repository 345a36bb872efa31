import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.js';

const principal = (tokenId: string) => ({ accountId: `account-of-${tokenId}`, admin: false, tokenId });

describe('TokenCache', () => {
  it('answers a cached token until its time is up, then forgets it', () => {
    const cache = new TokenCache(5_000);
    cache.set('hash-a', principal('a'), 1_000);
    expect(cache.get('hash-a', 5_999)).toEqual(principal('a'));
    expect(cache.get('hash-a', 6_000)).toBeUndefined();
    expect(cache.get('hash-a', 1_000)).toBeUndefined();
  });

  it('forgets a revoked token at once, and only that one', () => {
    const cache = new TokenCache(5_000);
    cache.set('hash-a', principal('a'), 0);
    cache.set('hash-b', principal('b'), 0);
    cache.forgetToken('a');
    expect(cache.get('hash-a', 1)).toBeUndefined();
    expect(cache.get('hash-b', 1)).toEqual(principal('b'));
  });

  it('holds at most its capacity, dropping the entry cached longest ago', () => {
    const cache = new TokenCache(5_000, 2);
    cache.set('hash-a', principal('a'), 0);
    cache.set('hash-b', principal('b'), 1);
    cache.set('hash-c', principal('c'), 2);
    expect(cache.get('hash-a', 3)).toBeUndefined();
    expect(cache.get('hash-b', 3)).toEqual(principal('b'));
    expect(cache.get('hash-c', 3)).toEqual(principal('c'));
  });

  it('caches nothing with a time of zero', () => {
    const cache = new TokenCache(0);
    cache.set('hash-a', principal('a'), 0);
    expect(cache.get('hash-a', 0)).toBeUndefined();
  });
});
