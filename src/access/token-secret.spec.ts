import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerOf, hashToken, newToken } from './token-secret.js';

describe('API token secrets', () => {
  it('makes tokens of 32 random bytes, never the same twice', () => {
    const tokens = Array.from({ length: 100 }, newToken);
    expect(new Set(tokens).size).toBe(100);
    for (const token of tokens) expect(Buffer.from(token.slice('tbo_'.length), 'base64url')).toHaveLength(32);
  });

  it('hashes a token to the SHA-256 hex the api_tokens table holds', () => {
    expect(hashToken('tbo_x')).toBe(createHash('sha256').update('tbo_x').digest('hex'));
    expect(hashToken('tbo_x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads only a well-formed Bearer header', () => {
    expect(bearerOf('Bearer tbo_abc')).toBe('tbo_abc');
    expect(bearerOf('bearer  tbo_abc ')).toBe('tbo_abc');
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic YWRtaW4=', 'Bearer a b', 'Token tbo_abc', `Bearer ${'x'.repeat(513)}`, ['Bearer a', 'Bearer b']]) {
      expect(bearerOf(header), JSON.stringify(header)).toBeUndefined();
    }
  });
});
