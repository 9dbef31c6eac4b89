// Aging balance (balance âgée): open receivables by days past due, as they
// stood on the as-of date and at each month end before it, with the overdue
// > 30 days nobody has qualified (brief 004: the "very late" group to work first).
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { trendMonths } from './periods.js';
import {
  BUCKETS, emptyBalance, envelope, groupsOf, loadBalances, valuationFor, type AmountCount, type Balance, type ReportEnvelope, type ReportScope,
} from './series.js';

export interface AgingRow {
  month: string;
  date: IsoDate;
  group: string;
  total: AmountCount;
  buckets: (AmountCount & { bucket: string; share: number })[];
  /** Everything past due (all buckets but current). */
  overdue: AmountCount;
  overdue30Unqualified: AmountCount;
}

export type AgingReport = ReportEnvelope<AgingRow>;

export const AGING_METHOD =
  'Open amount of each invoice as it stood on the date (amount minus allocations paid by then), bucketed by days past ' +
  'due on that date: current = not yet due, then 1-30, 31-60, 61-90, 90+. Unqualified = no status on the invoice on ' +
  'that date (status set later counts as not yet set) and not flagged disputed (the flag carries no date: one flagged now ' +
  'counts as flagged on past dates too). Invoices only; credit notes are not netted.';


export function agingRow(month: string, date: IsoDate, group: string, b: Balance): AgingRow {
  return {
    month,
    date,
    group,
    total: b.total,
    buckets: b.buckets.map((x, i) => ({ bucket: BUCKETS[i], ...x, share: b.total.amount > 0 ? Math.round((x.amount / b.total.amount) * 100) / 100 : 0 })),
    // Rounded once, as the total: consolidated, the buckets rounded one by one added up to a ten-thousandth more or
    // less than the risk report's overdue on the same receivables.
    overdue: b.overdue,
    overdue30Unqualified: b.overdue30Unqualified,
  };
}

export async function agingReport(db: Db, q: { asOf: IsoDate; months: number; scope: ReportScope }): Promise<AgingReport> {
  const months = trendMonths(q.asOf, q.months);
  const dates = months.map((m) => m.end);
  const fx = await valuationFor(db, q.scope, q.asOf);
  const balances = await loadBalances(db, dates, q.scope, fx);
  fx?.check();
  const groups = groupsOf(q.scope, balances);
  const trend = months.flatMap((m) => groups.map((g) => agingRow(m.month, m.end, g, balances.get(m.end)?.get(g) ?? emptyBalance())));
  return envelope(q.asOf, q.scope, AGING_METHOD, trend, (r) => r.date === q.asOf, fx?.describe(dates));
}
