// Score a labeled dataset and measure the forecasts: late / not late (AUC,
// accuracy, calibration), the three delay classes (macro-F1), days to settle
// (RMSE) and the P10–P90 interval (coverage).
import type { Metrics } from '../model.js';
import { dayOf } from './dates.js';
import { issueDateTargets } from './fit.js';
import { accuracy, auc, brier, calibration, coverage, f1PerClass, macroF1, mae, rmse } from './metrics.js';
import { LATE_BUCKET_DAYS, type PaymentDelayPredictor } from './predictor.js';
import type { DelayClass, FeatureRequest, InvoiceRecord, PaymentDelayForecast } from './types.js';

/** What the model learns from or is evaluated on. */
export interface PaymentDelayDataset {
  /** Every known invoice, settled or open: the history pool features are built from. */
  invoices: InvoiceRecord[];
  /** Settled invoices to learn from / evaluate, each with its scoring date. Default: every settled invoice, as of its issue date. */
  targets?: FeatureRequest[];
}

export interface ScoredInvoice {
  request: FeatureRequest;
  /** Actual payment offset, days after due. */
  actualOffset: number;
  actualDaysToSettle: number;
  forecast: PaymentDelayForecast;
}

export const CLASS_INDEX: Record<DelayClass, number> = { onTime: 0, late1to30: 1, lateOver30: 2 };

export function delayClassOf(offset: number): DelayClass {
  return offset <= 0 ? 'onTime' : offset <= LATE_BUCKET_DAYS ? 'late1to30' : 'lateOver30';
}

export function targetsOf(data: PaymentDelayDataset): FeatureRequest[] {
  return data.targets ?? issueDateTargets(data.invoices);
}

export function scoreDataset(predictor: PaymentDelayPredictor, data: PaymentDelayDataset): ScoredInvoice[] {
  const targets = targetsOf(data);
  const out = new Array<ScoredInvoice>(targets.length);
  predictor.scoreRequests(
    data.invoices,
    targets,
    (r, prediction) => {
      const { invoice } = targets[r];
      if (invoice.settledDate == null) throw new Error(`invoice ${invoice.invoiceId} is not settled: cannot evaluate it`);
      const settled = dayOf(invoice.settledDate);
      out[r] = {
        request: targets[r],
        actualOffset: settled - dayOf(invoice.dueDate),
        actualDaysToSettle: settled - dayOf(invoice.issueDate),
        forecast: prediction.value,
      };
    },
    { reasons: false },
  );
  return out;
}

export function forecastMetrics(scored: readonly ScoredInvoice[]): Metrics {
  const late = scored.map((s) => s.actualOffset > 0);
  const pLate = scored.map((s) => s.forecast.lateProbability);
  const dueDay = scored.map((s) => dayOf(s.request.invoice.dueDate));
  const predictedClass = scored.map((s) => CLASS_INDEX[s.forecast.mostLikely]);
  const actualClass = scored.map((s) => CLASS_INDEX[delayClassOf(s.actualOffset)]);
  const [f1OnTime, f1Late1to30, f1LateOver30] = f1PerClass(predictedClass, actualClass, 3);
  return {
    n: scored.length,
    lateRate: late.filter(Boolean).length / scored.length,
    lateOver30Count: actualClass.filter((c) => c === CLASS_INDEX.lateOver30).length,
    auc: auc(pLate, late),
    accuracy: accuracy(pLate.map((p) => p > 0.5), late),
    macroF1: macroF1(predictedClass, actualClass, 3),
    f1OnTime,
    f1Late1to30,
    f1LateOver30,
    rmseDaysToSettle: rmse(scored.map((s) => s.forecast.expectedDaysToSettle), scored.map((s) => s.actualDaysToSettle)),
    maeDaysToSettle: mae(scored.map((s) => s.forecast.expectedDaysToSettle), scored.map((s) => s.actualDaysToSettle)),
    brier: brier(pLate, late),
    ece: calibration(pLate, late).ece,
    coverageP10P90: coverage(
      scored.map((s, i) => dayOf(s.forecast.p10) - dueDay[i]),
      scored.map((s, i) => dayOf(s.forecast.p90) - dueDay[i]),
      scored.map((s) => s.actualOffset),
    ),
  };
}
