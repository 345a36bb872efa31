import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;

/**
 * AES-256-GCM for exchange credentials at rest. Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 * The account id is bound as associated data, so a ciphertext copied onto another account does not decrypt.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** From SECRETS_KEY: 32 bytes as 64 hex characters or as base64. */
  static fromKey(encoded: string): SecretBox {
    const key = /^[0-9a-fA-F]{64}$/.test(encoded) ? Buffer.from(encoded, 'hex') : Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes: 64 hex characters or base64 (e.g. `openssl rand -hex 32`)');
    return new SecretBox(key);
  }

  seal(plaintext: string, accountId: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(accountId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
  }

  open(sealed: Buffer, accountId: string): string {
    if (sealed[0] !== VERSION) throw new Error(`unknown credentials format version ${sealed[0]}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(accountId));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }
}
