import { describe, expect, it } from 'vitest';
import { excerpt, quote } from '../../src/util/quote.js';

describe('when a refused value is quoted back', () => {
  it('quotes a short one whole, as JSON', () => {
    expect(quote('2026-02-30')).toBe('"2026-02-30"');
    expect(quote('say "hi"')).toBe('"say \\"hi\\""');
    expect(quote(12.5)).toBe('12.5');
    expect(quote([1, 2])).toBe('[1,2]');
    expect(quote('x'.repeat(60))).toBe(`"${'x'.repeat(60)}"`);
  });

  it('quotes the start of a long one, with an ellipsis and its length in characters', () => {
    expect(quote('x'.repeat(10_000_000))).toBe(`"${'x'.repeat(60)}…" (10000000 characters)`);
    expect(quote({ note: 'x'.repeat(100) })).toBe(`{"note":"${'x'.repeat(51)}… (111 characters)`);
  });

  it('counts an emoji as one character and never cuts one in half', () => {
    expect(quote('😀'.repeat(60))).toBe(`"${'😀'.repeat(60)}"`);
    const cut = quote(`${'x'.repeat(59)}${'😀'.repeat(5)}`);
    expect(cut).toBe(`"${'x'.repeat(59)}…" (64 characters)`);
  });

  it('shortens text shown without quotes the same way', () => {
    expect(excerpt('1e3')).toBe('1e3');
    expect(excerpt('9'.repeat(400))).toBe(`${'9'.repeat(60)}… (400 characters)`);
  });
});
