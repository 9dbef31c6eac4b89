// Segment priors: what a customer of the segment usually looks like. Fitted on
// histories without any label (training = describing the portfolio), used to
// shrink a customer's baseline when its own history is short.
import { defaultDriftConfig, type DriftConfig } from './config.js';
import { prepareHistory, type PreparedHistory } from './prepare.js';
import { robustSummary, medianOf } from './stats.js';
import type { CustomerHistory, EngagementRates, SegmentPrior } from './types.js';

/** Used when nothing was fitted: B2B invoices, a few days late, rare disputes. */
export const builtInPrior: SegmentPrior = {
  segment: null,
  customers: 0,
  daysLate: { median: 5, scale: 3, between: 10 },
  paymentMethodShares: { transfer: 0.6, cheque: 0.15, card: 0.1, direct_debit: 0.15 },
  logPaymentAmountScale: 0.5,
  logPaymentGapScale: 0.4,
  engagement: { reply: 0.3, open: 0.5, click: 0.15, any: 0.55 },
  disputeRate: 0.05,
};

/** Own items a customer needs before its spread says something about the segment's. */
const MIN_ITEMS_FOR_SPREAD = 4;

interface CustomerSummary {
  medianDaysLate: number | null;
  scaleDaysLate: number | null;
  logAmountScale: number | null;
  logGapScale: number | null;
  methods: Map<string, number>;
  payments: number;
  rates: EngagementRates | null;
  disputeRate: number | null;
}

function summarise(p: PreparedHistory): CustomerSummary {
  const delays = p.delays.n >= 1 ? robustSummary(p.delays.daysLate) : null;
  const logAmounts = p.payments.amount.map(Math.log);
  const gaps: number[] = [];
  for (let i = 1; i < p.payments.n; i++) gaps.push(Math.log(Math.max(1, p.payments.day[i] - p.payments.day[i - 1])));
  const methods = new Map<string, number>();
  for (const m of p.payments.method) methods.set(m, (methods.get(m) ?? 0) + 1);
  const r = p.reminders;
  let rates: EngagementRates | null = null;
  if (r.n > 0) {
    let reply = 0, open = 0, click = 0, any = 0, emails = 0, readable = 0;
    for (let i = 0; i < r.n; i++) {
      reply += r.replied[i];
      any += r.replied[i] | r.opened[i] | r.clicked[i];
      if (!r.email[i]) continue;
      emails++;
      click += r.clicked[i];
      if (r.machineOpen[i]) continue;
      readable++;
      open += r.opened[i];
    }
    // Rates over the reminders that can show them: clicks over emails, opens over emails no proxy opened.
    const rate = (k: number, of: number) => (of ? k / of : NaN);
    rates = { reply: reply / r.n, open: rate(open, readable), click: rate(click, emails), any: any / r.n };
  }
  const d = p.disputes;
  let disputed = 0;
  for (let i = 0; i < d.n; i++) disputed += d.disputed[i];
  return {
    medianDaysLate: delays ? delays.median : null,
    scaleDaysLate: delays && delays.n >= MIN_ITEMS_FOR_SPREAD ? delays.mad / Math.LN2 : null,
    logAmountScale: logAmounts.length >= MIN_ITEMS_FOR_SPREAD ? robustSummary(logAmounts).mad / Math.LN2 : null,
    logGapScale: gaps.length >= MIN_ITEMS_FOR_SPREAD ? robustSummary(gaps).mad / Math.LN2 : null,
    methods,
    payments: p.payments.n,
    rates,
    disputeRate: d.n > 0 ? disputed / d.n : null,
  };
}

function present<T>(values: (T | null)[]): T[] {
  return values.filter((v): v is T => v !== null);
}

function known(values: number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}

function medianOr(values: number[], fallback: number): number {
  return values.length ? medianOf(values) : fallback;
}

function meanOr(values: number[], fallback: number): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : fallback;
}

function fitOne(segment: string | null, summaries: CustomerSummary[], fallback: SegmentPrior): SegmentPrior {
  const medians = present(summaries.map((s) => s.medianDaysLate));
  const median = medianOr(medians, fallback.daysLate.median);
  // τ of the empirical-Bayes shrinkage: robust spread of customers' medians.
  const between = medians.length >= 5 ? robustSummary(medians).mad * 1.4826 : fallback.daysLate.between;
  // Each customer's share of each method, averaged: one big payer does not define the segment.
  const shares: Record<string, number> = {};
  const payers = summaries.filter((s) => s.payments > 0);
  for (const s of payers) for (const [m, c] of s.methods) shares[m] = (shares[m] ?? 0) + c / s.payments / payers.length;
  const rates = present(summaries.map((s) => s.rates));
  return {
    segment,
    customers: summaries.length,
    daysLate: {
      median,
      scale: medianOr(present(summaries.map((s) => s.scaleDaysLate)), fallback.daysLate.scale),
      between: Math.max(1, between),
    },
    paymentMethodShares: payers.length ? sortKeys(shares) : fallback.paymentMethodShares,
    logPaymentAmountScale: medianOr(present(summaries.map((s) => s.logAmountScale)), fallback.logPaymentAmountScale),
    logPaymentGapScale: medianOr(present(summaries.map((s) => s.logGapScale)), fallback.logPaymentGapScale),
    engagement: rates.length
      ? {
          reply: meanOr(known(rates.map((r) => r.reply)), fallback.engagement.reply),
          open: meanOr(known(rates.map((r) => r.open)), fallback.engagement.open),
          click: meanOr(known(rates.map((r) => r.click)), fallback.engagement.click),
          any: meanOr(known(rates.map((r) => r.any)), fallback.engagement.any),
        }
      : fallback.engagement,
    disputeRate: meanOr(present(summaries.map((s) => s.disputeRate)), fallback.disputeRate),
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface FittedPriors {
  global: SegmentPrior;
  segments: Record<string, SegmentPrior>;
}

/**
 * Fits the global prior and one per segment with at least `minCustomers`
 * customers; smaller segments use the global one.
 */
export function fitSegmentPriors(
  histories: CustomerHistory[],
  config: DriftConfig = defaultDriftConfig,
  minCustomers = 30,
): FittedPriors {
  const bySegment = new Map<string, CustomerSummary[]>();
  const all: CustomerSummary[] = [];
  for (const h of histories) {
    const s = summarise(prepareHistory(h, config));
    all.push(s);
    if (h.segment) {
      const list = bySegment.get(h.segment) ?? [];
      list.push(s);
      bySegment.set(h.segment, list);
    }
  }
  const global = fitOne(null, all, builtInPrior);
  const segments: Record<string, SegmentPrior> = {};
  for (const [segment, list] of [...bySegment.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (list.length >= minCustomers) segments[segment] = fitOne(segment, list, global);
  }
  return { global, segments };
}

export function priorFor(priors: FittedPriors, segment: string | null | undefined): SegmentPrior {
  return (segment && priors.segments[segment]) || priors.global;
}
