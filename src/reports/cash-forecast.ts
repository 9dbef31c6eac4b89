// Expected cash per week (brief 001: "anticipate cash"): every open invoice in
// scope is scored as of the report date by the served payment-delay model and
// its open amount spread over the weeks ahead by its payment-date
// distribution. Computed on request from the stored ledger, so it follows the
// model a version activation serves and the payments imported since the night.
import type { Db } from '../db/sql.js';
import { expectedCashByWeek, type OpenInvoiceForecast } from '../ml/payment-delay/cash-forecast.js';
import type { PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { IsoDate } from '../agenda/types.js';
import { customerRanges, loadInvoiceRecords, sliceCustomers } from '../scoring/histories.js';
import { DEFAULT_SLICE_SIZE, scoreOpenInvoices, type ServedModel } from '../scoring/rescore.js';
import { customersInScope, filtersOf, valuationFor, type ReportFilters, type ReportScope } from './series.js';
import { consolidatedMethod, type Consolidation, type Valuation } from './consolidation.js';
import { roundMoney } from '../util/round.js';

export const CASH_FORECAST_METHOD =
  'Each invoice open now is scored as of asOf by the served payment-delay model (days overdue, promises and disputes known then) ' +
  'and its open amount spread over the weeks by its payment-date distribution (deciles, linear between them); ' +
  'what it puts before asOf counts in the first week, what falls beyond the last week in afterHorizon.';


export interface CashForecastGroup {
  group: string;
  openInvoices: number;
  totalOpen: number;
  weeks: { weekStart: IsoDate; weekEnd: IsoDate; expectedAmount: number; cumulativeShare: number }[];
  afterHorizon: number;
}

export interface CashForecastReport {
  asOf: IsoDate;
  groupBy: ReportScope['groupBy'];
  filters: ReportFilters;
  method: string;
  /** Consolidated only: every amount in this currency, at the rates of asOf. */
  consolidation?: Consolidation;
  modelVersion: string;
  /** One per group with open invoices, by group name; one 'portfolio' group when not grouped. */
  groups: CashForecastGroup[];
}


/**
 * The open invoices of the customers in scope with their payment-date distributions, by group, slice by slice;
 * `fx`: consolidated, each open amount valued at the rate of asOf (the cash to come, at today's rates).
 */
async function openForecasts(
  db: Db, model: ServedModel<PaymentDelayPredictor>, asOf: IsoDate, scope: ReportScope, fx: Valuation | null,
): Promise<Map<string, OpenInvoiceForecast[]>> {
  const groupOf = await customersInScope(db, scope);
  const rates = fx?.ratesOn([asOf]).get(asOf);
  const ids = [...groupOf.keys()];
  const out = new Map<string, OpenInvoiceForecast[]>();
  for (const [lo, hi] of await customerRanges(db, sliceCustomers(db, DEFAULT_SLICE_SIZE))) {
    if (!ids.some((id) => id >= lo && id <= hi)) continue;
    const slice = await loadInvoiceRecords(db, { fromId: lo, toId: hi });
    scoreOpenInvoices(
      slice,
      model.predictor,
      asOf,
      (invoice, amount, prediction) => {
        // Invoices loaded from the ledger always carry their currency (the column is required).
        const currency = invoice.currency ?? '';
        const rate = rates ? rates.get(currency) : 1;
        if (rate === undefined) return fx!.lacks(currency, asOf);
        const group = groupOf.get(Number(invoice.customerId))!;
        const list = out.get(group) ?? [];
        list.push({ amount: amount * rate, distribution: prediction.value.distribution });
        out.set(group, list);
      },
      { reasons: false, keep: (invoice) => groupOf.has(Number(invoice.customerId)) && (scope.currency === null || invoice.currency === scope.currency) },
    );
  }
  return out;
}

function groupForecast(group: string, invoices: readonly OpenInvoiceForecast[], asOf: IsoDate, weeks: number): CashForecastGroup {
  const forecast = expectedCashByWeek(invoices, { from: asOf, weeks });
  let cumulative = 0;
  return {
    group,
    openInvoices: invoices.length,
    totalOpen: roundMoney(forecast.totalOpen),
    weeks: forecast.weeks.map((w) => {
      cumulative += w.expectedAmount;
      return { ...w, expectedAmount: roundMoney(w.expectedAmount), cumulativeShare: forecast.totalOpen > 0 ? Math.round((cumulative / forecast.totalOpen) * 1000) / 1000 : 0 };
    }),
    afterHorizon: roundMoney(forecast.afterHorizon),
  };
}

export async function cashForecastReport(
  db: Db,
  model: ServedModel<PaymentDelayPredictor>,
  q: { asOf: IsoDate; weeks: number; scope: ReportScope },
): Promise<CashForecastReport> {
  const fx = await valuationFor(db, q.scope, q.asOf);
  const byGroup = await openForecasts(db, model, q.asOf, q.scope, fx);
  fx?.check();
  const consolidation = fx?.describe([q.asOf]);
  // Nothing open in scope is still a forecast: nothing expected.
  if (byGroup.size === 0 && q.scope.groupBy === 'portfolio') byGroup.set('portfolio', []);
  return {
    asOf: q.asOf,
    groupBy: q.scope.groupBy,
    filters: filtersOf(q.scope),
    // In one currency the method adds nothing: the route asks a scope in several which one, or to consolidate, so no
    // forecast sums amounts of two currencies as they are.
    method: CASH_FORECAST_METHOD + (consolidation ? consolidatedMethod(consolidation.currency) : ''),
    ...(consolidation && { consolidation }),
    modelVersion: model.version,
    groups: [...byGroup].sort(([a], [b]) => a.localeCompare(b)).map(([group, invoices]) => groupForecast(group, invoices, q.asOf, q.weeks)),
  };
}
