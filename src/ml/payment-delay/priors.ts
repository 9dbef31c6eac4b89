// What the portfolio and each segment look like, and how much one customer's own
// history should count against that (empirical Bayes), estimated from training
// invoices only. These are the "shrink to the prior when history is short" part.
import { dayOf, dueBusinessDayOffset } from './dates.js';
import type { FeatureConfig, SegmentPrior } from './features.js';
import { PROMISE_GRACE_DAYS } from './features.js';
import type { InvoiceEffects } from './history.js';
import { solveSpd } from './linear.js';
import { segmentWeights } from './segment-shrinkage.js';
import type { InvoiceRecord } from './types.js';

/**
 * Without any promise or reminder in the training data there is nothing to learn
 * from: assume an even chance, and let each customer's own record move it.
 */
const UNINFORMED_RATE = 0.5;
/** Mid-scale of a 0..100 external risk score, used when no score was ever seen. */
const UNINFORMED_RISK = 50;

/** A settled invoice with its label: payment offset in days after due. */
export interface Labeled {
  invoice: InvoiceRecord;
  offset: number;
}

/** Paid on the last business day on or before the due date (dates.ts dueBusinessDayOffset). */
export function paidOnDueBusinessDay({ invoice, offset }: Labeled): boolean {
  return offset === dueBusinessDayOffset(dayOf(invoice.dueDate));
}

export function labelOf(invoice: InvoiceRecord): number {
  if (invoice.settledDate == null) throw new Error(`invoice ${invoice.invoiceId} is not settled: no label`);
  return dayOf(invoice.settledDate) - dayOf(invoice.dueDate);
}

function groupByCustomer(labeled: readonly Labeled[]): Labeled[][] {
  const groups = new Map<string, Labeled[]>();
  for (const l of labeled) {
    const g = groups.get(l.invoice.customerId);
    if (g) g.push(l);
    else groups.set(l.invoice.customerId, [l]);
  }
  return [...groups.values()];
}

/**
 * Days that a dispute and a paper invoice add to the payment date, from the
 * within-customer comparison (each customer against their own mean), so that
 * customers who dispute a lot and pay late anyway do not inflate the effect.
 */
export function fitInvoiceEffects(labeled: readonly Labeled[]): InvoiceEffects {
  const xtx = new Float64Array(4);
  const xty = new Float64Array(2);
  for (const group of groupByCustomer(labeled)) {
    const n = group.length;
    let md = 0;
    let mp = 0;
    let my = 0;
    for (const { invoice, offset } of group) {
      md += invoice.disputed ? 1 : 0;
      mp += invoice.paperless === false ? 1 : 0;
      my += offset;
    }
    md /= n;
    mp /= n;
    my /= n;
    for (const { invoice, offset } of group) {
      const d = (invoice.disputed ? 1 : 0) - md;
      const p = (invoice.paperless === false ? 1 : 0) - mp;
      const y = offset - my;
      xtx[0] += d * d;
      xtx[1] += d * p;
      xtx[3] += p * p;
      xty[0] += d * y;
      xty[1] += p * y;
    }
  }
  xtx[2] = xtx[1];
  // A whisker of ridge keeps an attribute that never varies within a customer at 0.
  xtx[0] += 1e-6;
  xtx[3] += 1e-6;
  const [disputed, paper] = solveSpd(xtx, xty, 2);
  return { disputed, paper };
}

interface PriorSums {
  n: number;
  dueDay: number;
  adjusted: number;
  late: number;
  daysLate: number;
  disputes: number;
  promises: number;
  promisesKept: number;
  remindersSent: number;
  remindersAnswered: number;
  riskCount: number;
  risk: number;
}

const emptySums = (): PriorSums => ({
  n: 0, dueDay: 0, adjusted: 0, late: 0, daysLate: 0, disputes: 0, promises: 0, promisesKept: 0, remindersSent: 0, remindersAnswered: 0, riskCount: 0, risk: 0,
});

function accumulate(s: PriorSums, { invoice, offset }: Labeled, effects: InvoiceEffects): void {
  s.n++;
  if (paidOnDueBusinessDay({ invoice, offset })) s.dueDay++;
  s.adjusted += offset - (invoice.disputed ? effects.disputed : 0) - (invoice.paperless === false ? effects.paper : 0);
  s.late += offset > 0 ? 1 : 0;
  s.daysLate += Math.max(0, offset);
  s.disputes += invoice.disputed ? 1 : 0;
  if (invoice.promisedDate != null && invoice.settledDate != null) {
    s.promises++;
    s.promisesKept += dayOf(invoice.settledDate) <= dayOf(invoice.promisedDate) + PROMISE_GRACE_DAYS ? 1 : 0;
  }
  const sent = invoice.remindersSent ?? 0;
  s.remindersSent += sent;
  s.remindersAnswered += Math.min(invoice.remindersAnswered ?? 0, sent);
  if (invoice.externalRiskScore != null) {
    s.riskCount++;
    s.risk += invoice.externalRiskScore;
  }
}

type PriorQuantity = Exclude<keyof SegmentPrior, 'spread'>;

/** Each prior value as a ratio of two sums, and what to assume when there is nothing to divide. */
const QUANTITIES: readonly { key: PriorQuantity; num: (s: PriorSums) => number; den: (s: PriorSums) => number; fallback: number }[] = [
  { key: 'adjustedOffset', num: (s) => s.adjusted, den: (s) => s.n, fallback: 0 },
  { key: 'lateRate', num: (s) => s.late, den: (s) => s.n, fallback: 0 },
  { key: 'dueDayShare', num: (s) => s.dueDay, den: (s) => s.n, fallback: 0 },
  { key: 'daysLate', num: (s) => s.daysLate, den: (s) => s.n, fallback: 0 },
  { key: 'disputeRate', num: (s) => s.disputes, den: (s) => s.n, fallback: 0 },
  { key: 'promiseKeptRate', num: (s) => s.promisesKept, den: (s) => s.promises, fallback: UNINFORMED_RATE },
  { key: 'replyRate', num: (s) => s.remindersAnswered, den: (s) => s.remindersSent, fallback: UNINFORMED_RATE },
  { key: 'externalRisk', num: (s) => s.risk, den: (s) => s.riskCount, fallback: UNINFORMED_RISK },
];

function portfolioPrior(s: PriorSums, spread: number): SegmentPrior {
  const prior = { spread } as SegmentPrior;
  for (const q of QUANTITIES) prior[q.key] = q.den(s) ? q.num(s) / q.den(s) : q.fallback;
  return prior;
}

/**
 * Each segment's prior: the portfolio's, moved toward the segment's own mean by
 * how much segments really differ, judged on their customers (segment-shrinkage.ts).
 */
function segmentPriors(customersBySegment: ReadonlyMap<string, PriorSums[]>, portfolio: SegmentPrior): Record<string, SegmentPrior> {
  const names = [...customersBySegment.keys()];
  const groups = names.map((name) => customersBySegment.get(name)!);
  const priors = names.map(() => ({ ...portfolio }));
  for (const q of QUANTITIES) {
    const weights = segmentWeights(groups.map((customers) => customers.map((c) => ({ sum: q.num(c), count: q.den(c) }))));
    groups.forEach((customers, i) => {
      const den = customers.reduce((a, c) => a + q.den(c), 0);
      if (den) priors[i][q.key] += weights[i] * (customers.reduce((a, c) => a + q.num(c), 0) / den - portfolio[q.key]);
    });
  }
  return Object.fromEntries(names.map((name, i) => [name, priors[i]]));
}

/**
 * Within-customer spread of adjusted offsets, and the shrinkage pseudo-count
 * k = within variance / between-customer variance (method of moments): with
 * customers as different as in most books, a few invoices already say a lot.
 */
function varianceComponents(labeled: readonly Labeled[], effects: InvoiceEffects): { spread: number; shrinkage: number } {
  let within = 0;
  let withinDf = 0;
  const means: number[] = [];
  const invN: number[] = [];
  for (const group of groupByCustomer(labeled)) {
    const adj = group.map(({ invoice, offset }) => offset - (invoice.disputed ? effects.disputed : 0) - (invoice.paperless === false ? effects.paper : 0));
    const m = adj.reduce((a, b) => a + b, 0) / adj.length;
    for (const a of adj) within += (a - m) * (a - m);
    withinDf += adj.length - 1;
    if (adj.length >= 2) {
      means.push(m);
      invN.push(1 / adj.length);
    }
  }
  const sigma2 = withinDf > 0 ? within / withinDf : 25;
  if (means.length < 2) return { spread: Math.sqrt(sigma2), shrinkage: 3 };
  const grand = means.reduce((a, b) => a + b, 0) / means.length;
  const varMeans = means.reduce((a, b) => a + (b - grand) * (b - grand), 0) / (means.length - 1);
  const tau2 = Math.max(varMeans - (sigma2 * invN.reduce((a, b) => a + b, 0)) / invN.length, sigma2 / 20);
  return { spread: Math.sqrt(sigma2), shrinkage: Math.min(Math.max(sigma2 / tau2, 0.25), 20) };
}

/** Share of all payments above which the due date is an atom, beyond the density of the days either side. */
const DUE_DAY_ATOM_EXCESS = 0.03;
const DUE_DAY_ATOM_MIN_PAYMENTS = 30;

/**
 * Do payments pile up on the due date itself (direct debits, payers who pay on
 * the day; the Friday before when it falls on a weekend) more than on the days
 * either side? A smooth distribution cannot
 * hold such a pile: it spreads it over the next days, and every direct-debit
 * customer looked a third likely to pay late.
 */
export function hasDueDayAtom(labeled: readonly Labeled[]): boolean {
  let onDay = 0;
  let beside = 0;
  for (const l of labeled) {
    const away = l.offset - dueBusinessDayOffset(dayOf(l.invoice.dueDate));
    if (away === 0) onDay++;
    else if (away === -1 || away === 1) beside++;
  }
  return onDay >= DUE_DAY_ATOM_MIN_PAYMENTS && (onDay - beside / 2) / labeled.length >= DUE_DAY_ATOM_EXCESS;
}

export function fitFeatureConfig(labeled: readonly Labeled[], effects: InvoiceEffects, maxPaymentMethods = 8): FeatureConfig {
  const { spread, shrinkage } = varianceComponents(labeled, effects);
  const all = emptySums();
  const byCustomer = new Map<string, { segment: string | null | undefined; sums: PriorSums }>();
  const methods = new Map<string, number>();
  for (const l of labeled) {
    accumulate(all, l, effects);
    let c = byCustomer.get(l.invoice.customerId);
    if (!c) byCustomer.set(l.invoice.customerId, (c = { segment: l.invoice.segment, sums: emptySums() }));
    accumulate(c.sums, l, effects);
    const m = l.invoice.paymentMethod;
    if (m) methods.set(m, (methods.get(m) ?? 0) + 1);
  }
  const customersBySegment = new Map<string, PriorSums[]>();
  for (const { segment, sums } of byCustomer.values()) {
    if (segment == null) continue;
    const list = customersBySegment.get(segment);
    if (list) list.push(sums);
    else customersBySegment.set(segment, [sums]);
  }
  const portfolio = portfolioPrior(all, spread);
  const segments = segmentPriors(customersBySegment, portfolio);
  const paymentMethods = [...methods.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, maxPaymentMethods).map(([m]) => m);
  return { effects, portfolio, segments, shrinkage, paymentMethods, ...(hasDueDayAtom(labeled) ? { dueDayAtom: true } : {}) };
}
