import { describe, expect, it } from 'vitest';
import { retryDelay } from './retry-delay.js';

describe('webhook retry delay', () => {
  it('doubles per failure, within the upper half of its step, capped at an hour', () => {
    expect(retryDelay(1, 30_000, () => 0)).toBe(15_000);
    expect(retryDelay(1, 30_000, () => 1)).toBe(30_000);
    expect(retryDelay(3, 30_000, () => 1)).toBe(120_000);
    expect(retryDelay(30, 30_000, () => 1)).toBe(3_600_000);
    expect(retryDelay(30, 30_000, () => 0)).toBe(1_800_000);
  });
});
