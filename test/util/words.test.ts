import { describe, expect, it } from 'vitest';
import { methodWords } from '../../src/util/words.js';

describe('a payment method in a reason sentence', () => {
  it('reads as words, not as a code', () => {
    expect(methodWords('direct_debit')).toBe('direct debit');
    expect(methodWords('card')).toBe('card');
  });

  it('says when no method was recorded', () => {
    expect(methodWords(null)).toBe('an unrecorded method');
  });
});
