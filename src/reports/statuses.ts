// Invoice statuses report (brief 003, "Rapport Statuts des pièces"): overdue
// receivables by the qualification a collector gave them, and the share
// qualified. A collector is to record a status after every customer answer,
// so the share of overdue invoices still unqualified measures how well
// overdue receivables are followed up.
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { trendMonths } from './periods.js';
import {
  DISPUTED, envelope, groupsOf, loadStatusBalances, ratio, UNQUALIFIED, valuationFor, type AmountCount, type ReportEnvelope, type ReportScope,
} from './series.js';
import { roundMoney } from '../util/round.js';

/** The platform's statuses (import enum), then the disputed flag without a status, then none. */
export const STATUS_ORDER: readonly string[] = [
  'promise_to_pay', 'payment_plan', 'dispute', DISPUTED, 'litigation', 'waiting_credit_note', 'paid_not_received', UNQUALIFIED,
];

export interface StatusShare extends AmountCount {
  status: string;
  /** Of the overdue amount. */
  share: number;
}

export interface StatusesRow {
  month: string;
  date: IsoDate;
  group: string;
  overdue: AmountCount;
  qualified: AmountCount;
  /** Qualified share of the overdue receivables, by amount and by count; null with nothing overdue. */
  qualificationRate: { amount: number | null; count: number | null };
  statuses: StatusShare[];
}

export type StatusesReport = ReportEnvelope<StatusesRow>;

export const STATUSES_METHOD =
  'Invoices past due on the date, with their open amount then (as in the aging balance), by the status they carried ' +
  'that day: a status set later counts as not yet set; an invoice flagged disputed without a status is "disputed"; ' +
  'neither is "unqualified". Qualification rate = qualified / overdue, by amount and by count. The ledger keeps each ' +
  "invoice's latest status only: on a past date, an invoice whose status changed since shows as unqualified. The " +
  'disputed flag carries no date: an invoice flagged now reads as disputed on past dates too.';

/**
 * One row from the overdue amounts of a group on a date, by status (absent
 * statuses are zero). Totals are rounded once, from the amounts as summed: a
 * consolidated report's statuses rounded one by one would not add up to the
 * aging balance's overdue.
 */
export function statusesRow(month: string, date: IsoDate, group: string, byStatus: Map<string, AmountCount>): StatusesRow {
  const known = new Set(STATUS_ORDER);
  const order = [...STATUS_ORDER.slice(0, -1), ...[...byStatus.keys()].filter((s) => !known.has(s)).sort(), UNQUALIFIED];
  const zero = { amount: 0, count: 0 };
  const all = order.map((status) => ({ status, ...(byStatus.get(status) ?? zero) }));
  const overdueAmount = all.reduce((s, x) => s + x.amount, 0);
  const overdue = { amount: roundMoney(overdueAmount), count: all.reduce((s, x) => s + x.count, 0) };
  const unqualified = byStatus.get(UNQUALIFIED) ?? zero;
  const qualifiedAmount = overdueAmount - unqualified.amount;
  const qualified = { amount: roundMoney(qualifiedAmount), count: overdue.count - unqualified.count };
  return {
    month,
    date,
    group,
    overdue,
    qualified,
    qualificationRate: { amount: ratio(qualifiedAmount, overdueAmount), count: ratio(qualified.count, overdue.count) },
    statuses: all.map((x) => ({ ...x, amount: roundMoney(x.amount), share: ratio(x.amount, overdueAmount) ?? 0 })),
  };
}

export async function statusesReport(db: Db, q: { asOf: IsoDate; months: number; scope: ReportScope }): Promise<StatusesReport> {
  const months = trendMonths(q.asOf, q.months);
  const dates = months.map((m) => m.end);
  const fx = await valuationFor(db, q.scope, q.asOf);
  const balances = await loadStatusBalances(db, dates, q.scope, fx);
  fx?.check();
  const groups = groupsOf(q.scope, balances);
  const trend = months.flatMap((m) => groups.map((g) => statusesRow(m.month, m.end, g, balances.get(m.end)?.get(g) ?? new Map())));
  return envelope(q.asOf, q.scope, STATUSES_METHOD, trend, (r) => r.date === q.asOf, fx?.describe(dates));
}
