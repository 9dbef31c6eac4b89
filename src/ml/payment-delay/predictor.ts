// Scoring: feature row → payment-date distribution → probabilities, quantiles,
// expected date, confidence and top factors. Pure and cheap per invoice; large
// portfolios stream through scoreRequests without materializing features.
import type { Prediction, Predictor, Reason } from '../model.js';
import { dayOf, dueBusinessDayOffset, isoOfDay } from './dates.js';
import { PaymentDelayArtifactError } from './errors.js';
import { COL, featureColumns, forEachFeatureRow, PROMISE_GRACE_DAYS, type RequestDays } from './features.js';
import { scaleOf, shapeForRow, STATE_VERSION, type PaymentDelayState } from './fit.js';
import { calibrationAt } from './overdue-calibration.js';
import { OffsetDistribution, type DueDayAtom, type PromiseToPay, type ResidualShape } from './distribution.js';
import { predictLinear } from './linear.js';
import { atomProbability, HABIT_PROBABILITY, type AtomModel } from './due-day-atom.js';
import { days as formatDays, FactorRanker } from './reasons.js';
import { LAST_FORECAST_DAY } from '../../util/bounds.js';
import {
  QUANTILE_LEVELS,
  type DelayClass,
  type FeatureRequest,
  type InvoiceRecord,
  type IsoDate,
  type PaymentDelayForecast,
} from './types.js';

/** One invoice to score and the customer's invoices known at the scoring date. */
export interface PaymentDelayInput {
  invoice: InvoiceRecord;
  /** The customer's other invoices (settled or open); later settlements are ignored. */
  history: readonly InvoiceRecord[];
  asOf: IsoDate;
}

/** Chance of a payment on the due date above which the collector is told why. */
const DUE_DATE_HABIT_REASON = 0.5;

/** Days late that separate the two late classes. */
export const LATE_BUCKET_DAYS = 30;
const LAST_DAY = dayOf(LAST_FORECAST_DAY);

/**
 * A payment date as the service can be sent it back: an invoice due at the end
 * of 2199 (or a customer paying a year late) would otherwise be forecast paid
 * in 2200, a day no import or request takes. The day counts stay the model's.
 */
const forecastDay = (day: number): IsoDate => isoOfDay(Math.min(day, LAST_DAY));

/** Number of settled invoices at which history counts as half of the evidence for confidence. */
const CONFIDENCE_HALF_HISTORY = 5;

export interface ScoreOptions {
  /** Skip reasons when only numbers are needed (evaluation, bulk exports). */
  reasons?: boolean;
  /** Sees each feature row (columns in `state.columns` order) before it is scored; the array is reused, so copy what is kept. */
  onRow?: (row: Float64Array) => void;
}

export class PaymentDelayPredictor implements Predictor<PaymentDelayInput, PaymentDelayForecast> {
  private readonly factors: FactorRanker;

  constructor(readonly state: PaymentDelayState) {
    if (state?.kind !== 'payment-delay' || state.version !== STATE_VERSION) {
      throw new PaymentDelayArtifactError(`not a payment-delay artifact of version ${STATE_VERSION}`);
    }
    const expected = featureColumns(state.features).join(',');
    if (expected !== state.columns.join(',')) throw new PaymentDelayArtifactError('artifact feature columns do not match this code version');
    this.factors = new FactorRanker(state);
  }

  predict(input: PaymentDelayInput): Prediction<PaymentDelayForecast> {
    return this.predictMany([input])[0];
  }

  /** Inputs sharing the same history array are featurized in one pass. */
  predictMany(inputs: PaymentDelayInput[]): Prediction<PaymentDelayForecast>[] {
    const out = new Array<Prediction<PaymentDelayForecast>>(inputs.length);
    const byHistory = new Map<readonly InvoiceRecord[], number[]>();
    inputs.forEach((input, i) => {
      const g = byHistory.get(input.history);
      if (g) g.push(i);
      else byHistory.set(input.history, [i]);
    });
    for (const [history, idx] of byHistory) {
      const requests = idx.map((i) => ({ invoice: inputs[i].invoice, asOf: inputs[i].asOf }));
      this.scoreRequests(history, requests, (r, prediction) => {
        out[idx[r]] = prediction;
      });
    }
    return out;
  }

  /** Score each request from `history`, streaming predictions to `sink` (request index, prediction). */
  scoreRequests(
    history: readonly InvoiceRecord[],
    requests: readonly FeatureRequest[],
    sink: (requestIndex: number, prediction: Prediction<PaymentDelayForecast>) => void,
    options: ScoreOptions = {},
  ): void {
    const withReasons = options.reasons ?? true;
    const onRow = options.onRow;
    forEachFeatureRow(history, requests, this.state.features, (r, row, days) => {
      onRow?.(row);
      sink(r, this.forecast(row, requests[r].invoice, requests[r].asOf, days, withReasons));
    });
  }

  /** Every invoice of `invoices` open at `asOf`, scored from the others' history. */
  scoreOpenInvoices(
    invoices: readonly InvoiceRecord[],
    asOf: IsoDate,
    sink: (invoice: InvoiceRecord, prediction: Prediction<PaymentDelayForecast>) => void,
    options: ScoreOptions = {},
  ): void {
    const asOfDay = dayOf(asOf);
    const open = invoices.filter((inv) => dayOf(inv.issueDate) <= asOfDay && (inv.settledDate == null || dayOf(inv.settledDate) >= asOfDay));
    this.scoreRequests(invoices, open.map((invoice) => ({ invoice, asOf })), (r, p) => sink(open[r], p), options);
  }

  /** The residual shape for this row's depth of history. */
  private shapeOf(row: Float64Array): { shape: ResidualShape; shapeMean: number } {
    return shapeForRow(this.state, row);
  }

  /** The payment-offset distribution of one feature row, conditioned on what is known at the scoring date. */
  distribution(row: Float64Array, days: Readonly<RequestDays>, withPromise = true, withAtom = true): OffsetDistribution {
    // Integer days: "not paid before day d" is offset ≥ d, i.e. > d − ½ on the continuous scale.
    const lower = Math.max(days.issue, days.asOf) - days.due - 0.5;
    let promise: PromiseToPay | null = null;
    if (withPromise && row[COL.activePromise] === 1) {
      promise = {
        offset: days.asOf + row[COL.daysToPromise] - days.due,
        keptProbability: row[COL.promiseKeptRate],
        graceDays: PROMISE_GRACE_DAYS,
      };
    }
    const atom = withAtom && this.state.atom ? this.atomOf(this.state.atom, row, days.due) : null;
    const disputed = this.state.options.useDisputed && row[COL.disputed] === 1;
    const maps = (disputed && this.state.overdueCalibrationDisputed) || this.state.overdueCalibration;
    const calibration = maps ? calibrationAt(maps, lower + 0.5) : null;
    return new OffsetDistribution(predictLinear(this.state.location, row), scaleOf(this.state, row), this.shapeOf(row).shape, lower, promise, atom, calibration);
  }

  /**
   * The due-date atom of one row; an invoice of the habit (its atom probability
   * at least HABIT_PROBABILITY, undisputed when disputes are known) also gets
   * how the habit's invoices were paid when not on the day, as the missed-day
   * shape was fitted on exactly those.
   */
  private atomOf(model: AtomModel, row: Float64Array, due: number): DueDayAtom {
    const probability = atomProbability(model, row);
    const habit = probability >= HABIT_PROBABILITY && !(this.state.options.useDisputed && row[COL.disputed] === 1);
    return { probability, offset: dueBusinessDayOffset(due), ...(habit && model.missed ? { missed: model.missed } : {}) };
  }

  forecast(row: Float64Array, invoice: InvoiceRecord, asOf: IsoDate, days: Readonly<RequestDays>, withReasons = true): Prediction<PaymentDelayForecast> {
    const dist = this.distribution(row, days);
    const { due, issue } = days;
    const onTime = dist.cdf(0.5);
    const byBucket = dist.cdf(LATE_BUCKET_DAYS + 0.5);
    const probabilities = { onTime, late1to30: byBucket - onTime, lateOver30: 1 - byBucket };
    const quantiles = QUANTILE_LEVELS.map((p) => Math.round(dist.quantile(p)));
    const mean = dist.mean(this.shapeOf(row).shapeMean);
    const expected = Math.max(Math.round(mean), Math.ceil(dist.lower));
    let mostLikely: DelayClass = 'onTime';
    if (probabilities.late1to30 > probabilities[mostLikely]) mostLikely = 'late1to30';
    if (probabilities.lateOver30 > probabilities[mostLikely]) mostLikely = 'lateOver30';
    const value: PaymentDelayForecast = {
      invoiceId: invoice.invoiceId,
      customerId: invoice.customerId,
      asOf,
      probabilities,
      lateProbability: 1 - onTime,
      mostLikely,
      expectedDaysAfterDue: Math.round(mean * 10) / 10,
      expectedDaysToSettle: Math.round((mean + due - issue) * 10) / 10,
      expectedPaymentDate: forecastDay(due + expected),
      p10: forecastDay(due + quantiles[1]),
      p50: forecastDay(due + quantiles[5]),
      p90: forecastDay(due + quantiles[9]),
      distribution: { dueDate: invoice.dueDate, daysAfterDue: quantiles },
    };
    const n = row[COL.historyCount];
    const evidence = n / (n + CONFIDENCE_HALF_HISTORY);
    const confidence = Math.round(probabilities[mostLikely] * (0.5 + 0.5 * evidence) * 1000) / 1000;
    return { value, confidence, reasons: withReasons ? this.reasons(row, invoice, days, dist, mean) : [] };
  }

  /** What is known at the scoring date (promise, days overdue) first, then the model's top factors. */
  private reasons(row: Float64Array, invoice: InvoiceRecord, days: Readonly<RequestDays>, dist: OffsetDistribution, mean: number): Reason[] {
    const reasons: Reason[] = [];
    const promised = row[COL.activePromise] === 1;
    const withoutPromise = promised ? this.distribution(row, days, false).mean(this.shapeOf(row).shapeMean) : mean;
    if (promised) {
      const made = row[COL.promisesKept] + row[COL.promisesBroken];
      const date = isoOfDay(days.asOf + row[COL.daysToPromise]);
      reasons.push({
        factor: 'promiseToPay',
        text: `promised to pay on ${date}; ` + (made ? `kept ${row[COL.promisesKept]} of ${made} past promises` : 'no earlier promise on record'),
        weight: Math.round((mean - withoutPromise) * 10) / 10,
        value: date,
      });
    }
    const overdue = row[COL.daysOverdue];
    if (overdue > 0) {
      const unconditional = dist.location + dist.scale * this.shapeOf(row).shapeMean;
      reasons.push({
        factor: 'daysOverdue',
        text: `already ${formatDays(overdue)} overdue and unpaid on ${isoOfDay(days.asOf)}`,
        weight: Math.round((withoutPromise - unconditional) * 10) / 10,
        value: overdue,
      });
    }
    if (dist.atomWeight >= DUE_DATE_HABIT_REASON && row[COL.historyCount] > 0) {
      const smooth = this.distribution(row, days, false, false).mean(this.shapeOf(row).shapeMean);
      const share = this.state.atom ? row[this.state.atom.columns[0]] : 0;
      reasons.push({
        factor: 'dueDateHabit',
        text: `pays on the due date itself (the business day before when it falls on a weekend): ${Math.round(share * 100)}% of its settled invoices`,
        weight: Math.round((mean - smooth) * 10) / 10,
        value: Math.round(share * 1000) / 1000,
      });
    } else if (dist.missedWeight >= DUE_DATE_HABIT_REASON && dist.lower >= dist.atomOffset && this.state.atom?.missed) {
      const smooth = this.distribution(row, days, false, false).mean(this.shapeOf(row).shapeMean);
      const share = row[this.state.atom.columns[0]];
      const { medianDaysLate } = this.state.atom.missed;
      reasons.push({
        factor: 'missedDueDate',
        text:
          `usually paid on the due date itself (${Math.round(share * 100)}% of its settled invoices), not this time: ` +
          `such invoices that missed the day (a failed direct debit, say) were paid a median of ${formatDays(medianDaysLate)} after it`,
        weight: Math.round((mean - smooth) * 10) / 10,
        value: medianDaysLate,
      });
    }
    return [...reasons, ...this.factors.top(row, invoice)];
  }
}
