import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = SecretBox.fromKey(randomBytes(32).toString('hex'));

  it('round-trips, and never stores the plaintext', () => {
    const sealed = box.seal('{"apiKey":"AKIA-123","secret":"s3cr3t"}', 'account-1');
    expect(sealed.toString('latin1')).not.toContain('s3cr3t');
    expect(box.open(sealed, 'account-1')).toBe('{"apiKey":"AKIA-123","secret":"s3cr3t"}');
  });

  it('refuses a tampered ciphertext, another account, or another key', () => {
    const sealed = box.seal('secret', 'account-1');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open(tampered, 'account-1')).toThrow();
    expect(() => box.open(sealed, 'account-2')).toThrow();
    expect(() => SecretBox.fromKey(randomBytes(32).toString('base64')).open(sealed, 'account-1')).toThrow();
  });

  it('accepts hex or base64 keys of 32 bytes only, saying how to make one', () => {
    expect(() => SecretBox.fromKey(randomBytes(32).toString('base64'))).not.toThrow();
    expect(() => SecretBox.fromKey('short')).toThrow(/32 bytes/);
  });
});
