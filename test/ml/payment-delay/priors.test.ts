import { describe, expect, it } from 'vitest';
import { fitFeatureConfig, fitInvoiceEffects, type Labeled } from '../../../src/ml/payment-delay/priors.js';
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
