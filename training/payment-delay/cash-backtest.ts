// Backtest of the expected cash per week (GET /v1/reports/cash-forecast): on
// each as-of date, the invoices open that morning (issued from `issuedFrom`,
// the test period, so none was a training label) are scored then, their
// amounts spread over the weeks ahead by the forecast, and each week compared
// with the cash those same invoices actually brought in. Invoices issued later
// are out of both sides: the report forecasts the open book, not future sales.
// Baselines a credit manager could build without a model: every invoice paid on
// its due date (today when already overdue), and every invoice paid its
// customer's past mean days after due (from what had settled by then).
import { dayOf, isoOfDay } from '../../src/ml/payment-delay/dates.js';
import { expectedCashByWeek, type OpenInvoiceForecast } from '../../src/ml/payment-delay/cash-forecast.js';
import type { PaymentDelayPredictor } from '../../src/ml/payment-delay/predictor.js';
import type { InvoiceRecord, IsoDate } from '../../src/ml/payment-delay/types.js';

export interface CashBacktest {
  asOfDates: number;
  weeks: number;
  /** Cash actually received from the open invoices within the horizon, over every as-of date. */
  actual: number;
  /** Σ |forecast − actual| over dates and weeks / Σ actual: weighted absolute percentage error. */
  wape: number;
  wapeDueDate: number;
  wapePastMeanDelay: number;
}

/** Week (0-based) of `day` from `start`; weeks beyond the horizon and days before it are null. */
function weekOf(day: number, start: number, weeks: number): number | null {
  const w = Math.floor((day - start) / 7);
  return w >= 0 && w < weeks ? w : null;
}

/** Spreads each amount on one predicted day (a point forecast), days before `start` on `start`. */
function pointForecast(amounts: readonly { amount: number; day: number }[], start: number, weeks: number): number[] {
  const out = new Array<number>(weeks).fill(0);
  for (const { amount, day } of amounts) {
    const w = weekOf(Math.max(day, start), start, weeks);
    if (w !== null) out[w] += amount;
  }
  return out;
}

function pastMeanDelay(all: readonly InvoiceRecord[], customerId: string, asOf: number): number | null {
  let n = 0;
  let sum = 0;
  for (const inv of all) {
    if (inv.customerId !== customerId || inv.settledDate == null || dayOf(inv.settledDate) >= asOf) continue;
    n++;
    sum += dayOf(inv.settledDate) - dayOf(inv.dueDate);
  }
  return n ? sum / n : null;
}

export function cashBacktest(
  predictor: PaymentDelayPredictor,
  all: readonly InvoiceRecord[],
  options: { issuedFrom: IsoDate; asOfDates: readonly IsoDate[]; weeks?: number },
): CashBacktest {
  const { issuedFrom, asOfDates, weeks = 4 } = options;
  let actualTotal = 0;
  const error = { model: 0, dueDate: 0, pastMean: 0 };
  for (const asOf of asOfDates) {
    const start = dayOf(asOf);
    const open = all.filter((inv) => inv.issueDate >= issuedFrom && dayOf(inv.issueDate) < start && inv.settledDate != null && dayOf(inv.settledDate) >= start);
    const forecasts: OpenInvoiceForecast[] = [];
    predictor.scoreRequests(all, open.map((invoice) => ({ invoice, asOf })), (r, p) => forecasts.push({ amount: open[r].amount, distribution: p.value.distribution }), { reasons: false });
    const model = expectedCashByWeek(forecasts, { from: asOf, weeks }).weeks.map((w) => w.expectedAmount);
    const dueDate = pointForecast(open.map((inv) => ({ amount: inv.amount, day: dayOf(inv.dueDate) })), start, weeks);
    const pastMean = pointForecast(
      open.map((inv) => ({ amount: inv.amount, day: dayOf(inv.dueDate) + Math.round(pastMeanDelay(all, inv.customerId, start) ?? 0) })),
      start,
      weeks,
    );
    const actual = pointForecast(open.map((inv) => ({ amount: inv.amount, day: dayOf(inv.settledDate!) })), start, weeks);
    for (let w = 0; w < weeks; w++) {
      actualTotal += actual[w];
      error.model += Math.abs(model[w] - actual[w]);
      error.dueDate += Math.abs(dueDate[w] - actual[w]);
      error.pastMean += Math.abs(pastMean[w] - actual[w]);
    }
  }
  return {
    asOfDates: asOfDates.length,
    weeks,
    actual: actualTotal,
    wape: error.model / actualTotal,
    wapeDueDate: error.dueDate / actualTotal,
    wapePastMeanDelay: error.pastMean / actualTotal,
  };
}

/** Every Monday from `from` (inclusive) to `to` (exclusive). */
export function mondays(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  let d = dayOf(from);
  while (new Date(`${isoOfDay(d)}T00:00:00Z`).getUTCDay() !== 1) d++;
  for (; d < dayOf(to); d += 7) out.push(isoOfDay(d));
  return out;
}
