// What "open" and "overdue" mean, written once: the facts saved searches read,
// the customer list and the agenda aggregate a customer's invoices with these.
// A credit note is not a receivable: an unallocated one is no open balance,
// but credit the customer holds, kept apart (openCreditsSql).

/** The rows that make up a customer's open balance (columns of `invoices`, unqualified). */
export const OPEN_RECEIVABLES = `open_amount > 0 AND kind = 'invoice'`;

/**
 * A customer's open balance, one row per customer with open receivables.
 * Amounts in different currencies do not add up (100 EUR + 150,000 JPY is not
 * 150,100 of anything), so the amounts are in one currency: the account
 * currency when an open invoice is in it, else the currency most open invoices
 * are in. Days and counts do not depend on the currency: they cover every open
 * invoice, and other_currency_invoices says how many were left out of the
 * amounts.
 *
 * Columns: customer_id, currency, open_amount, overdue_amount (aged at `asOf`,
 * a date expression or placeholder), the `more` aggregates (over the same
 * rows, columns of `invoices` unqualified: amounts to keep in one currency),
 * and across currencies max_days_overdue (integer), open_invoices (integer),
 * other_currency_invoices (integer), oldest_due, and with `byCurrency` every
 * currency's amounts, the balance currency's too (jsonb list of currency, open,
 * overdue): a page that shows one currency's amounts can name the others.
 * `where`: a further condition on `invoices i`, e.g. `i.customer_id = c.id`
 * inside a LATERAL join.
 */
export function openBalanceSql(asOf: string, options: { more?: string; where?: string; byCurrency?: boolean } = {}): string {
  const more = options.more ? `,\n        ${options.more}` : '';
  const byCurrency = options.byCurrency
    ? `jsonb_agg(jsonb_build_object('currency', currency, 'open', open_amount::float8, 'overdue', COALESCE(overdue_amount, 0)::float8)) OVER w AS by_currency,\n      `
    : '';
  return `SELECT DISTINCT ON (customer_id) per_currency.*, ${byCurrency}
      max(currency_max_days) OVER w AS max_days_overdue,
      sum(currency_invoices) OVER w ::int AS open_invoices,
      (sum(currency_invoices) OVER w - currency_invoices)::int AS other_currency_invoices,
      min(currency_oldest_due) OVER w AS oldest_due
    FROM (
      SELECT i.customer_id, i.currency, bool_or(i.currency = account.currency) AS in_account_currency,
        sum(open_amount) AS open_amount,
        sum(open_amount) FILTER (WHERE due_date < ${asOf}) AS overdue_amount,
        max(${asOf} - due_date) FILTER (WHERE due_date < ${asOf}) AS currency_max_days,
        count(*) AS currency_invoices,
        min(due_date) AS currency_oldest_due${more}
      FROM invoices i JOIN customers account ON account.id = i.customer_id
      WHERE ${OPEN_RECEIVABLES}${options.where ? ` AND ${options.where}` : ''}
      GROUP BY i.customer_id, i.currency
    ) per_currency
    WINDOW w AS (PARTITION BY customer_id)
    ORDER BY customer_id, in_account_currency DESC, currency_invoices DESC, open_amount DESC, currency`;
}

/**
 * Unapplied credit notes, one row per customer and currency: credit the
 * customer can offset against its invoices or have refunded. Join it on the
 * balance currency. Columns: customer_id, currency, open_credits,
 * credit_notes (integer). `where`: a further condition on `invoices i`.
 */
export function openCreditsSql(options: { where?: string } = {}): string {
  return `SELECT i.customer_id, i.currency, sum(i.open_amount) AS open_credits, count(*)::int AS credit_notes
    FROM invoices i
    WHERE i.open_amount > 0 AND i.kind = 'credit_note'${options.where ? ` AND ${options.where}` : ''}
    GROUP BY i.customer_id, i.currency`;
}
