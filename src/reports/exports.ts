// The reports' exports, as CSV or as a workbook: the month-by-month rows, the last one on the as-of
// date; the cash forecast's week-by-week rows of each group; the overdue
// statement's invoices. A consolidated
// report's rows end with the currency they were consolidated in, so a file
// read away from its request still says what its amounts are.
import type { AgingReport, AgingRow } from './aging.js';
import type { CashForecastReport } from './cash-forecast.js';
import type { CeiReport, CeiRow } from './cei.js';
import type { DsoReport, DsoRow } from './dso.js';
import { STATUS_ORDER, type StatusesReport, type StatusesRow } from './statuses.js';
import { RISK_BAND_NAMES, type RiskReport, type RiskRow } from './risk.js';
import type { OverdueItem } from './overdue.js';
import type { AgedCustomer } from './aged-balance.js';
import type { CsvColumn, Table } from './csv.js';
import type { Consolidation } from './consolidation.js';
import { BUCKETS } from './series.js';
import { addDays } from '../agenda/dates.js';

const AGING_COLUMNS: CsvColumn<AgingRow>[] = [
  { header: 'month', value: (r) => r.month },
  { header: 'date', value: (r) => r.date, day: true },
  { header: 'group', value: (r) => r.group },
  { header: 'total_amount', value: (r) => r.total.amount },
  { header: 'total_count', value: (r) => r.total.count },
  ...BUCKETS.flatMap((b, i): CsvColumn<AgingRow>[] => [
    { header: `${b}_amount`, value: (r) => r.buckets[i].amount },
    { header: `${b}_count`, value: (r) => r.buckets[i].count },
  ]),
  { header: 'overdue_amount', value: (r) => r.overdue.amount },
  { header: 'overdue_count', value: (r) => r.overdue.count },
  { header: 'overdue30_unqualified_amount', value: (r) => r.overdue30Unqualified.amount },
  { header: 'overdue30_unqualified_count', value: (r) => r.overdue30Unqualified.count },
  // After the aged columns, never among them: a credit note has no due date to age it by.
  { header: 'unapplied_credits', value: (r) => r.unappliedCredits },
  { header: 'excess_credits', value: (r) => r.excessCredits },
  { header: 'net_amount', value: (r) => r.net },
];

const DSO_COLUMNS: CsvColumn<DsoRow>[] = [
  { header: 'month', value: (r) => r.month },
  { header: 'date', value: (r) => r.date, day: true },
  { header: 'group', value: (r) => r.group },
  { header: 'receivables', value: (r) => r.receivables },
  { header: 'credit_sales', value: (r) => r.creditSales },
  { header: 'window_days', value: (r) => r.windowDays },
  { header: 'standard_dso', value: (r) => r.standardDso },
  { header: 'count_back_dso', value: (r) => r.countBackDso },
  { header: 'count_back_complete', value: (r) => r.countBackComplete },
  { header: 'current_receivables', value: (r) => r.currentReceivables },
  { header: 'best_possible_dso', value: (r) => r.bestPossibleDso },
  { header: 'average_days_delinquent', value: (r) => r.averageDaysDelinquent },
];

const CEI_COLUMNS: CsvColumn<CeiRow>[] = [
  { header: 'month', value: (r) => r.month },
  { header: 'start', value: (r) => r.start, day: true },
  { header: 'end', value: (r) => r.end, day: true },
  { header: 'group', value: (r) => r.group },
  { header: 'beginning_receivables', value: (r) => r.beginningReceivables },
  { header: 'credit_sales', value: (r) => r.creditSales },
  { header: 'ending_receivables', value: (r) => r.endingReceivables },
  { header: 'ending_current_receivables', value: (r) => r.endingCurrentReceivables },
  { header: 'collected', value: (r) => r.collected },
  { header: 'cei', value: (r) => r.cei },
];

const statusColumns = (status: string, header = status): CsvColumn<StatusesRow>[] => [
  // Zero where the row has none of it, as for the known statuses.
  { header: `${header}_amount`, value: (r) => r.statuses.find((s) => s.status === status)?.amount ?? 0 },
  { header: `${header}_count`, value: (r) => r.statuses.find((s) => s.status === status)?.count ?? 0 },
];

/** A column pair per status the platform knows, in every file: a spreadsheet's formulas find them where they were. */
const STATUSES_COLUMNS: CsvColumn<StatusesRow>[] = [
  { header: 'month', value: (r) => r.month },
  { header: 'date', value: (r) => r.date, day: true },
  { header: 'group', value: (r) => r.group },
  { header: 'overdue_amount', value: (r) => r.overdue.amount },
  { header: 'overdue_count', value: (r) => r.overdue.count },
  { header: 'qualified_amount', value: (r) => r.qualified.amount },
  { header: 'qualified_count', value: (r) => r.qualified.count },
  { header: 'qualification_rate_amount', value: (r) => r.qualificationRate.amount },
  { header: 'qualification_rate_count', value: (r) => r.qualificationRate.count },
  ...STATUS_ORDER.flatMap((status) => statusColumns(status)),
];

const RISK_COLUMNS: CsvColumn<RiskRow>[] = [
  { header: 'month', value: (r) => r.month },
  { header: 'date', value: (r) => r.date, day: true },
  { header: 'group', value: (r) => r.group },
  { header: 'customers', value: (r) => r.customers },
  { header: 'exposure_amount', value: (r) => r.exposure.amount },
  { header: 'exposure_count', value: (r) => r.exposure.count },
  { header: 'overdue_amount', value: (r) => r.overdue.amount },
  { header: 'overdue_count', value: (r) => r.overdue.count },
  ...RISK_BAND_NAMES.flatMap((band, i): CsvColumn<RiskRow>[] => [
    { header: `${band}_customers`, value: (r) => r.bands[i].customers },
    { header: `${band}_exposure`, value: (r) => r.bands[i].exposure },
    { header: `${band}_overdue`, value: (r) => r.bands[i].overdue },
  ]),
  { header: 'over_limit_customers', value: (r) => r.overLimit.customers },
  { header: 'over_limit_exposure', value: (r) => r.overLimit.exposure },
  { header: 'over_limit_excess', value: (r) => r.overLimit.excess },
  { header: 'without_limit_customers', value: (r) => r.withoutLimit.customers },
  { header: 'without_limit_exposure', value: (r) => r.withoutLimit.exposure },
  { header: 'above_cover_customers', value: (r) => r.aboveCover.customers },
  { header: 'above_cover_excess', value: (r) => r.aboveCover.excess },
  { header: 'insolvent_customers', value: (r) => r.insolvent.customers },
  { header: 'insolvent_exposure', value: (r) => r.insolvent.exposure },
  // Last, so that a spreadsheet's formulas find the earlier columns where they were.
  { header: 'without_cover_customers', value: (r) => r.withoutCover.customers },
  { header: 'without_cover_exposure', value: (r) => r.withoutCover.exposure },
];

/**
 * A pair after those for each status outside the platform's list that the
 * report holds (imports cannot write one, data stored otherwise can), as the
 * JSON lists it, so the status columns still add up to the overdue ones. One
 * whose name a column has already (a status "overdue") is named status_overdue_*.
 */
function otherStatusColumns(rows: StatusesRow[]): CsvColumn<StatusesRow>[] {
  const known = new Set(STATUS_ORDER);
  const others = [...new Set(rows.flatMap((r) => r.statuses.map((s) => s.status)))].filter((s) => !known.has(s)).sort();
  const taken = new Set(STATUSES_COLUMNS.map((c) => c.header));
  return others.flatMap((status) => statusColumns(status, taken.has(`${status}_amount`) || taken.has(`${status}_count`) ? `status_${status}` : status));
}

const OVERDUE_COLUMNS: CsvColumn<OverdueItem>[] = [
  { header: 'customer_external_id', value: (r) => r.customerExternalId },
  { header: 'customer_name', value: (r) => r.customerName },
  { header: 'customer_segment', value: (r) => r.customerSegment },
  { header: 'collector', value: (r) => r.collector },
  { header: 'invoice_external_id', value: (r) => r.invoiceExternalId },
  { header: 'number', value: (r) => r.number },
  { header: 'issue_date', value: (r) => r.issueDate, day: true },
  { header: 'due_date', value: (r) => r.dueDate, day: true },
  { header: 'currency', value: (r) => r.currency },
  { header: 'amount', value: (r) => r.amount },
  { header: 'open_amount', value: (r) => r.openAmount },
];

const OVERDUE_COLUMNS_AFTER: CsvColumn<OverdueItem>[] = [
  { header: 'days_overdue', value: (r) => r.daysOverdue },
  { header: 'bucket', value: (r) => r.bucket },
  { header: 'status', value: (r) => r.status },
  { header: 'status_date', value: (r) => r.statusDate, day: true },
  { header: 'promised_date', value: (r) => r.promisedDate, day: true },
  { header: 'late_probability', value: (r) => r.lateProbability },
  { header: 'expected_payment_date', value: (r) => r.expectedPaymentDate, day: true },
];

const AGED_COLUMNS: CsvColumn<AgedCustomer>[] = [
  { header: 'customer_external_id', value: (r) => r.customerExternalId },
  { header: 'customer_name', value: (r) => r.customerName },
  { header: 'customer_segment', value: (r) => r.customerSegment },
  { header: 'collector', value: (r) => r.collector },
  { header: 'total_amount', value: (r) => r.total.amount },
  ...BUCKETS.map((b, i): CsvColumn<AgedCustomer> => ({ header: `${b}_amount`, value: (r) => r.buckets[i].amount })),
  { header: 'overdue_amount', value: (r) => r.overdue.amount },
  { header: 'open_invoices', value: (r) => r.total.count },
  { header: 'overdue_invoices', value: (r) => r.overdue.count },
  { header: 'max_days_overdue', value: (r) => r.maxDaysOverdue },
  { header: 'credit_limit', value: (r) => r.creditLimit },
  { header: 'account_currency', value: (r) => r.accountCurrency },
  { header: 'risk_score', value: (r) => r.riskScore },
  { header: 'unapplied_credits', value: (r) => r.unappliedCredits },
  { header: 'excess_credits', value: (r) => r.excessCredits },
  { header: 'net_amount', value: (r) => r.net },
];

type CashForecastGroup = CashForecastReport['groups'][number];
type CashWeekRow = Omit<CashForecastGroup['weeks'][number], 'weekEnd'> & { group: string; weekEnd: string | null };

/**
 * A group's weeks, then what falls after the horizon (afterHorizon), open-ended from the day after the last week: its
 * rows add up to what the group has open (totalOpen), as the JSON's do, where the weeks alone came short of it.
 */
function cashRows(g: CashForecastGroup): CashWeekRow[] {
  const weeks = g.weeks.map((w) => ({ ...w, group: g.group }));
  const last = g.weeks.at(-1);
  if (!last) return weeks;
  return [...weeks, { group: g.group, weekStart: addDays(last.weekEnd, 1), weekEnd: null, expectedAmount: g.afterHorizon, cumulativeShare: g.totalOpen > 0 ? 1 : 0 }];
}

const CASH_COLUMNS: CsvColumn<CashWeekRow>[] = [
  { header: 'group', value: (w) => w.group },
  { header: 'week_start', value: (w) => w.weekStart, day: true },
  { header: 'week_end', value: (w) => w.weekEnd, day: true },
  { header: 'expected_amount', value: (w) => w.expectedAmount },
  { header: 'cumulative_share', value: (w) => w.cumulativeShare },
];

/** The columns of a report, with `consolidated_in` last when it is consolidated. */
const columnsOf = <T>(columns: CsvColumn<T>[], consolidation: Consolidation | undefined): CsvColumn<T>[] =>
  consolidation ? [...columns, { header: 'consolidated_in', value: () => consolidation.currency }] : columns;

const table = <T>(columns: CsvColumn<T>[], rows: T[], consolidation: Consolidation | undefined): Table<T> => ({ columns: columnsOf(columns, consolidation), rows });

export const agingTable = (r: AgingReport) => table(AGING_COLUMNS, r.trend, r.consolidation);
// Net of credit notes, the credits offset come last (before consolidated_in): the gross file's columns keep their place.
const DSO_CREDIT_COLUMNS: CsvColumn<DsoRow>[] = [
  { header: 'unapplied_credits', value: (r) => r.unappliedCredits ?? 0 },
  { header: 'excess_credits', value: (r) => r.excessCredits ?? 0 },
];
const CEI_CREDIT_COLUMNS: CsvColumn<CeiRow>[] = [
  { header: 'beginning_unapplied_credits', value: (r) => r.unappliedCredits?.beginning ?? 0 },
  { header: 'ending_unapplied_credits', value: (r) => r.unappliedCredits?.ending ?? 0 },
  { header: 'beginning_excess_credits', value: (r) => r.excessCredits?.beginning ?? 0 },
  { header: 'ending_excess_credits', value: (r) => r.excessCredits?.ending ?? 0 },
];

export const dsoTable = (r: DsoReport) => table([...DSO_COLUMNS, ...(r.netCredits ? DSO_CREDIT_COLUMNS : [])], r.trend, r.consolidation);
export const ceiTable = (r: CeiReport) => table([...CEI_COLUMNS, ...(r.netCredits ? CEI_CREDIT_COLUMNS : [])], r.trend, r.consolidation);
export const statusesTable = (r: StatusesReport) => table([...STATUSES_COLUMNS, ...otherStatusColumns(r.trend)], r.trend, r.consolidation);
export const riskTable = (r: RiskReport) => table(RISK_COLUMNS, r.trend, r.consolidation);
/**
 * One header and one line per invoice, nothing else: a spreadsheet that loads the file sums the columns itself, and a
 * totals line would be summed with them. Consolidated, `valued` follows the open amount.
 */
export function overdueTable(r: { items: OverdueItem[]; consolidation?: Consolidation }): Table<OverdueItem> {
  const valued: CsvColumn<OverdueItem>[] = r.consolidation ? [{ header: 'valued', value: (i) => i.valued }] : [];
  return table([...OVERDUE_COLUMNS, ...valued, ...OVERDUE_COLUMNS_AFTER], r.items, r.consolidation);
}
/** One line per customer, no totals line (a spreadsheet sums the columns itself). */
export const agedBalanceTable = (r: { customers: AgedCustomer[]; consolidation?: Consolidation }) => table(AGED_COLUMNS, r.customers, r.consolidation);
export const cashForecastTable = (r: CashForecastReport) => table(CASH_COLUMNS, r.groups.flatMap(cashRows), r.consolidation);
