import { describe, expect, it } from 'vitest';
import { SlidingWindowStorage } from './sliding-window-storage.js';

const MINUTE = 60_000;

describe('SlidingWindowStorage', () => {
  function storage() {
    let now = 1_000_000;
    const store = new SlidingWindowStorage(() => now);
    const hit = (key = 'token:a', limit = 3) => store.increment(key, MINUTE, limit, MINUTE, 'default');
    return { store, hit, advance: (ms: number) => (now += ms) };
  }

  it('allows `limit` hits in a window, then blocks with the time to wait, per key', async () => {
    const { hit } = storage();
    for (let i = 1; i <= 3; i++) expect(await hit()).toMatchObject({ totalHits: i, isBlocked: false });
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    expect(await hit('token:b')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps a block for its duration, then counts the previous window by how much of it still overlaps', async () => {
    const { hit, advance } = storage();
    for (let i = 0; i < 4; i++) await hit('k', 4);
    expect(await hit('k', 4)).toMatchObject({ isBlocked: true });
    advance(30_000);
    expect(await hit('k', 4)).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    advance(45_000); // 15 s into the next window: 3 of the previous window's 4 hits still count
    expect(await hit('k', 4)).toMatchObject({ totalHits: 4, isBlocked: false });
    expect(await hit('k', 4)).toMatchObject({ isBlocked: true });
  });

  it('forgets the previous window after two, and forgets idle keys', async () => {
    const { store, hit, advance } = storage();
    for (let i = 0; i < 3; i++) await hit('old');
    advance(2 * MINUTE + 1);
    expect(await hit('old')).toMatchObject({ totalHits: 1, isBlocked: false });
    advance(3 * MINUTE);
    await hit('new');
    expect(store.size).toBe(1);
  });

  it('costs the same whatever the number of hits counted (no list of hits kept)', async () => {
    const { hit } = storage();
    for (let i = 0; i < 100_000; i++) await hit('busy', 1_000_000);
    expect(await hit('busy', 1_000_000)).toMatchObject({ totalHits: 100_001 });
  });
});
