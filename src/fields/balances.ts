// What "open" and "overdue" mean, written once: the facts saved searches read,
// the customer list and the agenda aggregate a customer's invoices with these.
// A credit note is not a receivable: an unallocated one is no open balance.

/** The rows that make up a customer's open balance (columns of `invoices`, unqualified). */
export const OPEN_RECEIVABLES = `open_amount > 0 AND kind = 'invoice'`;

/**
 * Aggregates over OPEN_RECEIVABLES rows, aged at `asOf` (a date expression or
 * placeholder): open_amount, overdue_amount, max_days_overdue (integer),
 * open_invoices (integer).
 */
export function balanceAggregates(asOf: string): string {
  return `sum(open_amount) AS open_amount,
      sum(open_amount) FILTER (WHERE due_date < ${asOf}) AS overdue_amount,
      max(${asOf} - due_date) FILTER (WHERE due_date < ${asOf}) AS max_days_overdue,
      count(*)::int AS open_invoices`;
}
