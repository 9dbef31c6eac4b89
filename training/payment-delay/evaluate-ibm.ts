// Payment-delay evaluation on the real IBM accounts-receivable sample.
//   npx tsx training/payment-delay/evaluate-ibm.ts
// Protocols (no leakage: every feature is built only from invoices settled before
// the scored invoice's scoring date):
// - validation (where design choices were checked, never on 2013): train on
//   invoices issued before 2012-07-01, validate on 2012-H2, history pool cut at
//   2013-01-01. The candidate feature groups, the selection rule and the
//   maturity filter were compared here only (and on the synthetic world).
// - model selection inside every fit: the location model's feature groups are
//   chosen on the latest 30 % of that fit's own (mature) training invoices
//   (fit.ts, selection.ts), so each protocol below selects without seeing its test.
// - chronological (the headline, reported once): train on invoices issued before
//   2013-01-01, test on 2013 invoices scored as of their issue date. Test features
//   may use 2013 invoices settled before that date: rolling scoring, as in production.
// - customer-grouped: 5 folds of customers; train on 4, test on the held-out
//   customers (whose own history still builds up invoice by invoice).
// - cold start: the same held-out invoices, restricted to those scored when their
//   customer had no (or at most two) settled invoices: a new customer's first
//   invoices, on which only the portfolio, the segment (country) and the invoice
//   itself can speak (cold-start.ts; the same on the world: cold-start-world.ts).
//   Read the within-fold AUC: pooled over folds, cold-start rankings sit below 0.5
//   by construction (each fold's portfolio is fitted on the other customers).
// - due-date rescoring: 2013 invoices still unpaid on their due date, scored as of
//   that date, to show what conditioning on "not paid yet" buys.
// - expected cash per week: the open 2013 invoices scored every Monday of 2013,
//   four weeks ahead, against the cash they brought in (cash-backtest.ts).
// Reference points: the naive baselines, and two LEAKY ceilings (in-sample, and
// leave-one-out: every other invoice of the customer, future ones included) that
// bound what customer-level behaviour can explain on this file.
// Late / not-late ranking, what was tried to lift it (late-candidates.ts, on
// validation and grouped only; ±: paired standard error, bootstrap over customers):
// on this file the offset is customer level + dispute + paper + iid noise
// (lag-1 autocorrelation of within-customer residuals −0.02), so
// nothing beyond the customer's level was left to use. Blending P(late) with the
// customer's shrunk late rate split by Disputed, or stacking it in a logistic
// model: |Δ| ≤ 0.0009 on both (a logistic model on history features alone, without
// the distribution: −0.0031 / −0.0033). Per-customer dispersion or dispute effect: no
// information even in the LEAKY leave-one-out (0.9430 and 0.9436 against 0.9441
// for the customer mean alone). A posterior-predictive scale (noise plus the
// customer effect's uncertainty) instead of the dispersion model: validation
// +0.0021 ± 0.0011, grouped +0.0001 ± 0.0002. With temporary one-line edits:
// forcing the openInvoices group into the location model +0.0021 ± 0.0029 /
// +0.0012 ± 0.0008, disputeHistory +0.0025 ± 0.0023 / +0.0003 ± 0.0005;
// shrinkage ×0.5 / ×2 / ×4 +0.0003 / −0.0004 / −0.0017 on validation; no country
// prior (cold start) −0.0009 / +0.0008; other dispersion inputs at best +0.0011 /
// +0.0000.
// None clears one standard error on both, the bar set before the test, so the
// model was left as it is. The two finalists were scored on 2013 once each:
// 0.9502 (posterior-predictive scale) and 0.9498 (openInvoices) against 0.9495,
// all inside the bootstrap interval.
// Later, the one leak-free input the model lacked: the customer's invoices still
// open and already overdue at the scoring date, counted in the level as censored
// offsets (at least the days already overdue; EM on a normal with the customer's
// spread, as an extra core column, with the open-invoice counts in the
// dispersion model). Validation +0.0012 ± 0.0010, grouped +0.0022 ± 0.0009,
// and at issue on the world seeds 1 and 7 better AUC, Brier, ECE and RMSE; on
// 2013 (scored once) 0.9497, RMSE 5.16, and on seed 1's invoices 30 days overdue
// paid by other methods, above P90 0.131 → 0.153: not kept (a patch, not in the
// repository). Counting open invoices not yet due as well lifted validation
// more but put new customers' mean P(late) at 0.215 against 0.202 on seed 1.
// Within a customer × Disputed × paper group, days to settle scatter like a
// Poisson count (2012 groups of 6+ invoices: sd 3.1 at a mean of 12 days, 6.3
// at 44): a Poisson scale with the customer effect's uncertainty scores
// validation +0.0032 ± 0.0015, grouped +0.0002 ± 0.0003.
// Prints a table, then one JSON line with the headline figures.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dayOf, isoOfDay } from '../../src/ml/payment-delay/dates.js';
import { forecastMetrics, scoreDataset, type ScoredInvoice } from '../../src/ml/payment-delay/evaluation.js';
import { DEFAULT_OPTIONS, fitPaymentDelay, issueDateTargets, type PaymentDelayState } from '../../src/ml/payment-delay/fit.js';
import { calibration } from '../../src/ml/payment-delay/metrics.js';
import type { Metrics } from '../../src/ml/model.js';
import { PaymentDelayPredictor } from '../../src/ml/payment-delay/predictor.js';
import type { FeatureRequest } from '../../src/ml/payment-delay/types.js';
import { IBM_AR_CSV, IBM_AR_TEST_FROM, ibmArAvailable, loadIbmAr, type IbmInvoice } from '../datasets/ibm-ar.js';
import { cashBacktest, mondays } from './cash-backtest.js';
import { coldStartLines, coldStartMetrics, scoreByCustomerFolds, type ColdStartMetrics } from './cold-start.js';
import { bootstrapAuc, groupNoiseFloor, inSampleCeiling, leaveOneOutCeiling, pastLateRateBaseline } from './baselines.js';
import { scriptOptions } from '../cli/options.js';

/** Last as-of date of the cash backtest (exclusive), so its four weeks end in 2013. */
const CASH_BACKTEST_LAST_AS_OF = '2013-12-02';

/** Validation slice of the training period: fit before it, validate from it to the test cut. */
export const IBM_AR_VALIDATION_FROM = '2012-07-01';

export interface IbmEvaluation {
  /** The human-readable table. */
  lines: string[];
  /** Headline figures (the final JSON line). */
  summary: Record<string, unknown>;
}

interface Split {
  all: IbmInvoice[];
  train: IbmInvoice[];
  test: IbmInvoice[];
}


interface Fitted {
  state: PaymentDelayState;
  scored: ScoredInvoice[];
}

function chronological({ all, train, test }: Split, useDisputed: boolean): Fitted {
  const state = fitPaymentDelay(train, issueDateTargets(train), { ...DEFAULT_OPTIONS, useDisputed });
  return { state, scored: scoreDataset(new PaymentDelayPredictor(state), { invoices: all, targets: issueDateTargets(test) }) };
}

/** The same protocol inside the training period: nothing issued on or after the test cut is read. */
function validationSplit({ train }: Split): Split {
  return {
    all: train,
    train: train.filter((inv) => inv.issueDate < IBM_AR_VALIDATION_FROM),
    test: train.filter((inv) => inv.issueDate >= IBM_AR_VALIDATION_FROM),
  };
}

/** 2013 invoices still open on the morning of their due date (+ `days`), scored then. */
function rescoredAfterDue({ all, train, test }: Split, days: number): { conditioned: ScoredInvoice[]; atIssue: ScoredInvoice[] } {
  const state = fitPaymentDelay(train, issueDateTargets(train), DEFAULT_OPTIONS);
  const predictor = new PaymentDelayPredictor(state);
  const open = test.filter((inv) => dayOf(inv.settledDate!) >= dayOf(inv.dueDate) + days);
  const targets: FeatureRequest[] = open.map((invoice) => ({ invoice, asOf: isoOfDay(dayOf(invoice.dueDate) + days) }));
  return {
    conditioned: scoreDataset(predictor, { invoices: all, targets }),
    atIssue: scoreDataset(predictor, { invoices: all, targets: issueDateTargets(open) }),
  };
}

interface Results {
  split: Split;
  validation: Metrics;
  validationNoDispute: Metrics;
  chronological: Metrics;
  chronologicalNoDispute: Metrics;
  states: { withDispute: PaymentDelayState; noDispute: PaymentDelayState };
  grouped: Metrics;
  groupedNoDispute: Metrics;
  /** Held-out customers' invoices scored with no / at most two settled invoices of their own. */
  coldStart: { none: ColdStartMetrics; upToTwo: ColdStartMetrics };
  scoresWithDispute: ScoredInvoice[];
  baseline: ReturnType<typeof pastLateRateBaseline>;
  ceiling: ReturnType<typeof inSampleCeiling>;
  looCeiling: ReturnType<typeof leaveOneOutCeiling>;
  noiseFloor: ReturnType<typeof groupNoiseFloor>;
  cash: ReturnType<typeof cashBacktest>;
  cashNoDispute: ReturnType<typeof cashBacktest>;
  aucCi95: { low: number; high: number };
  aucCi95NoDispute: { low: number; high: number };
  atDue: { conditioned: Metrics; atIssue: Metrics };
  after15: { conditioned: Metrics; atIssue: Metrics };
}

/** Weekly as-of dates through 2013, each four-week horizon ending within the year; 2013 invoices only. */
const cashOf = (state: PaymentDelayState, split: Split) =>
  cashBacktest(new PaymentDelayPredictor(state), split.all, { issuedFrom: IBM_AR_TEST_FROM, asOfDates: mondays(IBM_AR_TEST_FROM, CASH_BACKTEST_LAST_AS_OF) });

const bootstrapAucOf = (scored: readonly ScoredInvoice[]) =>
  bootstrapAuc(
    scored.map((s) => s.forecast.lateProbability),
    scored.map((s) => s.actualOffset > 0),
  );

function runProtocols(split: Split): Results {
  const withDispute = chronological(split, true);
  const noDispute = chronological(split, false);
  const scoresWithDispute = withDispute.scored;
  const validation = validationSplit(split);
  const grouped = scoreByCustomerFolds(split.all, true);
  const rescore = (days: number) => {
    const { conditioned, atIssue } = rescoredAfterDue(split, days);
    return { conditioned: forecastMetrics(conditioned), atIssue: forecastMetrics(atIssue) };
  };
  return {
    split,
    validation: forecastMetrics(chronological(validation, true).scored),
    validationNoDispute: forecastMetrics(chronological(validation, false).scored),
    chronological: forecastMetrics(scoresWithDispute),
    chronologicalNoDispute: forecastMetrics(noDispute.scored),
    states: { withDispute: withDispute.state, noDispute: noDispute.state },
    grouped: forecastMetrics(grouped.scored),
    groupedNoDispute: forecastMetrics(scoreByCustomerFolds(split.all, false).scored),
    coldStart: { none: coldStartMetrics(split.all, grouped, 0), upToTwo: coldStartMetrics(split.all, grouped, 2) },
    scoresWithDispute,
    baseline: pastLateRateBaseline(split.all, split.test),
    ceiling: inSampleCeiling(split.all, split.test),
    looCeiling: leaveOneOutCeiling(split.all, split.test),
    noiseFloor: groupNoiseFloor(split.all),
    cash: cashOf(withDispute.state, split),
    cashNoDispute: cashOf(noDispute.state, split),
    aucCi95: bootstrapAucOf(scoresWithDispute),
    aucCi95NoDispute: bootstrapAucOf(noDispute.scored),
    atDue: rescore(0),
    after15: rescore(15),
  };
}

const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '—');

function selectionText(state: PaymentDelayState): string {
  const s = state.selection;
  return s ? `${s.groups.join(' + ')} (hold-out RMSE offset ${f(s.holdOutRmse, 2)}, core ${f(s.holdOutRmseCore, 2)}, n=${s.holdOutRows})` : 'every group';
}

function table(r: Results): string[] {
  const { all, train, test } = r.split;
  const m = r.chronological;
  const out = [
    `IBM AR sample: ${all.length} invoices, ${new Set(all.map((i) => i.customerId)).size} customers; train ${train.length} (issued < ${IBM_AR_TEST_FROM}), test ${test.length}`,
    '',
    'protocol                              n     AUC     acc    macroF1  RMSE dts  MAE dts  ECE    Brier  P10-P90 cover',
  ];
  const rows: [string, Metrics][] = [
    ['validation 2012-H2, with Disputed', r.validation],
    ['validation 2012-H2, without Disputed', r.validationNoDispute],
    ['chronological, with Disputed', m],
    ['chronological, without Disputed', r.chronologicalNoDispute],
    ['customer 5-fold, with Disputed', r.grouped],
    ['customer 5-fold, without Disputed', r.groupedNoDispute],
  ];
  for (const [name, x] of rows) {
    out.push(
      `${name.padEnd(36)} ${String(x.n).padStart(5)}  ${f(x.auc, 4)}  ${f(x.accuracy)}  ${f(x.macroF1)}    ${f(x.rmseDaysToSettle, 2).padStart(5)}    ${f(x.maeDaysToSettle, 2).padStart(5)}  ${f(x.ece)}  ${f(x.brier)}  ${f(x.coverageP10P90)}`,
    );
  }
  out.push(
    '',
    `F1 per class (chronological, with Disputed): on time ${f(m.f1OnTime)}, 1-30 days late ${f(m.f1Late1to30)}, over 30 days late ${f(m.f1LateOver30)} (${m.lateOver30Count} such invoices in the test set)`,
    `AUC 95% bootstrap interval (chronological): with Disputed ${f(r.aucCi95.low)} .. ${f(r.aucCi95.high)}, without ${f(r.aucCi95NoDispute.low)} .. ${f(r.aucCi95NoDispute.high)}`,
    `location model chosen on the latest 30% of the training invoices: ${selectionText(r.states.withDispute)} (with Disputed); ${selectionText(r.states.noDispute)} (without)`,
    '',
    ...coldStartLines([
      ['no settled invoice yet', r.coldStart.none],
      ['at most 2 settled invoices', r.coldStart.upToTwo],
    ]),
    '',
    'baselines on the 2013 test set',
    `  always on time:                 accuracy ${f(1 - m.lateRate)} (0.644 over the whole file)`,
    `  customer's past late rate:      AUC ${f(r.baseline.auc)}  accuracy ${f(r.baseline.accuracy)}`,
    `  customer's past mean days to settle: RMSE ${f(r.baseline.rmseDaysToSettle, 2)}`,
    `  LEAKY in-sample ceiling (customer + Disputed + paper means fitted on all invoices, test included): AUC ${f(r.ceiling.auc, 4)}  RMSE ${f(r.ceiling.rmseDaysToSettle, 2)}`,
    `  LEAKY leave-one-out ceiling (every other invoice of the customer, later ones included): AUC ${f(r.looCeiling.auc, 4)}  RMSE ${f(r.looCeiling.rmseDaysToSettle, 2)}`,
    `  LEAKY noise floor (spread around each customer x Disputed x paper group's own mean, ${r.noiseFloor.groups} groups, unbiased): RMSE ${f(r.noiseFloor.rmseDaysToSettle, 2)}`,
    '',
    'rescoring later: 2013 invoices still unpaid on the morning of a date, scored then vs. at issue',
    `  at due date (n=${r.atDue.conditioned.n}):      RMSE days to settle ${f(r.atDue.conditioned.rmseDaysToSettle, 2)} (at issue ${f(r.atDue.atIssue.rmseDaysToSettle, 2)}), AUC late ${f(r.atDue.conditioned.auc)}, P10-P90 cover ${f(r.atDue.conditioned.coverageP10P90)}`,
    `  15 days after due (n=${r.after15.conditioned.n}): RMSE days to settle ${f(r.after15.conditioned.rmseDaysToSettle, 2)} (at issue ${f(r.after15.atIssue.rmseDaysToSettle, 2)}), P10-P90 cover ${f(r.after15.conditioned.coverageP10P90)}`,
    '',
    `expected cash per week (the cash-forecast report): open 2013 invoices scored each Monday of 2013 (${r.cash.asOfDates} dates), ${r.cash.weeks} weeks ahead, against what they brought in`,
    `  weighted absolute error per week: model ${f(r.cash.wape)} (without Disputed ${f(r.cashNoDispute.wape)}), every invoice paid on its due date ${f(r.cash.wapeDueDate)}, each customer's past mean delay ${f(r.cash.wapePastMeanDelay)}`,
    '',
    'reliability (chronological, with Disputed): predicted → observed late rate (count)',
  );
  const late = r.scoresWithDispute.map((s) => s.actualOffset > 0);
  for (const b of calibration(r.scoresWithDispute.map((s) => s.forecast.lateProbability), late).bins) {
    out.push(`  ${f(b.from, 1)}-${f(b.to, 1)}: ${f(b.meanPredicted)} → ${f(b.observedRate)} (${b.count})`);
  }
  return out;
}

function summary(r: Results, seconds: number): Record<string, unknown> {
  const m = r.chronological;
  return {
    dataset: 'ibm-ar',
    protocol: 'chronological',
    n: m.n,
    auc: m.auc,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    rmseDaysToSettle: m.rmseDaysToSettle,
    ece: m.ece,
    coverageP10P90: m.coverageP10P90,
    aucCi95: [r.aucCi95.low, r.aucCi95.high],
    baselineAuc: r.baseline.auc,
    baselineAccuracyAlwaysOnTime: 1 - m.lateRate,
    baselineAccuracyPastLateRate: r.baseline.accuracy,
    baselineRmseDaysToSettle: r.baseline.rmseDaysToSettle,
    aucNoDispute: r.chronologicalNoDispute.auc,
    aucCi95NoDispute: [r.aucCi95NoDispute.low, r.aucCi95NoDispute.high],
    accuracyNoDispute: r.chronologicalNoDispute.accuracy,
    macroF1NoDispute: r.chronologicalNoDispute.macroF1,
    rmseDaysToSettleNoDispute: r.chronologicalNoDispute.rmseDaysToSettle,
    groupedAuc: r.grouped.auc,
    groupedAccuracy: r.grouped.accuracy,
    groupedRmseDaysToSettle: r.grouped.rmseDaysToSettle,
    groupedAucNoDispute: r.groupedNoDispute.auc,
    groupedRmseDaysToSettleNoDispute: r.groupedNoDispute.rmseDaysToSettle,
    coldStartN: r.coldStart.none.n,
    coldStartAuc: r.coldStart.none.auc,
    coldStartWithinFoldAuc: r.coldStart.none.withinFoldAuc,
    coldStartSegmentPriorAuc: r.coldStart.none.segmentPriorAuc,
    coldStartRmseDaysToSettle: r.coldStart.none.rmseDaysToSettle,
    coldStartMeanPredictedLate: r.coldStart.none.meanPredictedLate,
    coldStartObservedLateRate: r.coldStart.none.observedLateRate,
    coldStart2N: r.coldStart.upToTwo.n,
    coldStart2Auc: r.coldStart.upToTwo.auc,
    coldStart2WithinFoldAuc: r.coldStart.upToTwo.withinFoldAuc,
    coldStart2RmseDaysToSettle: r.coldStart.upToTwo.rmseDaysToSettle,
    coldStart2MeanPredictedLate: r.coldStart.upToTwo.meanPredictedLate,
    coldStart2ObservedLateRate: r.coldStart.upToTwo.observedLateRate,
    // Whether training saw a pile of payments on the due date (fit.ts step 5), and the share paid then.
    dueDayAtom: r.states.withDispute.features.dueDayAtom === true,
    trainDueDayShare: r.states.withDispute.features.portfolio.dueDayShare,
    leakyCeilingAuc: r.ceiling.auc,
    leakyCeilingRmseDaysToSettle: r.ceiling.rmseDaysToSettle,
    leaveOneOutCeilingAuc: r.looCeiling.auc,
    leaveOneOutCeilingRmseDaysToSettle: r.looCeiling.rmseDaysToSettle,
    noiseFloorRmseDaysToSettle: r.noiseFloor.rmseDaysToSettle,
    validationAuc: r.validation.auc,
    validationRmseDaysToSettle: r.validation.rmseDaysToSettle,
    validationAucNoDispute: r.validationNoDispute.auc,
    validationRmseDaysToSettleNoDispute: r.validationNoDispute.rmseDaysToSettle,
    locationGroups: r.states.withDispute.selection?.groups ?? null,
    locationGroupsNoDispute: r.states.noDispute.selection?.groups ?? null,
    dueDateRmseDaysToSettle: r.atDue.conditioned.rmseDaysToSettle,
    cashWape: r.cash.wape,
    cashWapeNoDispute: r.cashNoDispute.wape,
    cashWapeDueDate: r.cash.wapeDueDate,
    cashWapePastMeanDelay: r.cash.wapePastMeanDelay,
    seconds,
  };
}

/** Run every protocol on the IBM sample; throws if the shared data file is absent. */
export function evaluatePaymentDelayOnIbm(path = IBM_AR_CSV): IbmEvaluation {
  const started = performance.now();
  const all = loadIbmAr(path);
  const split: Split = {
    all,
    train: all.filter((inv) => inv.issueDate < IBM_AR_TEST_FROM),
    test: all.filter((inv) => inv.issueDate >= IBM_AR_TEST_FROM),
  };
  const results = runProtocols(split);
  const seconds = (performance.now() - started) / 1000;
  return { lines: [...table(results), '', `${f(seconds, 1)} s`], summary: summary(results, seconds) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // A fixed protocol: it takes no option, and one given is refused rather than ignored.
  scriptOptions({});
  if (!ibmArAvailable()) {
    console.error(`IBM accounts-receivable sample not found at ${IBM_AR_CSV} (set IBM_AR_CSV): nothing to evaluate.`);
    process.exit(2);
  }
  const { lines, summary } = evaluatePaymentDelayOnIbm();
  for (const line of lines) console.log(line);
  console.log(JSON.stringify(summary));
}
