// Payment delay in the lifecycle: report diagnostics (late / not late scores,
// the three delay classes, error by segment, weights, AUC by month of issue)
// and the feature rows drift monitoring compares. Datasets are added by the
// catalogue (database) and the CLI (evaluation files).
import type { Artifact } from '../../model.js';
import { buildFeatureTable } from '../../payment-delay/features.js';
import { CLASS_INDEX, delayClassOf, forecastMetrics, scoreDataset, targetsOf, type PaymentDelayDataset } from '../../payment-delay/evaluation.js';
import { stateOf, paymentDelayModel } from '../../payment-delay/model.js';
import { PaymentDelayPredictor, type PaymentDelayInput } from '../../payment-delay/predictor.js';
import type { PaymentDelayForecast } from '../../payment-delay/types.js';
import { addDays, addYears } from '../../payment-delay/dates.js';
import type { FeatureColumns } from '../../monitoring/histogram.js';
import { SERVING_SNAPSHOTS } from '../../monitoring/serving-inputs.js';
import { aucOverTime, errorBySegment } from '../../reports/curves.js';
import type { Evaluation } from '../../reports/types.js';
import type { CatalogueEntry, DatasetLoader } from '../types.js';

const CLASSES = Object.keys(CLASS_INDEX) as (keyof typeof CLASS_INDEX)[];

export async function diagnosePaymentDelay(artifact: Artifact, data: PaymentDelayDataset): Promise<Evaluation> {
  const state = stateOf(artifact);
  const scored = scoreDataset(new PaymentDelayPredictor(state), data);
  const score = scored.map((s) => s.forecast.lateProbability);
  const label = scored.map((s) => s.actualOffset > 0);
  const counts = CLASSES.map(() => CLASSES.map(() => 0));
  for (const s of scored) counts[CLASS_INDEX[delayClassOf(s.actualOffset)]][CLASS_INDEX[s.forecast.mostLikely]]++;
  return {
    metrics: forecastMetrics(scored),
    diagnostics: {
      scores: { score, label, positive: 'invoices paid late', probability: true },
      confusion: { classes: CLASSES, counts },
      bySegment: errorBySegment(
        scored.map((s) => s.forecast.expectedDaysToSettle),
        scored.map((s) => s.actualDaysToSettle),
        scored.map((s) => s.request.invoice.segment ?? 'unknown'),
        'MAE days to settle',
      ),
      // Days the expected payment date moves for one standard deviation of each input.
      importance: state.location.names.map((feature, i) => ({ feature, importance: Math.abs(state.location.weights[i]) })),
      overTime: aucOverTime(score, label, scored.map((s) => s.request.invoice.issueDate.slice(0, 7))),
    },
  };
}

function tableColumns(table: { columns: string[]; rows: number; values: Float64Array }): FeatureColumns {
  const width = table.columns.length;
  const out: FeatureColumns = {};
  table.columns.forEach((name, c) => {
    const col = new Float64Array(table.rows);
    for (let r = 0; r < table.rows; r++) col[r] = table.values[r * width + c];
    out[name] = col;
  });
  return out;
}

export function paymentDelayFeatures(artifact: Artifact, data: PaymentDelayDataset): FeatureColumns {
  return tableColumns(buildFeatureTable(data.invoices, targetsOf(data), stateOf(artifact).features));
}

export function paymentDelayInputFeatures(artifact: Artifact, inputs: PaymentDelayInput[]): FeatureColumns {
  const config = stateOf(artifact).features;
  // Inputs that share a history array are featurized in one pass, as the predictor does.
  const byHistory = new Map<PaymentDelayInput['history'], PaymentDelayInput[]>();
  for (const input of inputs) {
    const g = byHistory.get(input.history);
    if (g) g.push(input);
    else byHistory.set(input.history, [input]);
  }
  const parts = [...byHistory].map(([history, group]) =>
    tableColumns(buildFeatureTable(history, group.map((i) => ({ invoice: i.invoice, asOf: i.asOf })), config)));
  const out: FeatureColumns = {};
  for (const name of Object.keys(parts[0] ?? {})) {
    out[name] = Float64Array.from(parts.flatMap((p) => Array.from(p[name] as Float64Array)));
  }
  return out;
}

/**
 * Features that move with the date, not with the book: the due month of an
 * open book moves with the season, and every customer's count of settled
 * invoices grows each month it pays. Compared with a reference of a few weeks
 * before, they were flagged on a steady synthetic book (PSI 0.25 for
 * historyCount, 9 for dueMonthCos with a reference of other months).
 */
const DATE_BOUND_COLUMNS = new Set(['dueMonthSin', 'dueMonthCos', 'dueAtQuarterEnd', 'dueOnWeekend', 'historyCount', 'historyWeight']);

/**
 * What a rescoring sees, from the data (the holdout: the newest): every
 * invoice open on each snapshot day, featured as of that day. The training
 * rows (each invoice on its issue date) are not that population: an open book
 * holds invoices already overdue, with promises and reminders, and comparing
 * the two would flag days overdue every night.
 */
export function paymentDelayServingFeatures(artifact: Artifact, data: PaymentDelayDataset): FeatureColumns {
  const targets = targetsOf(data);
  if (targets.length === 0) return {};
  const last = targets.reduce((m, t) => (t.invoice.issueDate > m ? t.invoice.issueDate : m), targets[0].invoice.issueDate);
  const requests = SERVING_SNAPSHOTS.flatMap((back) => {
    const asOf = addDays(last, -back);
    return data.invoices
      .filter((i) => i.issueDate <= asOf && (i.settledDate == null || i.settledDate > asOf))
      .map((invoice) => ({ invoice, asOf }));
  });
  const columns = tableColumns(buildFeatureTable(data.invoices, requests, stateOf(artifact).features));
  return Object.fromEntries(Object.entries(columns).filter(([name]) => !DATE_BOUND_COLUMNS.has(name)));
}

export function paymentDelayEntry(datasets: Record<string, DatasetLoader<PaymentDelayDataset>> = {}): CatalogueEntry<PaymentDelayDataset, PaymentDelayInput, PaymentDelayForecast> {
  return {
    kind: paymentDelayModel,
    description: 'When each invoice will be paid: probability of paying late, delay class, payment-date distribution',
    datasets,
    diagnose: (artifact, data) => diagnosePaymentDelay(artifact, data),
    features: paymentDelayFeatures,
    inputFeatures: paymentDelayInputFeatures,
    servingFeatures: paymentDelayServingFeatures,
    // Two years of history: payment habits older than that say little about next month.
    latestWindow: (today) => ({ from: addYears(today, -2), to: today }),
  };
}
