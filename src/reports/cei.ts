// Collection effectiveness index per month (brief 001: CEI among the reports):
//
//   CEI = (beginning receivables + credit sales − ending total receivables)
//       / (beginning receivables + credit sales − ending current receivables) × 100
//
// The numerator is what was collected in the month; the denominator what was
// collectable (everything but what is not yet due at month end). 100 means
// every collectable amount came in. Beginning = receivables at the end of the
// previous month; current = not yet due on the ending date.
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { addDays } from '../agenda/dates.js';
import { trendMonths } from './periods.js';
import {
  envelope, groupsOf, loadBalances, creditCurrencies, loadCredits, loadMonthlySales, netOfCredits, valuationFor, type ReportEnvelope, type ReportScope,
} from './series.js';
import { NET_CREDITS_METHOD } from './dso.js';
import { roundMoney } from '../util/round.js';

export const CEI_METHOD =
  'CEI = (beginning receivables + credit sales − ending total receivables) / (beginning receivables + credit sales − ' +
  'ending current receivables) × 100, per calendar month (the current month to the as-of date). Beginning = receivables ' +
  'at the end of the previous month; current = not yet due on the ending date; receivables as they stood on each date; ' +
  'credit sales = invoices issued in the month. Null when nothing was collectable.';

const r1 = (x: number) => Math.round(x * 10) / 10;

export function cei(beginning: number, sales: number, endingTotal: number, endingCurrent: number): number | null {
  const collectable = beginning + sales - endingCurrent;
  return collectable > 0 ? r1(((beginning + sales - endingTotal) / collectable) * 100) : null;
}

export interface CeiRow {
  month: string;
  start: IsoDate;
  end: IsoDate;
  group: string;
  beginningReceivables: number;
  creditSales: number;
  endingReceivables: number;
  endingCurrentReceivables: number;
  /** beginning + sales − ending. */
  collected: number;
  cei: number | null;
  /** With netCredits: the credit notes unapplied at the beginning and at the end, offset from those receivables. */
  unappliedCredits?: { beginning: number; ending: number };
  /** With netCredits: the part of them beyond what their customers owed, which offsets nothing. */
  excessCredits?: { beginning: number; ending: number };
}

export type CeiReport = ReportEnvelope<CeiRow> & { netCredits: boolean };

export async function ceiReport(db: Db, q: { asOf: IsoDate; months: number; scope: ReportScope; netCredits?: boolean }): Promise<CeiReport> {
  const months = trendMonths(q.asOf, q.months);
  const dates = [addDays(months[0].start, -1), ...months.map((m) => m.end)];
  const fx = await valuationFor(db, q.scope, q.asOf, await creditCurrencies(db, q.scope, q.netCredits));
  const [balances, monthly, credits] = await Promise.all([
    loadBalances(db, dates, q.scope, fx),
    loadMonthlySales(db, months[0].start, q.asOf, q.scope, fx),
    loadCredits(db, dates, q.scope, fx, q.netCredits),
  ]);
  // Every month's sales count here: the CEI of each month reads them.
  fx?.needDeferred();
  fx?.check();
  const groups = groupsOf(q.scope, balances, monthly, credits);
  const trend = months.flatMap((m) => groups.map((group): CeiRow => {
    const netOn = (d: IsoDate) => netOfCredits(balances.get(d)?.get(group), credits.get(d)?.get(group));
    const [begun, ending] = [netOn(addDays(m.start, -1)), netOn(m.end)];
    const beginning = begun.total;
    const endingTotal = ending.total;
    const endingCurrent = ending.current;
    const sales = monthly.get(m.month)?.get(group) ?? 0;
    return {
      month: m.month, start: m.start, end: m.end, group,
      beginningReceivables: beginning, creditSales: sales, endingReceivables: endingTotal, endingCurrentReceivables: endingCurrent,
      collected: roundMoney(beginning + sales - endingTotal),
      cei: cei(beginning, sales, endingTotal, endingCurrent),
      ...(q.netCredits ? {
        unappliedCredits: { beginning: begun.credits, ending: ending.credits },
        excessCredits: { beginning: begun.excess, ending: ending.excess },
      } : {}),
    };
  }));
  const method = q.netCredits ? CEI_METHOD + NET_CREDITS_METHOD : CEI_METHOD;
  return { ...envelope(q.asOf, q.scope, method, trend, (r) => r.end === q.asOf, fx?.describe(dates)), netCredits: !!q.netCredits };
}
