// Payment-method shift: "paid monthly by cheque, now smaller card payments".
// A payment is affected when its method is rare in the customer's baseline
// (Dirichlet-smoothed toward the segment's method shares, so a short history
// does not make every method look new). Smaller instalments (Laplace on log
// amounts) and a change of rhythm (days between payments) add to the evidence
// of affected payments and is reported, but alone neither raises an alert:
// in B2B, partial payments and several invoices paid at once move them all
// the time (measured on the synthetic world: most false alerts came from them).
import type { DriftConfig } from '../config.js';
import { dateOfDay } from '../dates.js';
import { amount as fmtAmount, plural, percent, round } from '../format.js';
import type { PaymentSequence } from '../prepare.js';
import { laplaceTailDistance, medianOf, robustSummary, shrunkScale, type RobustSummary } from '../stats.js';
import type { DriftSignal, MethodBaseline, MethodRecent, SegmentPrior } from '../types.js';
import { searchRun } from './run.js';
import { capped, signalScore } from './score.js';
import { methodWords } from '../../../util/words.js';

/** Share given to a method the segment has never used. */
const UNSEEN_METHOD_SHARE = 0.01;

interface Sizes {
  logAmount: RobustSummary;
  amountScale: number;
  logGap: RobustSummary;
  gapScale: number;
}

interface Baseline {
  n: number;
  counts: Map<string, number>;
  /** Amount and rhythm summaries, computed only when a payment needs them (most never do). */
  sizes: () => Sizes;
}

function baselineOf(p: PaymentSequence, nb: number, prior: SegmentPrior, config: DriftConfig): Baseline {
  const counts = new Map<string, number>();
  for (let i = 0; i < nb; i++) counts.set(p.method[i], (counts.get(p.method[i]) ?? 0) + 1);
  let sizes: Sizes | null = null;
  return {
    n: nb,
    counts,
    sizes: () => (sizes ??= sizesOf(p, nb, prior, config)),
  };
}

function sizesOf(p: PaymentSequence, nb: number, prior: SegmentPrior, config: DriftConfig): Sizes {
  const logAmounts: number[] = [];
  for (let i = 0; i < nb; i++) logAmounts.push(Math.log(p.amount[i]));
  const logGaps: number[] = [];
  for (let i = 1; i < nb; i++) logGaps.push(Math.log(Math.max(1, p.day[i] - p.day[i - 1])));
  const logAmount = robustSummary(logAmounts);
  const logGap = robustSummary(logGaps);
  const k = config.scalePriorStrength;
  const floor = config.method.minScaleLog;
  return {
    logAmount,
    amountScale: shrunkScale(logAmount, prior.logPaymentAmountScale, k, floor, config.smallSampleWidening),
    logGap,
    gapScale: shrunkScale(logGap, prior.logPaymentGapScale, k, floor, config.smallSampleWidening),
  };
}

/**
 * Dirichlet-multinomial predictive share of a method: the baseline counts,
 * the segment's shares as `strength` pseudo-payments, and the recent payments
 * already seen (a second card payment is less surprising than the first).
 */
function methodShare(
  base: Baseline,
  method: string,
  prior: SegmentPrior,
  strength: number,
  seen = 0,
  seenTotal = 0,
): number {
  const priorShare = prior.paymentMethodShares[method] ?? UNSEEN_METHOD_SHARE;
  return ((base.counts.get(method) ?? 0) + seen + strength * priorShare) / (base.n + seenTotal + strength);
}

/** Two-sided Laplace surprise of a log-scale deviation, 0 unless it is material. */
function deviationSurprise(deviation: number, scale: number, minLogRatio: number, config: DriftConfig): number {
  const d = Math.abs(deviation);
  if (d < Math.max(minLogRatio, laplaceTailDistance(scale, config.itemTailProbability))) return 0;
  return (Math.LOG10E * d) / scale;
}

function runOf(p: PaymentSequence, from: number, base: Baseline, prior: SegmentPrior, config: DriftConfig) {
  let evidence = 0;
  let allAffected = true;
  const seen = new Map<string, number>();
  for (let i = from; i < p.n; i++) {
    const method = p.method[i];
    const seenBefore = seen.get(method) ?? 0;
    seen.set(method, seenBefore + 1);
    if (methodShare(base, method, prior, config.priorStrength) >= config.method.rareShare) {
      allAffected = false;
      continue;
    }
    const predictive = methodShare(base, method, prior, config.priorStrength, seenBefore, i - from);
    const { logAmount, amountScale, logGap, gapScale } = base.sizes();
    // Only smaller payments count: paying more at once is no warning sign.
    const shrink = logAmount.n > 0 ? Math.min(0, Math.log(p.amount[i]) - logAmount.median) : 0;
    const amountSurprise = deviationSurprise(shrink, amountScale, Math.log(config.method.minAmountRatio), config);
    let gapSurprise = 0;
    if (logGap.n > 0 && i > 0) {
      const gap = Math.log(Math.max(1, p.day[i] - p.day[i - 1]));
      gapSurprise = deviationSurprise(gap - logGap.median, gapScale, Math.log(config.method.minGapRatio), config);
    }
    evidence += capped(-Math.log10(predictive) + amountSurprise + gapSurprise, config.maxItemEvidence);
  }
  return { evidence, allAffected };
}

export function detectMethodShift(
  payments: PaymentSequence,
  prior: SegmentPrior,
  config: DriftConfig,
): DriftSignal<'method_shift'> {
  const n = payments.n;
  const persistence = config.persistence.method_shift;
  const threshold = config.evidenceThreshold.method_shift;

  const { length, base, evidence, found } = searchRun(
    n,
    persistence,
    config.method.maxRecentItems,
    config.minBaselineItems,
    (end) => baselineOf(payments, end, prior, config),
    (from, b) => {
      const run = runOf(payments, from, b, prior, config);
      return { evidence: run.evidence, holds: run.allAffected };
    },
  );
  const flag = found && evidence >= threshold;
  const baseline = summariseBaseline(base, payments);
  const recent = summariseRecent(payments, n - length);
  return {
    kind: 'method_shift',
    score: signalScore(evidence, flag, threshold),
    flag,
    evidence,
    changeDate: flag ? dateOfDay(payments.day[n - length]) : null,
    baselineItems: base.n,
    segmentWeight: config.priorStrength / (base.n + config.priorStrength),
    detail: { baseline, recent },
    text: describe(baseline, recent, flag),
  };
}

/**
 * Median amount of payments from..to and median gap between them (each gap
 * ending at one of them, from the payment after `gapsFrom`), in the same plain
 * terms for the baseline and the recent run.
 */
function plainMedians(p: PaymentSequence, from: number, to: number, gapsFrom = from): { medianAmount: number | null; medianGapDays: number | null } {
  const amounts: number[] = [];
  const gaps: number[] = [];
  for (let i = from; i < to; i++) {
    amounts.push(p.amount[i]);
    if (i > gapsFrom) gaps.push(p.day[i] - p.day[i - 1]);
  }
  return { medianAmount: amounts.length ? medianOf(amounts) : null, medianGapDays: gaps.length ? round(medianOf(gaps)) : null };
}

function summariseBaseline(base: Baseline, p: PaymentSequence): MethodBaseline {
  let mainMethod: string | null = null;
  let mainCount = 0;
  for (const [m, c] of [...base.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (c > mainCount) [mainMethod, mainCount] = [m, c];
  }
  return {
    payments: base.n,
    mainMethod,
    mainMethodShare: base.n ? mainCount / base.n : 0,
    // The model reads logs (and floors gaps at a day); a collector reads plain medians.
    ...plainMedians(p, 0, base.n),
  };
}

function summariseRecent(p: PaymentSequence, from: number): MethodRecent {
  const methods: Record<string, number> = {};
  for (let i = from; i < p.n; i++) methods[p.method[i]] = (methods[p.method[i]] ?? 0) + 1;
  return {
    payments: p.n - from,
    methods: Object.fromEntries(Object.entries(methods).sort(([a], [b]) => (a < b ? -1 : 1))),
    // The first recent gap is measured from the last baseline payment.
    ...plainMedians(p, from, p.n, Math.max(0, from - 1)),
  };
}

function describe(b: MethodBaseline, r: MethodRecent, flag: boolean): string {
  const rhythm = (gap: number | null) => (gap === null ? '' : gap === 0 ? ', several on the same day' : `, about every ${plural(gap, 'day')}`);
  const usual =
    b.payments === 0
      ? 'no earlier payment'
      : `usually pays by ${methodWords(b.mainMethod)} (${b.payments === 1 ? 'the only' : `${percent(b.mainMethodShare)} of ${b.payments}`} payment${b.payments === 1 ? '' : 's'}, median ${fmtAmount(b.medianAmount ?? 0)}${rhythm(b.medianGapDays)})`;
  if (r.payments === 0) return `${usual}; no payment yet`;
  const methods = Object.entries(r.methods)
    .sort(([, a], [, c]) => c - a)
    .map(([m, c]) => (c === r.payments ? methodWords(m) : `${methodWords(m)} ×${c}`))
    .join(', ');
  const last = `last ${plural(r.payments, 'payment')} by ${methods}, median ${fmtAmount(r.medianAmount ?? 0)}${rhythm(r.medianGapDays)}`;
  return flag ? `${usual}; ${last}` : `${usual}; ${last}: no lasting change`;
}
