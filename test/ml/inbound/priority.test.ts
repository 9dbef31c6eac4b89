import { describe, expect, it } from 'vitest';
import { scorePriority, type PriorityInput } from '../../../src/ml/inbound/priority.js';

const request = (over: Partial<PriorityInput> = {}): PriorityInput => ({
  type: 'invoice_copy',
  secondaryTypes: [],
  sentiment: { label: 'neutral', score: 0 },
  legalThreat: false,
  ...over,
});
const customer = (over = {}) => ({ openAmount: 20_000, overdueAmount: 5_000, riskScore: 0.2, driftScore: 0.1, ...over });

describe('when prioritising an inbound request', () => {
  it('puts an angry dispute with a legal threat at the top', () => {
    const p = scorePriority(request({ type: 'dispute', sentiment: { label: 'negative', score: -0.9 }, legalThreat: true }));
    expect(p.level).toBe('urgent');
    expect(p.reasons.slice(0, 2).map((r) => r.factor)).toContain('legalThreat');
  });

  it('leaves an unsubscribe from a calm customer low', () => {
    expect(scorePriority(request({ type: 'unsubscribe' }), undefined).level).toBe('low');
  });

  it('ranks the same request higher for a customer owing more', () => {
    const small = scorePriority(request({ customer: customer({ overdueAmount: 1_000 }) }));
    const large = scorePriority(request({ customer: customer({ overdueAmount: 400_000 }) }));
    expect(large.score).toBeGreaterThan(small.score);
    expect(large.reasons.find((r) => r.factor === 'overdueAmount')?.text).toContain('400,000 overdue');
  });

  it('ranks riskier and drifting customers higher', () => {
    const calm = scorePriority(request({ customer: customer() }));
    expect(scorePriority(request({ customer: customer({ riskScore: 0.9 }) })).score).toBeGreaterThan(calm.score);
    expect(scorePriority(request({ customer: customer({ driftScore: 0.9 }) })).score).toBeGreaterThan(calm.score);
  });

  it("says the risk score on the provider's 0..100 scale, as the customer resource does", () => {
    const risk = scorePriority(request({ customer: customer({ riskScore: 0.19 }) })).reasons.find((r) => r.factor === 'riskScore');
    expect(risk).toMatchObject({ text: 'risk score 19 of 100', value: 19 });
  });

  it('weighs an unknown risk score as nothing rather than as a middling one', () => {
    const unknown = scorePriority(request({ customer: customer({ riskScore: null }) }));
    const zero = scorePriority(request({ customer: customer({ riskScore: 0 }) }));
    expect(unknown.reasons.map((r) => r.factor)).not.toContain('riskScore');
    expect(unknown.score).toBe(zero.score);
  });

  it('raises a request that has been waiting', () => {
    expect(scorePriority(request({ ageHours: 96 })).score).toBeGreaterThan(scorePriority(request({ ageHours: 1 })).score);
  });

  it('says when it scored without customer context, and stays within 0..100', () => {
    const p = scorePriority(request());
    expect(p.reasons.at(-1)?.factor).toBe('customerContext');
    const max = scorePriority(request({ type: 'dispute', secondaryTypes: ['dispute'], legalThreat: true, sentiment: { label: 'negative', score: -1 }, ageHours: 1000, customer: customer({ overdueAmount: 1e9, openAmount: 2e9, riskScore: 1, driftScore: 1 }) }));
    expect(max.score).toBe(100);
  });

  it('gives every reason a weight in points', () => {
    const p = scorePriority(request({ type: 'payment_plan', customer: customer(), ageHours: 30 }));
    const points = p.reasons.reduce((s, r) => s + (r.weight ?? 0), 0);
    expect(Math.abs(points - p.score)).toBeLessThan(0.5);
  });
});
