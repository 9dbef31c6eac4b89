// Days sales outstanding, two ways (brief 001: DSO among the reports to run):
//
// - standard (average) method: DSO = receivables on the date / credit sales of
//   the last N days × N. Smooth, but a seasonal peak of sales lowers it.
// - count-back method: take the receivables on the date and walk back month by
//   month through credit sales, current month first (to date), consuming each
//   month's sales until the receivables are used up; DSO is the days walked,
//   the last month pro rata. It says how many days of recent sales are unpaid
//   and is not fooled by seasonality.
//
// And its split, the way credit managers read it: best possible DSO (the
// receivables not yet due over the same sales: what the payment terms alone
// make) and average days delinquent (the overdue ones: what lateness adds).
// The two add up to the standard DSO.
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { daysInMonth, monthOf, shiftMonth, trendMonths, type Month } from './periods.js';
import {
  envelope, groupsOf, loadBalances, creditCurrencies, loadCredits, loadMonthlySales, loadWindowSales, monthKey, netOfCredits, valuationFor,
  type ReportEnvelope, type ReportScope,
} from './series.js';

/** How far back count-back may walk: receivables older than two years of sales are a recovery problem. */
export const COUNT_BACK_MONTHS = 24;

export const DSO_METHOD =
  'standardDso = receivables on the date / credit sales (invoices issued) over the last windowDays days × windowDays. ' +
  'countBackDso = days of the most recent credit sales, walking back month by month from the date (current month to ' +
  `date first), needed to add up to the receivables; the last month pro rata. Walks at most ${COUNT_BACK_MONTHS} months ` +
  '(countBackComplete false when the receivables exceed them). bestPossibleDso = receivables not yet due / the same ' +
  'credit sales × windowDays: the DSO of a portfolio paid exactly on terms. averageDaysDelinquent = overdue receivables / ' +
  'the same credit sales × windowDays: what late payment adds (standardDso = bestPossibleDso + averageDaysDelinquent, ' +
  'before rounding). Receivables as they stood on each date.';

export const NET_CREDITS_METHOD =
  ' netCredits: receivables net of the credit notes unapplied on each date (issued by then and not yet applied: their ' +
  'allocations paid by then, the part applied without one once settled), in the same currency (consolidated: valued ' +
  'at that date\'s rate), each held against its own customer\'s receivables only, the overdue first, then those not yet ' +
  'due, and never below 0 (excessCredits: what customers are owed beyond what they owe, which offsets nothing); credit sales stay ' +
  'the invoices issued (a credit note applied to an invoice had already lowered its open amount).';

const r1 = (x: number) => Math.round(x * 10) / 10;

export function standardDso(receivables: number, sales: number, windowDays: number): number | null {
  return sales > 0 ? r1((receivables / sales) * windowDays) : null;
}

/**
 * Count-back DSO; `periods` the most recent first, each with its credit sales
 * and its length in days. Also how many periods it walked (the last pro rata
 * included): a consolidated DSO needs rates for those only.
 */
export function countBackDso(receivables: number, periods: { sales: number; days: number }[]): { days: number; complete: boolean; walked: number } {
  let left = receivables;
  let days = 0;
  for (const [k, p] of periods.entries()) {
    if (left <= 0) return { days: r1(days), complete: true, walked: k };
    if (p.sales >= left) return { days: r1(days + (left / p.sales) * p.days), complete: true, walked: k + 1 };
    left -= p.sales;
    days += p.days;
  }
  return { days: r1(days), complete: left <= 0, walked: periods.length };
}

export interface DsoRow {
  month: string;
  date: IsoDate;
  group: string;
  receivables: number;
  creditSales: number;
  windowDays: number;
  standardDso: number | null;
  countBackDso: number;
  countBackComplete: boolean;
  /** Receivables not yet due on the date. */
  currentReceivables: number;
  bestPossibleDso: number | null;
  averageDaysDelinquent: number | null;
  /** With netCredits: the credit notes unapplied on the date, each offset from its own customer's receivables above. */
  unappliedCredits?: number;
  /** With netCredits: the part of them beyond what their customers owed, which offsets nothing. */
  excessCredits?: number;
}

export type DsoReport = ReportEnvelope<DsoRow> & { windowDays: number; netCredits: boolean };

/** Count-back periods for a date: its month to that date, then full months before it. */
export function countBackPeriods(m: Month, monthly: Map<string, Map<string, number>>, group: string) {
  const periods = [{ month: m.month, sales: monthly.get(m.month)?.get(group) ?? 0, days: m.days }];
  for (let k = 1; k < COUNT_BACK_MONTHS; k++) {
    const start = shiftMonth(m.start, -k);
    periods.push({ month: monthOf(start), sales: monthly.get(monthOf(start))?.get(group) ?? 0, days: daysInMonth(start) });
  }
  return periods;
}

export async function dsoReport(
  db: Db, q: { asOf: IsoDate; months: number; windowDays: number; scope: ReportScope; netCredits?: boolean },
): Promise<DsoReport> {
  const months = trendMonths(q.asOf, q.months);
  const dates = months.map((m) => m.end);
  const fx = await valuationFor(db, q.scope, q.asOf, await creditCurrencies(db, q.scope, q.netCredits));
  const [balances, windowSales, monthly, credits] = await Promise.all([
    loadBalances(db, dates, q.scope, fx),
    loadWindowSales(db, dates, q.windowDays, q.scope, fx),
    loadMonthlySales(db, shiftMonth(months[0].start, -(COUNT_BACK_MONTHS - 1)), q.asOf, q.scope, fx),
    loadCredits(db, dates, q.scope, fx, q.netCredits),
  ]);
  const groups = groupsOf(q.scope, balances, windowSales, monthly, credits);
  const trend = months.flatMap((m) => groups.map((group): DsoRow => {
    const net = netOfCredits(balances.get(m.end)?.get(group), credits.get(m.end)?.get(group));
    const receivables = net.total;
    const currentReceivables = net.current;
    const creditSales = windowSales.get(m.end)?.get(group) ?? 0;
    const periods = countBackPeriods(m, monthly, group);
    const cb = countBackDso(receivables, periods);
    // Count-back reads up to two years of sales but stops where the receivables are used up: rates are needed that far only.
    for (const p of periods.slice(0, cb.walked)) fx?.needDeferred(monthKey(p.month, group));
    return {
      month: m.month, date: m.end, group, receivables, creditSales, windowDays: q.windowDays,
      standardDso: standardDso(receivables, creditSales, q.windowDays), countBackDso: cb.days, countBackComplete: cb.complete,
      currentReceivables,
      bestPossibleDso: standardDso(currentReceivables, creditSales, q.windowDays),
      averageDaysDelinquent: standardDso(net.overdue, creditSales, q.windowDays),
      ...(q.netCredits ? { unappliedCredits: net.credits, excessCredits: net.excess } : {}),
    };
  }));
  fx?.check();
  const method = q.netCredits ? DSO_METHOD + NET_CREDITS_METHOD : DSO_METHOD;
  return { ...envelope(q.asOf, q.scope, method, trend, (r) => r.date === q.asOf, fx?.describe(dates)), windowDays: q.windowDays, netCredits: !!q.netCredits };
}
