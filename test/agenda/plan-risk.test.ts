// The risk agenda (brief 004): limit and cover overruns, insolvency, score downgrades. Pure.
import { describe, it, expect } from 'vitest';
import { planAgenda } from '../../src/agenda/plan.js';
import { planRiskActions } from '../../src/agenda/plan-risk.js';
import { DEFAULT_AGENDA_POLICY as POLICY } from '../../src/agenda/policy.js';
import type { Closure, RiskFacts } from '../../src/agenda/types.js';
import { ASOF, customerCtx, facts, scenarioInvoice } from './facts-builder.js';

const risky = (extra: Partial<RiskFacts> = {}): RiskFacts => ({
  customerId: 1, accountCurrency: 'EUR', creditLimit: null, insurerCover: null, ndCover: false,
  open: [], overSince: {}, insolvency: null, scoreChange: null, companyChanges: [], limitDecision: null, ...extra,
});
const EUR_USD = { currency: 'EUR', quoteCurrency: 'USD', rateDate: '2026-10-01', rate: 1.25 };
const kinds = (r: RiskFacts[], extra: Parameters<typeof facts>[0] = {}) => planRiskActions(facts({ risk: r, ...extra }), POLICY).map((s) => s.kind);

describe('when the open balance is over the credit limit', () => {
  it('asks for a review, with the usage and the overrun in the limit currency, every currency valued', () => {
    const [s] = planRiskActions(facts({
      risk: [risky({ creditLimit: 50_000, open: [{ currency: 'EUR', amount: 40_000 }, { currency: 'USD', amount: 25_000 }] })],
      rates: [EUR_USD],
    }), POLICY);
    // 25,000 USD is 20,000 EUR at 1.25: 60,000 EUR open, 120 % of the limit.
    expect(s).toMatchObject({ origin: 'risk', kind: 'credit_limit_exceeded', type: 'review', dueDate: ASOF, currency: 'EUR', dedupeKey: `risk:limit:c1:${ASOF}#0` });
    expect(s.reason).toContain('60,000.00 EUR open is 120 % of the 50,000.00 EUR limit (10,000.00 EUR over)');
    expect(s.priority.amountAtStake).toBe(10_000);
  });

  it('says nothing at or under the limit, or when a currency has no rate to value it', () => {
    expect(kinds([risky({ creditLimit: 50_000, open: [{ currency: 'EUR', amount: 50_000 }] })])).toEqual([]);
    expect(kinds([risky({ creditLimit: 50_000, open: [{ currency: 'JPY', amount: 9_000_000 }] })])).toEqual([]);
  });

  it('asks for it on the part the rates value when that alone is over, naming what no rate values', () => {
    const [s] = planRiskActions(facts({
      risk: [risky({ creditLimit: 100, insurerCover: 50, open: [{ currency: 'EUR', amount: 50_000 }, { currency: 'JPY', amount: 10 }] })],
    }), POLICY);
    expect(s.kind).toBe('credit_limit_exceeded');
    expect(s.reason).toContain('50,000.00 EUR open, besides 10 JPY with no exchange rate, is 50000 % of the 100.00 EUR limit (49,900.00 EUR over)');
    expect(s.reasons.find((r) => r.factor === 'exposure')).toEqual({
      factor: 'exposure', text: '50,000.00 EUR open valued, and 10 JPY that no exchange rate values', value: null,
    });
    expect(kinds([risky({ insurerCover: 50, open: [{ currency: 'EUR', amount: 50_000 }, { currency: 'JPY', amount: 10 }] })])).toEqual(['cover_exceeded']);
    // Under the limit, what no rate values could tip it either way.
    expect(kinds([risky({ creditLimit: 100_000, insurerCover: 100_000, open: [{ currency: 'EUR', amount: 50_000 }, { currency: 'JPY', amount: 10 }] })])).toEqual([]);
  });

  it('comes back a review period after a person closed the last one, while it lasts', () => {
    const over = [risky({ creditLimit: 10_000, open: [{ currency: 'EUR', amount: 12_000 }], overSince: { limit: { on: '2026-09-01', atLeast: false } } })];
    const closedOn = (day: string) => new Map([['risk:limit:c1:2026-09-01', { closed: 1, lastClosedByPersonOn: day }]]);
    expect(kinds(over, { closures: closedOn('2026-10-01') })).toEqual([]);
    const again = planRiskActions(facts({ risk: over, closures: closedOn('2026-09-15') }), POLICY);
    expect(again.map((s) => [s.dedupeKey, s.dueDate])).toEqual([['risk:limit:c1:2026-09-01#1', '2026-10-15']]);
  });
});

describe('when the credit limit is 0 or none is recorded', () => {
  it('reads 0 as no credit granted: any open balance is reviewed, with no usage ratio', () => {
    const [s] = planRiskActions(facts({ risk: [risky({ creditLimit: 0, open: [{ currency: 'EUR', amount: 1_200 }] })] }), POLICY);
    expect(s).toMatchObject({ kind: 'credit_limit_exceeded', dedupeKey: `risk:limit:c1:${ASOF}#0` });
    expect(s.reason).toMatch(/^Open balance with no credit granted \(credit limit 0\) since 2026-10-20: 1,200.00 EUR open\. Grant a limit/);
    expect(s.reasons.map((r) => r.factor)).toEqual(['creditLimit', 'overSince', 'exposure']);
    expect(s.reasons[0]).toEqual({ factor: 'creditLimit', text: 'no credit granted (limit 0)', value: 0 });
    expect(s.priority.amountAtStake).toBe(1_200);
  });

  it('says nothing with nothing open under a limit of 0, nor with no limit recorded', () => {
    expect(kinds([risky({ creditLimit: 0 })])).toEqual([]);
    expect(kinds([risky({ creditLimit: null, open: [{ currency: 'EUR', amount: 1_200 }] })])).toEqual([]);
  });
});

describe('when the balance has been over the limit for a while', () => {
  const since = (on: string, atLeast = false) =>
    risky({ creditLimit: 10_000, insurerCover: 9_000, open: [{ currency: 'EUR', amount: 12_000 }], overSince: { limit: { on, atLeast }, cover: { on, atLeast } } });
  const plan = (r: RiskFacts, asOf = ASOF) => planRiskActions(facts({ risk: [r], asOf }), POLICY);

  it('is due from the day it went over, says since when, and ranks higher the longer it is left', () => {
    const [limit, cover] = plan(since('2026-09-29'));
    expect(limit).toMatchObject({ kind: 'credit_limit_exceeded', dueDate: '2026-09-29', dedupeKey: 'risk:limit:c1:2026-09-29#0' });
    expect(limit.reason).toMatch(/^Over the credit limit since 2026-09-29: 12,000.00 EUR open is 120 %/);
    expect(limit.reasons).toContainEqual({ factor: 'overSince', text: 'over the limit since 2026-09-29', value: '2026-09-29' });
    expect(cover).toMatchObject({ kind: 'cover_exceeded', dueDate: '2026-09-29', dedupeKey: 'risk:cover:c1:2026-09-29#0' });
    expect(cover.reason).toMatch(/^Exposure above the credit insurance since 2026-09-29: 3,000.00 EUR/);
    // Three weeks undone: 21 days late.
    expect(limit.priority.urgency).toBeGreaterThan(plan(since(ASOF))[0].priority.urgency);
  });

  it('keeps its key from one planning day to the next, and a new overrun gets a new one', () => {
    expect(plan(since('2026-09-29'), '2026-10-27')[0].dedupeKey).toBe(plan(since('2026-09-29'))[0].dedupeKey);
    expect(plan(since('2026-10-12'))[0].dedupeKey).toBe('risk:limit:c1:2026-10-12#0');
  });

  it('says "at least" of one over for longer than the ledger is read back, under a key that does not move with that day', () => {
    const [limit] = plan(since('2025-10-20', true));
    expect(limit).toMatchObject({ dueDate: '2025-10-20', dedupeKey: 'risk:limit:c1:long#0' });
    expect(limit.reason).toMatch(/^Over the credit limit since 2025-10-20 at least:/);
    expect(plan(since('2025-10-27', true), '2026-10-27')[0].dedupeKey).toBe('risk:limit:c1:long#0');
  });
});

describe('when an overrun grows older than the ledger is read back', () => {
  const over = (overSince: RiskFacts['overSince']) =>
    risky({ creditLimit: 10_000, open: [{ currency: 'EUR', amount: 12_000 }], overSince });
  const plan = (r: RiskFacts, asOf: string, closures = new Map<string, Closure>()) => planRiskActions(facts({ risk: [r], asOf, closures }), POLICY);
  // On 2026-10-19 the 365 days read back reach 2025-10-19: the overrun of 2025-10-19 is dated; the next day it is "at least".
  const dated = over({ limit: { on: '2025-10-19', atLeast: false } });
  const older = (keyedOn?: string) => over({ limit: { on: '2025-10-20', atLeast: true, ...(keyedOn && { keyedOn }) } });

  it('keeps the key its review had, due and said since the day it began', () => {
    const [before] = plan(dated, '2026-10-19');
    const [after] = plan(older('2025-10-19'), ASOF);
    expect(before.dedupeKey).toBe('risk:limit:c1:2025-10-19#0');
    expect(after).toMatchObject({ dedupeKey: before.dedupeKey, dueDate: '2025-10-19' });
    expect(after.reason).toMatch(/^Over the credit limit since 2025-10-19: /);
  });

  it('does not hand the collector who closed it a new review the next day', () => {
    const closed = new Map([['risk:limit:c1:2025-10-19', { closed: 1, lastClosedByPersonOn: '2026-10-19' }]]);
    expect(plan(dated, '2026-10-19', closed)).toEqual([]);
    expect(plan(older('2025-10-19'), ASOF, closed)).toEqual([]);
    expect(plan(older('2025-10-19'), '2026-11-18', closed).map((s) => [s.dedupeKey, s.dueDate]))
      .toEqual([['risk:limit:c1:2025-10-19#1', '2026-11-18']]);
  });

  it('keeps the undated key with no dated one to take back, or one dated after the look-back began (another overrun)', () => {
    expect(plan(older(), ASOF)[0].dedupeKey).toBe('risk:limit:c1:long#0');
    expect(plan(older('2026-02-01'), ASOF)[0].dedupeKey).toBe('risk:limit:c1:long#0');
  });
});

describe('when a review was closed under a key without its day', () => {
  const over = risky({
    creditLimit: 10_000, insurerCover: 9_000, open: [{ currency: 'EUR', amount: 12_000 }],
    overSince: { limit: { on: '2026-09-01', atLeast: false }, cover: { on: '2026-09-01', atLeast: false } },
  });
  const keys = (closures: [string, string][], asOf = ASOF) => planRiskActions(facts({
    risk: [over], asOf, closures: new Map(closures.map(([key, on]) => [key, { closed: 2, lastClosedByPersonOn: on }])),
  }), POLICY).map((s) => [s.dedupeKey, s.dueDate]);

  it('counts one closed before dated keys (risk:limit:c1#n) while the overrun lasted, of its kind only', () => {
    expect(keys([['risk:limit:c1', '2026-10-01']])).toEqual([['risk:cover:c1:2026-09-01#0', '2026-09-01']]);
    expect(keys([['risk:limit:c1', '2026-10-01']], '2026-10-31')).toContainEqual(['risk:limit:c1:2026-09-01#0', '2026-10-31']);
    expect(keys([['risk:cover:c1', '2026-09-01']])).toEqual([['risk:limit:c1:2026-09-01#0', '2026-09-01'], ['risk:cover:c1:2026-09-01#0', '2026-10-01']]);
  });

  it('counts one closed under the undated key of an overrun past the look-back once its dated key is back', () => {
    const long = risky({ ...over, overSince: { limit: { on: '2025-10-20', atLeast: true, keyedOn: '2025-06-01' } } });
    expect(planRiskActions(facts({ risk: [long], closures: new Map([['risk:limit:c1:long', { closed: 1, lastClosedByPersonOn: '2026-10-10' }]]) }), POLICY)
      .map((s) => s.kind)).toEqual(['cover_exceeded']);
  });

  it('leaves out one closed before the overrun began: it reviewed another', () => {
    expect(keys([['risk:limit:c1', '2026-08-31'], ['risk:cover:c1:long', '2026-08-20']]))
      .toEqual([['risk:limit:c1:2026-09-01#0', '2026-09-01'], ['risk:cover:c1:2026-09-01#0', '2026-09-01']]);
  });
});

describe('when the exposure is above the credit insurer cover', () => {
  it('asks for a named limit when the customer is under the unnamed-buyer cover', () => {
    const [s] = planRiskActions(facts({ risk: [risky({ insurerCover: 20_000, ndCover: true, open: [{ currency: 'EUR', amount: 32_000 }] })] }), POLICY);
    expect(s.kind).toBe('cover_exceeded');
    expect(s.reason).toContain('12,000.00 EUR of the 32,000.00 EUR open is not covered');
    expect(s.reason).toContain('Request a named credit limit from the insurer');
  });

  it('does not guess a cover nobody recorded', () => {
    expect(kinds([risky({ ndCover: true, open: [{ currency: 'EUR', amount: 32_000 }] })])).toEqual([]);
  });

  it("reads a cover of 0 as the insurer's refusal: the whole open balance is uninsured and reviewed", () => {
    const [s] = planRiskActions(facts({ risk: [risky({ insurerCover: 0, open: [{ currency: 'EUR', amount: 1_200 }] })] }), POLICY);
    expect(s).toMatchObject({ kind: 'cover_exceeded', dedupeKey: `risk:cover:c1:${ASOF}#0` });
    expect(s.reason).toMatch(/^Exposure the credit insurer refused to cover since 2026-10-20: none of the 1,200.00 EUR open is covered \(no cover, the insurer refused it \(cover 0\)\)\. Ask the insurer to reconsider/);
    expect(s.reasons.find((r) => r.factor === 'uncoveredExposure')).toMatchObject({ value: 1_200 });
    expect(s.priority.amountAtStake).toBe(1_200);
    // Nothing open: nothing to insure.
    expect(kinds([risky({ insurerCover: 0 })])).toEqual([]);
  });
});

describe('when a provider reports insolvency proceedings', () => {
  const insolvent = risky({
    creditLimit: 1_000, open: [{ currency: 'EUR', amount: 8_000 }],
    insolvency: { eventId: 7, on: '2026-10-05', source: 'legal-gazette', procedure: null, firstOn: '2026-10-05' },
  });

  it('asks for the claim to be declared, first of all, and nothing about the limit any more', () => {
    const [s, ...rest] = planRiskActions(facts({ risk: [insolvent] }), POLICY);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ kind: 'insolvency', dueDate: '2026-10-05', dedupeKey: 'risk:insolvency:c1:e7' });
    expect(s.reason).toMatch(/^Insolvency proceedings reported on 2026-10-05 \(legal-gazette\): declare the claim of 8,000.00 EUR/);
  });

  it('stops the reminders, which a solvent customer with the same invoice gets', () => {
    const withInvoice = facts({
      customers: [customerCtx(1, { openAmount: 8_000, currency: 'EUR' })],
      scenarioInvoices: [scenarioInvoice(1, '2026-09-01', 8_000)],
      risk: [insolvent],
    });
    expect(planAgenda(withInvoice, POLICY).map((s) => s.kind)).toEqual(['insolvency']);
    const solvent = { ...withInvoice, risk: [{ ...insolvent, insolvency: null }] };
    expect(planAgenda(solvent, POLICY).map((s) => s.kind)).toContain('scenario_step');
  });

  it('leaves an event older than the lookback alone, and still stops the reminders', () => {
    const old = { ...insolvent, insolvency: { eventId: 7, on: '2026-06-01', source: null, procedure: null, firstOn: '2026-06-01' } };
    const f = facts({ risk: [old], scenarioInvoices: [scenarioInvoice(1, '2026-09-01', 8_000)] });
    expect(planAgenda(f, POLICY)).toEqual([]);
  });

  it('asks again for a later proceeding, naming it and when the first was reported', () => {
    const later = { ...insolvent, insolvency: { eventId: 9, on: '2026-10-12', source: 'legal-gazette', procedure: 'liquidation judiciaire', firstOn: '2025-04-02' } };
    const [s] = planRiskActions(facts({ risk: [later] }), POLICY);
    expect(s).toMatchObject({ kind: 'insolvency', dueDate: '2026-10-12', dedupeKey: 'risk:insolvency:c1:e9' });
    expect(s.reason).toMatch(
      /^Insolvency proceedings reported on 2026-10-12 \(legal-gazette: liquidation judiciaire\), after proceedings first reported on 2025-04-02: declare the claim/,
    );
  });
});

describe('when the risk score worsens', () => {
  const change = (from: number | null, to: number, on = '2026-10-12') => risky({ scoreChange: { eventId: 3, on, from, to, source: 'credit-bureau' } });

  it('asks for a review when it crosses into high risk or jumps', () => {
    const [s] = planRiskActions(facts({ risk: [change(45, 78)] }), POLICY);
    expect(s).toMatchObject({ kind: 'risk_downgrade', dueDate: '2026-10-12', dedupeKey: 'risk:score:c1:e3' });
    expect(s.reason).toMatch(/^Risk score up from 45 to 78 on 2026-10-12 \(credit-bureau\), now high risk \(70\+\)/);
    expect(kinds([change(20, 45)])).toEqual(['risk_downgrade']);
    expect(kinds([change(null, 75)])).toEqual(['risk_downgrade']);
  });

  it('says nothing of a small rise, an improvement, a high score that was already high, or an old change', () => {
    expect(kinds([change(40, 50)])).toEqual([]);
    expect(kinds([change(80, 60)])).toEqual([]);
    expect(kinds([change(72, 80)])).toEqual([]);
    expect(kinds([change(30, 80, '2026-07-01')])).toEqual([]);
  });
});

describe('when the company registry reports a change of address or management', () => {
  const change = (kind: 'address_change' | 'director_change', on: string, eventId = 7) =>
    ({ eventId, kind, on, source: 'registry', detail: kind === 'director_change' ? 'CFO: Jane Doe' : '12 Main St' });

  it('asks for a review of each, dated the day reported, once per event', () => {
    const out = planRiskActions(facts({ risk: [risky({ companyChanges: [change('address_change', '2026-10-01', 8), change('director_change', '2026-10-10', 9)] })] }), POLICY);
    expect(out.map((s) => [s.kind, s.dueDate, s.dedupeKey])).toEqual([
      ['company_change', '2026-10-01', 'risk:change:c1:e8'], ['company_change', '2026-10-10', 'risk:change:c1:e9'],
    ]);
    expect(out[1].reason).toMatch(/^Change of management \(CFO: Jane Doe\) reported on 2026-10-10 \(registry\)/);
    expect(out[0].reasons[0]).toEqual({ factor: 'address_change', text: 'Change of address (12 Main St) reported on 2026-10-01 (registry)', value: '2026-10-01' });
  });

  it('leaves out the kinds the credit manager does not watch, changes past the look-back, and insolvent customers', () => {
    const both = [change('address_change', '2026-10-01', 8), change('director_change', '2026-10-10', 9)];
    expect(planRiskActions(facts({ risk: [risky({ companyChanges: both })] }), { ...POLICY, risk: { ...POLICY.risk, watchedChanges: ['director_change'] } })
      .map((s) => s.dedupeKey)).toEqual(['risk:change:c1:e9']);
    expect(kinds([risky({ companyChanges: [change('address_change', '2026-08-01')] })])).toEqual([]);
    const insolvency = { eventId: 3, on: '2026-10-02', source: null, procedure: null, firstOn: '2026-10-02' };
    expect(kinds([risky({ insolvency, companyChanges: both })])).toEqual(['insolvency']);
  });
});

describe("when a credit limit is due for its yearly review (brief 004's credit limit reviews)", () => {
  const decided = (on: string) => ({ eventId: 5, on, source: 'credit-committee', reason: 'annual review' });
  const withLimit = (on: string, extra: Partial<RiskFacts> = {}) =>
    risky({ creditLimit: 20_000, open: [{ currency: 'EUR', amount: 5_000 }], limitDecision: decided(on), ...extra });

  it("asks for it a year after the committee's last decision, and not before", () => {
    const [s] = planRiskActions(facts({ risk: [withLimit('2025-09-01')] }), POLICY);
    expect(s).toMatchObject({ kind: 'limit_review', dueDate: '2026-09-01', dedupeKey: 'risk:limit-review:c1:e5#0' });
    expect(s.reason).toMatch(/^Credit limit due for its review: credit limit 20,000.00 EUR decided on 2025-09-01 \(credit-committee: annual review\)\./);
    expect(kinds([withLimit('2025-11-01')])).toEqual([]);
  });

  it('comes back a year after a person closed it without a new decision', () => {
    const closures = new Map([['risk:limit-review:c1:e5', { closed: 1, lastClosedByPersonOn: '2026-09-10' }]]);
    expect(kinds([withLimit('2025-09-01')], { closures })).toEqual([]);
    const later = planRiskActions(facts({ risk: [withLimit('2024-09-01')], closures: new Map([['risk:limit-review:c1:e5', { closed: 1, lastClosedByPersonOn: '2025-09-10' }]]) }), POLICY);
    expect(later.map((s) => [s.dedupeKey, s.dueDate])).toEqual([['risk:limit-review:c1:e5#1', '2026-09-10']]);
  });

  it('says nothing without a limit or a recorded decision, and lets an overrun ask for the review instead', () => {
    expect(kinds([withLimit('2025-01-01', { creditLimit: null })])).toEqual([]);
    expect(kinds([withLimit('2025-01-01', { limitDecision: null })])).toEqual([]);
    expect(kinds([withLimit('2025-01-01', { creditLimit: 1_000 })])).toEqual(['credit_limit_exceeded']);
  });
});
