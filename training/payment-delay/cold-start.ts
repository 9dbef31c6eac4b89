// Cold start: how the model does on a new customer's first invoices, scored when
// that customer had no (or almost no) settled invoice yet. Measured on held-out
// customers (customer folds), so neither the customer nor anything they paid was
// seen in training: only the portfolio, their segment and the invoice itself.
import { dayOf } from '../../src/ml/payment-delay/dates.js';
import type { ScoredInvoice } from '../../src/ml/payment-delay/evaluation.js';
import { DEFAULT_OPTIONS, fitPaymentDelay, issueDateTargets } from '../../src/ml/payment-delay/fit.js';
import { priorFor } from '../../src/ml/payment-delay/features.js';
import { auc, rmse } from '../../src/ml/payment-delay/metrics.js';
import { PaymentDelayPredictor } from '../../src/ml/payment-delay/predictor.js';
import { scoreDataset } from '../../src/ml/payment-delay/evaluation.js';
import type { FeatureRequest, InvoiceRecord } from '../../src/ml/payment-delay/types.js';
import { customerFolds } from './baselines.js';

/** Held-out invoices scored by the fold model, with what the segment prior alone said. */
export interface GroupedScores {
  scored: ScoredInvoice[];
  /** Late rate of the scored invoice's segment prior in its fold's model. */
  segmentPriorLateRate: number[];
  /** Fold of each scored invoice. */
  fold: number[];
}

/** Customer folds: fit on the other folds, score each held-out customer's invoices as of their issue date. */
export function scoreByCustomerFolds(all: readonly InvoiceRecord[], useDisputed = true, folds = 5): GroupedScores {
  const out: GroupedScores = { scored: [], segmentPriorLateRate: [], fold: [] };
  const foldOf = customerFolds(all, folds);
  for (let f = 0; f < folds; f++) {
    const fitOn = all.filter((inv) => foldOf.get(inv.customerId) !== f);
    const heldOut = all.filter((inv) => foldOf.get(inv.customerId) === f);
    const state = fitPaymentDelay(fitOn, issueDateTargets(fitOn), { ...DEFAULT_OPTIONS, useDisputed });
    const scored = scoreDataset(new PaymentDelayPredictor(state), { invoices: heldOut, targets: issueDateTargets(heldOut) });
    out.scored.push(...scored);
    out.fold.push(...scored.map(() => f));
    out.segmentPriorLateRate.push(...scored.map((s) => priorFor(state.features, s.request.invoice.segment).lateRate));
  }
  return out;
}

/** How many of the customer's own invoices were settled strictly before each request's scoring date. */
export function settledBeforeCounts(all: readonly InvoiceRecord[], requests: readonly FeatureRequest[]): number[] {
  const settleDays = new Map<string, number[]>();
  for (const inv of all) {
    if (inv.settledDate == null) continue;
    const days = settleDays.get(inv.customerId) ?? [];
    days.push(dayOf(inv.settledDate));
    settleDays.set(inv.customerId, days);
  }
  for (const days of settleDays.values()) days.sort((a, b) => a - b);
  return requests.map(({ invoice, asOf }) => {
    const days = settleDays.get(invoice.customerId) ?? [];
    const cut = dayOf(asOf);
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid] < cut) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

export interface ColdStartMetrics {
  n: number;
  customers: number;
  auc: number;
  /**
   * AUC within each fold, averaged weighted by invoices. The pooled AUC also
   * ranks folds against each other, and there each fold model's portfolio is
   * fitted on the other customers: when the held-out customers pay late, the
   * rest paid earlier, so pooled cold-start rankings are biased below 0.5 by
   * construction. A model trained on everyone and facing truly new customers
   * has no such bias; the within-fold AUC is the one to read.
   */
  withinFoldAuc: number;
  /** AUC of the segment prior's late rate alone on the same invoices. */
  segmentPriorAuc: number;
  rmseDaysToSettle: number;
  /** Calibration in the large: mean predicted P(late) against the observed late rate. */
  meanPredictedLate: number;
  observedLateRate: number;
}

function withinFoldAuc(fold: readonly number[], score: readonly number[], late: readonly boolean[]): number {
  let sum = 0;
  let weight = 0;
  for (const f of new Set(fold)) {
    const idx = fold.map((_, i) => i).filter((i) => fold[i] === f);
    const a = auc(idx.map((i) => score[i]), idx.map((i) => late[i]));
    if (Number.isFinite(a)) {
      sum += a * idx.length;
      weight += idx.length;
    }
  }
  return sum / weight;
}

/** Metrics on the invoices scored with at most `maxHistory` settled invoices of their customer. */
export function coldStartMetrics(all: readonly InvoiceRecord[], grouped: GroupedScores, maxHistory: number): ColdStartMetrics {
  const counts = settledBeforeCounts(all, grouped.scored.map((s) => s.request));
  const keep = grouped.scored.map((_, i) => i).filter((i) => counts[i] <= maxHistory);
  const scored = keep.map((i) => grouped.scored[i]);
  const late = scored.map((s) => s.actualOffset > 0);
  const pLate = scored.map((s) => s.forecast.lateProbability);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    n: scored.length,
    customers: new Set(scored.map((s) => s.request.invoice.customerId)).size,
    auc: auc(pLate, late),
    withinFoldAuc: withinFoldAuc(keep.map((i) => grouped.fold[i]), pLate, late),
    segmentPriorAuc: auc(keep.map((i) => grouped.segmentPriorLateRate[i]), late),
    rmseDaysToSettle: rmse(scored.map((s) => s.forecast.expectedDaysToSettle), scored.map((s) => s.actualDaysToSettle)),
    meanPredictedLate: mean(pLate),
    observedLateRate: mean(late.map((l) => (l ? 1 : 0))),
  };
}

const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '—');

/** One table row per history bound. */
export function coldStartLines(rows: readonly [string, ColdStartMetrics][]): string[] {
  return [
    'cold start (customer 5-fold, held-out customers scored with few settled invoices of their own)',
    '                                  n   cust   AUC    within-fold AUC  segment-prior AUC  RMSE dts  mean P(late) → observed',
    ...rows.map(
      ([name, m]) =>
        `  ${name.padEnd(28)} ${String(m.n).padStart(5)}  ${String(m.customers).padStart(5)}  ${f(m.auc, 4)}  ${f(m.withinFoldAuc, 4).padStart(15)}  ${f(m.segmentPriorAuc, 4).padStart(17)}  ${f(m.rmseDaysToSettle, 2).padStart(8)}  ${f(m.meanPredictedLate)} → ${f(m.observedLateRate)}`,
    ),
  ];
}
