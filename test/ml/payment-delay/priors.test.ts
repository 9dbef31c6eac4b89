import { describe, expect, it } from 'vitest';
import { fitFeatureConfig, fitInvoiceEffects, hasDueDayAtom, type Labeled } from '../../../src/ml/payment-delay/priors.js';
import { invoice } from './factories.js';

/** `count` settled invoices of one customer, each paid `offsets[i % offsets.length]` days after due. */
function customer(customerId: string, segment: string, offsets: number[], count: number): Labeled[] {
  return Array.from({ length: count }, (_, i) => ({ invoice: invoice({ customerId, segment, settledDate: '2024-02-15' }), offset: offsets[i % offsets.length] }));
}

/** Four segments of five customers alike in mean (−12 … +12 days), and a fifth segment of two late customers with many invoices. */
function book(): Labeled[] {
  const spread = [-12, -6, 0, 6, 12];
  const alike = ['a', 'b', 'c', 'd'].flatMap((seg) => spread.map((mean, i) => customer(`${seg}${i}`, seg, [mean - 1, mean + 1], 10)).flat());
  return [...alike, ...customer('x0', 'x', [11, 13], 60), ...customer('x1', 'x', [5, 7], 60)];
}

describe('when a segment has few customers but many invoices', () => {
  it('is shrunk toward the portfolio by its number of customers, not of invoices', () => {
    const labeled = book();
    const config = fitFeatureConfig(labeled, fitInvoiceEffects(labeled));
    const raw = 9; // mean offset of segment x's 120 invoices
    const pulled = (config.segments.x.adjustedOffset - config.portfolio.adjustedOffset) / (raw - config.portfolio.adjustedOffset);
    // 120 invoices against a pseudo-count of 30 would keep 80 % of the gap; two customers drawn from a book
    // whose segments do not differ say little about segment x.
    expect(pulled).toBeLessThan(0.5);
    expect(pulled).toBeGreaterThanOrEqual(0);
  });
});

describe('when segments differ far more than their customers do', () => {
  it('keeps each segment near its own mean', () => {
    const labeled = ['a', 'b', 'c', 'd'].flatMap((seg, s) => [0, 1, 2, 3, 4].flatMap((i) => customer(`${seg}${i}`, seg, [s * 20 + i - 2], 10)));
    const config = fitFeatureConfig(labeled, fitInvoiceEffects(labeled));
    expect(config.segments.d.adjustedOffset).toBeCloseTo(60, 0);
    expect(config.segments.a.adjustedOffset).toBeCloseTo(0, 0);
  });
});

describe('when payments pile up on the due date', () => {
  it('sees the pile as an atom, and each segment\'s share of it', () => {
    // Direct debits: every invoice of the due-date payers on the day, the others spread a week around it.
    const labeled = [
      ...['a', 'b', 'c'].flatMap((seg) => [0, 1, 2].map((i) => customer(`${seg}dd${i}`, seg, [0], 10)).flat()),
      ...['a', 'b', 'c'].flatMap((seg) => [0, 1, 2].map((i) => customer(`${seg}tr${i}`, seg, [-7, -5, -3, -1, 1, 3, 5, 7], 16)).flat()),
    ];
    expect(hasDueDayAtom(labeled)).toBe(true);
    const config = fitFeatureConfig(labeled, fitInvoiceEffects(labeled));
    expect(config.dueDayAtom).toBe(true);
    expect(config.portfolio.dueDayShare).toBeCloseTo(90 / (90 + 144), 6);
  });

  it('sees none in a book that pays around the due date as much as on it', () => {
    const labeled = book();
    expect(hasDueDayAtom(labeled)).toBe(false);
    expect(fitFeatureConfig(labeled, fitInvoiceEffects(labeled)).dueDayAtom).toBeUndefined();
  });

  it('counts a Friday payment of a Sunday due date as on the due date', () => {
    // 2024-02-04 is a Sunday: paying on Friday the 2nd is offset -2.
    const sunday = (customerId: string): Labeled[] =>
      Array.from({ length: 20 }, () => ({ invoice: invoice({ customerId, issueDate: '2024-01-05', dueDate: '2024-02-04', settledDate: '2024-02-02' }), offset: -2 }));
    const spread = customer('t', 'a', [-9, -6, -4, 1, 3, 5, 8], 40);
    expect(hasDueDayAtom([...sunday('s1'), ...sunday('s2'), ...spread])).toBe(true);
  });
});
