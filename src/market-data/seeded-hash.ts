/**
 * Small integer hashes for the simulated market: any point of the path is computed from (seed, symbol, time)
 * alone, so candles can be generated for any time without replaying history from an epoch.
 */

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds an integer (such as a minute index, negative or not) into a running hash. */
export function hashWith(hash: number, value: number): number {
  return mix32(hash ^ mix32(Math.imul(value | 0, 0x9e3779b1) + 0x6a09e667));
}

/** FNV-1a over UTF-16 code units, finalized. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A seed may exceed 32 bits: both halves count. */
export function hashSeed(hash: number, seed: number): number {
  return hashWith(hashWith(hash, seed >>> 0), Math.floor(seed / 0x1_0000_0000));
}

/** Uniform in [0, 1). */
export function unit(hash: number): number {
  return hash / 0x1_0000_0000;
}
