import { describe, it, expect } from 'vitest';
import { appendAll, groupBy } from '../../src/util/collections.js';

describe('appendAll', () => {
  it('appends half a million items, where push(...items) overflows the stack', () => {
    const many = Array.from({ length: 500_000 }, (_, i) => i);
    expect(() => [0].push(...many)).toThrow(RangeError);
    const out = appendAll([-1], many);
    expect(out).toHaveLength(500_001);
    expect(out[500_000]).toBe(499_999);
  });

  it('takes any iterable, the values of a map as much as an array', () => {
    expect(appendAll(['a'], new Map([[1, 'b'], [2, 'c']]).values())).toEqual(['a', 'b', 'c']);
  });
});

describe('groupBy', () => {
  it('keeps first-seen order of keys and items', () => {
    expect([...groupBy(['b1', 'a1', 'b2'], (s) => s[0])]).toEqual([['b', ['b1', 'b2']], ['a', ['a1']]]);
  });
});
