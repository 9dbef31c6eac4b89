// Expected cash per week (brief 001: "anticipate cash"): every open invoice in
// scope is scored as of the report date by the served payment-delay model and
// its open amount spread over the weeks ahead by its payment-date
// distribution. Computed on request from the stored ledger, so it follows the
// model a version activation serves and the payments imported since the night.
import type { Db } from '../db/sql.js';
import { expectedCashByWeek, type OpenInvoiceForecast } from '../ml/payment-delay/cash-forecast.js';
import type { PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { IsoDate } from '../agenda/types.js';
import { customerRanges, loadInvoiceRecords } from '../scoring/histories.js';
import type { ServedModel } from '../scoring/rescore.js';
import { customersInScope, type ReportScope } from './series.js';

export const CASH_FORECAST_METHOD =
  'Each invoice open now is scored as of asOf by the served payment-delay model (days overdue, promises and disputes known then) ' +
  'and its open amount spread over the weeks by its payment-date distribution (deciles, linear between them); ' +
  'what it puts before asOf counts in the first week, what falls beyond the last week in afterHorizon. ' +
  'Amounts in different currencies are summed as they are.';

/** Customers loaded and scored at a time: the nightly rescore's slice. */
const SLICE_CUSTOMERS = 2_500;

export interface CashForecastReport {
  asOf: IsoDate;
  filters: { collector: string | null; segment: string | null };
  method: string;
  modelVersion: string;
  openInvoices: number;
  totalOpen: number;
  weeks: { weekStart: IsoDate; weekEnd: IsoDate; expectedAmount: number; cumulativeShare: number }[];
  afterHorizon: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The open invoices of the customers in scope with their payment-date distributions, slice by slice. */
async function openForecasts(db: Db, model: ServedModel<PaymentDelayPredictor>, asOf: IsoDate, scope: ReportScope): Promise<OpenInvoiceForecast[]> {
  const ids = await customersInScope(db, scope);
  const filtered = scope.collector !== null || scope.segment !== null;
  const inScope = new Set(ids);
  const out: OpenInvoiceForecast[] = [];
  if (ids.length === 0) return out;
  for (const [lo, hi] of await customerRanges(db, SLICE_CUSTOMERS)) {
    if (!ids.some((id) => id >= lo && id <= hi)) continue;
    const slice = await loadInvoiceRecords(db, lo, hi);
    const open = slice.invoices.filter((inv) => slice.openAmounts.has(inv.invoiceId) && (!filtered || inScope.has(Number(inv.customerId))));
    model.predictor.scoreRequests(
      slice.invoices,
      open.map((invoice) => ({ invoice, asOf })),
      (r, prediction) => out.push({ amount: slice.openAmounts.get(open[r].invoiceId)!, distribution: prediction.value.distribution }),
      { reasons: false },
    );
  }
  return out;
}

export async function cashForecastReport(
  db: Db,
  model: ServedModel<PaymentDelayPredictor>,
  q: { asOf: IsoDate; weeks: number; scope: ReportScope },
): Promise<CashForecastReport> {
  const invoices = await openForecasts(db, model, q.asOf, q.scope);
  const forecast = expectedCashByWeek(invoices, { from: q.asOf, weeks: q.weeks });
  let cumulative = 0;
  return {
    asOf: q.asOf,
    filters: { collector: q.scope.collector, segment: q.scope.segment },
    method: CASH_FORECAST_METHOD,
    modelVersion: model.version,
    openInvoices: invoices.length,
    totalOpen: r2(forecast.totalOpen),
    weeks: forecast.weeks.map((w) => {
      cumulative += w.expectedAmount;
      return { ...w, expectedAmount: r2(w.expectedAmount), cumulativeShare: forecast.totalOpen > 0 ? Math.round((cumulative / forecast.totalOpen) * 1000) / 1000 : 0 };
    }),
    afterHorizon: r2(forecast.afterHorizon),
  };
}
