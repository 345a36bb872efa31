import { describe, expect, it } from 'vitest';
import { ConditionViewCache } from './condition-view-cache.js';
import type { ConditionView } from './condition.view.js';

const view = (id: string, subscribers = 1) => ({ id, subscribers }) as ConditionView;

describe('ConditionViewCache', () => {
  function cache() {
    let now = 0;
    return { answers: new ConditionViewCache(1_000, () => now), advance: (ms: number) => (now += ms) };
  }

  it('answers for the TTL, then reads again', () => {
    const { answers, advance } = cache();
    answers.set('a', view('a'), answers.version());
    advance(999);
    expect(answers.get('a')).toEqual(view('a'));
    advance(1);
    expect(answers.get('a')).toBeUndefined();
  });

  it('forgets the conditions a change names, and everything on clear', () => {
    const { answers } = cache();
    for (const id of ['a', 'b', 'c']) answers.set(id, view(id), answers.version());
    answers.forget(['a']);
    expect([answers.get('a'), answers.get('b')]).toEqual([undefined, view('b')]);
    answers.clear();
    expect(answers.get('b')).toBeUndefined();
  });

  it('does not keep an answer read before a change that happened meanwhile', () => {
    const { answers } = cache();
    const version = answers.version();
    answers.forget(['other']); // a change lands while the read is in flight
    answers.set('a', view('a'), version);
    expect(answers.get('a')).toBeUndefined();
  });
});
