// Aging balance (balance âgée): open receivables by days past due, as they
// stood on the as-of date and at each month end before it, with the overdue
// > 30 days nobody has qualified (brief 004: the "very late" group to work first).
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { trendMonths } from './periods.js';
import {
  BUCKETS, creditCurrencies, emptyBalance, envelope, groupsOf, loadBalances, loadCredits, netOfCredits, valuationFor,
  type AmountCount, type Balance, type HeldCredits, type ReportEnvelope, type ReportScope,
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
  /** Credit notes not yet applied on the date: owed to the customers, with no due date to age them by. */
  unappliedCredits: number;
  /** The part of them beyond what their own customers owed, which lowers no receivable. */
  excessCredits: number;
  /** total less the credits each customer could apply to its own invoices: total − (unappliedCredits − excessCredits). */
  net: number;
}

export type AgingReport = ReportEnvelope<AgingRow>;

export const AGING_METHOD =
  'Open amount of each invoice as it stood on the date (amount minus allocations paid by then), bucketed by days past ' +
  'due on that date: current = not yet due, then 1-30, 31-60, 61-90, 90+. Unqualified = no status on the invoice on ' +
  'that date (status set later counts as not yet set) and not flagged disputed (the flag carries no date: one flagged now ' +
  'counts as flagged on past dates too). Invoices only; credit notes are not aged: unappliedCredits = those issued by the ' +
  'date and not yet applied, in the same currency (consolidated: at the date\'s rate); net = total less them, each held ' +
  'against its own customer\'s invoices and never below 0, the rest being excessCredits.';


export function agingRow(month: string, date: IsoDate, group: string, b: Balance, held?: HeldCredits): AgingRow {
  const net = netOfCredits(b, held);
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
    unappliedCredits: net.credits,
    excessCredits: net.excess,
    net: net.total,
  };
}

export async function agingReport(db: Db, q: { asOf: IsoDate; months: number; scope: ReportScope }): Promise<AgingReport> {
  const months = trendMonths(q.asOf, q.months);
  const dates = months.map((m) => m.end);
  const fx = await valuationFor(db, q.scope, q.asOf, await creditCurrencies(db, q.scope, true));
  const [balances, credits] = await Promise.all([loadBalances(db, dates, q.scope, fx), loadCredits(db, dates, q.scope, fx, true)]);
  fx?.check();
  const groups = groupsOf(q.scope, balances, credits);
  const trend = months.flatMap((m) => groups.map((g) =>
    agingRow(m.month, m.end, g, balances.get(m.end)?.get(g) ?? emptyBalance(), credits.get(m.end)?.get(g))));
  return envelope(q.asOf, q.scope, AGING_METHOD, trend, (r) => r.date === q.asOf, fx?.describe(dates));
}
