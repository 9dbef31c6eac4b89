// Payment-delay evaluation on the real IBM accounts-receivable sample.
//   npx tsx training/payment-delay/evaluate-ibm.ts
// Protocols (no leakage: every feature is built only from invoices settled before
// the scored invoice's scoring date):
// - chronological: train on invoices issued before 2013-01-01, test on 2013
//   invoices scored as of their issue date. Test features may use 2013 invoices
//   settled before that date: rolling scoring, as in production.
// - customer-grouped: 5 folds of customers; train on 4, test on the held-out
//   customers (whose own history still builds up invoice by invoice).
// - due-date rescoring: 2013 invoices still unpaid on their due date, scored as of
//   that date, to show what conditioning on "not paid yet" buys.
// Prints a table, then one JSON line with the headline figures.
import { performance } from 'node:perf_hooks';
import { dayOf, isoOfDay } from '../../src/ml/payment-delay/dates.js';
import { forecastMetrics, scoreDataset, type ScoredInvoice } from '../../src/ml/payment-delay/evaluation.js';
import { DEFAULT_OPTIONS, fitPaymentDelay, issueDateTargets } from '../../src/ml/payment-delay/fit.js';
import { calibration } from '../../src/ml/payment-delay/metrics.js';
import { PaymentDelayPredictor } from '../../src/ml/payment-delay/predictor.js';
import type { FeatureRequest } from '../../src/ml/payment-delay/types.js';
import { IBM_AR_CSV, IBM_AR_TEST_FROM, ibmArAvailable, loadIbmAr } from '../datasets/ibm-ar.js';
import { bootstrapAuc, customerFolds, inSampleCeiling, pastLateRateBaseline } from './baselines.js';

if (!ibmArAvailable()) {
  console.error(`IBM accounts-receivable sample not found at ${IBM_AR_CSV} (set IBM_AR_CSV): nothing to evaluate.`);
  process.exit(2);
}

const started = performance.now();
const all = loadIbmAr();
const train = all.filter((inv) => inv.issueDate < IBM_AR_TEST_FROM);
const test = all.filter((inv) => inv.issueDate >= IBM_AR_TEST_FROM);

function chronological(useDisputed: boolean): ScoredInvoice[] {
  const state = fitPaymentDelay(train, issueDateTargets(train), { ...DEFAULT_OPTIONS, useDisputed });
  return scoreDataset(new PaymentDelayPredictor(state), { invoices: all, targets: issueDateTargets(test) });
}

function grouped(useDisputed: boolean, folds = 5): ScoredInvoice[] {
  const out: ScoredInvoice[] = [];
  const foldOf = customerFolds(all, folds);
  for (let f = 0; f < folds; f++) {
    const fitOn = all.filter((inv) => foldOf.get(inv.customerId) !== f);
    const heldOut = all.filter((inv) => foldOf.get(inv.customerId) === f);
    const state = fitPaymentDelay(fitOn, issueDateTargets(fitOn), { ...DEFAULT_OPTIONS, useDisputed });
    out.push(...scoreDataset(new PaymentDelayPredictor(state), { invoices: heldOut, targets: issueDateTargets(heldOut) }));
  }
  return out;
}

/** 2013 invoices still open on the morning of their due date (+ `days`), scored then. */
function rescoredAfterDue(days: number): { conditioned: ScoredInvoice[]; atIssue: ScoredInvoice[] } {
  const state = fitPaymentDelay(train, issueDateTargets(train), DEFAULT_OPTIONS);
  const predictor = new PaymentDelayPredictor(state);
  const open = test.filter((inv) => dayOf(inv.settledDate!) >= dayOf(inv.dueDate) + days);
  const targets: FeatureRequest[] = open.map((invoice) => ({ invoice, asOf: isoOfDay(dayOf(invoice.dueDate) + days) }));
  return {
    conditioned: scoreDataset(predictor, { invoices: all, targets }),
    atIssue: scoreDataset(predictor, { invoices: all, targets: issueDateTargets(open) }),
  };
}

const withDispute = chronological(true);
const noDispute = chronological(false);
const groupedWith = grouped(true);
const groupedNo = grouped(false);
const m = forecastMetrics(withDispute);
const mNo = forecastMetrics(noDispute);
const g = forecastMetrics(groupedWith);
const gNo = forecastMetrics(groupedNo);
const baseline = pastLateRateBaseline(all, test);
const ceiling = inSampleCeiling(all, test);
const ci = bootstrapAuc(
  withDispute.map((s) => s.forecast.lateProbability),
  withDispute.map((s) => s.actualOffset > 0),
);
const due0 = rescoredAfterDue(0);
const due15 = rescoredAfterDue(15);
const dueMetrics = forecastMetrics(due0.conditioned);
const dueAtIssue = forecastMetrics(due0.atIssue);
const due15Metrics = forecastMetrics(due15.conditioned);
const due15AtIssue = forecastMetrics(due15.atIssue);

const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const rows: [string, Record<string, number>][] = [
  ['chronological, with Disputed', m],
  ['chronological, without Disputed', mNo],
  ['customer 5-fold, with Disputed', g],
  ['customer 5-fold, without Disputed', gNo],
];
console.log(`IBM AR sample: ${all.length} invoices, ${new Set(all.map((i) => i.customerId)).size} customers; train ${train.length} (issued < ${IBM_AR_TEST_FROM}), test ${test.length}`);
console.log('\nprotocol                              n     AUC    acc    macroF1  RMSE dts  MAE dts  ECE    Brier  P10-P90 cover');
for (const [name, x] of rows) {
  console.log(
    `${name.padEnd(36)} ${String(x.n).padStart(5)}  ${f(x.auc)}  ${f(x.accuracy)}  ${f(x.macroF1)}    ${f(x.rmseDaysToSettle, 2).padStart(5)}    ${f(x.maeDaysToSettle, 2).padStart(5)}  ${f(x.ece)}  ${f(x.brier)}  ${f(x.coverageP10P90)}`,
  );
}
console.log(`\nAUC 95% bootstrap interval (chronological, with Disputed): ${f(ci.low)} .. ${f(ci.high)}`);
console.log('\nbaselines on the 2013 test set');
console.log(`  always on time:                 accuracy ${f(1 - m.lateRate)}`);
console.log(`  customer's past late rate:      AUC ${f(baseline.auc)}  accuracy ${f(baseline.accuracy)}`);
console.log(`  customer's past mean days to settle: RMSE ${f(baseline.rmseDaysToSettle, 2)}`);
console.log(`  LEAKY in-sample ceiling (customer + Disputed + paper means fitted on all 2,466 invoices incl. test): AUC ${f(ceiling.auc)}  RMSE ${f(ceiling.rmseDaysToSettle, 2)}`);
console.log('\nrescoring later: 2013 invoices still unpaid on the morning of a date, scored then vs. at issue');
console.log(`  at due date (n=${dueMetrics.n}):      RMSE days to settle ${f(dueMetrics.rmseDaysToSettle, 2)} (at issue ${f(dueAtIssue.rmseDaysToSettle, 2)}), AUC late ${f(dueMetrics.auc)}, P10-P90 cover ${f(dueMetrics.coverageP10P90)}`);
console.log(`  15 days after due (n=${due15Metrics.n}): RMSE days to settle ${f(due15Metrics.rmseDaysToSettle, 2)} (at issue ${f(due15AtIssue.rmseDaysToSettle, 2)}), P10-P90 cover ${f(due15Metrics.coverageP10P90)}`);
const reliability = calibration(withDispute.map((s) => s.forecast.lateProbability), withDispute.map((s) => s.actualOffset > 0));
console.log('\nreliability (chronological, with Disputed): predicted → observed late rate (count)');
for (const b of reliability.bins) console.log(`  ${f(b.from, 1)}-${f(b.to, 1)}: ${f(b.meanPredicted)} → ${f(b.observedRate)} (${b.count})`);
const seconds = (performance.now() - started) / 1000;
console.log(`\n${f(seconds, 1)} s`);
console.log(
  JSON.stringify({
    dataset: 'ibm-ar',
    protocol: 'chronological',
    n: m.n,
    auc: m.auc,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    rmseDaysToSettle: m.rmseDaysToSettle,
    ece: m.ece,
    coverageP10P90: m.coverageP10P90,
    aucCi95: [ci.low, ci.high],
    baselineAuc: baseline.auc,
    baselineAccuracyAlwaysOnTime: 1 - m.lateRate,
    baselineAccuracyPastLateRate: baseline.accuracy,
    baselineRmseDaysToSettle: baseline.rmseDaysToSettle,
    aucNoDispute: mNo.auc,
    accuracyNoDispute: mNo.accuracy,
    macroF1NoDispute: mNo.macroF1,
    rmseDaysToSettleNoDispute: mNo.rmseDaysToSettle,
    groupedAuc: g.auc,
    groupedAccuracy: g.accuracy,
    groupedRmseDaysToSettle: g.rmseDaysToSettle,
    groupedAucNoDispute: gNo.auc,
    leakyCeilingAuc: ceiling.auc,
    leakyCeilingRmseDaysToSettle: ceiling.rmseDaysToSettle,
    dueDateRmseDaysToSettle: dueMetrics.rmseDaysToSettle,
    seconds,
  }),
);
