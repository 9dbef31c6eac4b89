// What an invoice had open on a past day, written once: the reports age the
// receivables of past dates with it, the risk agenda dates a credit-limit
// overrun with it.
//
//   open(d) = amount − allocations paid on or before d
//             − the part closed without an allocation, if closed by d
// The last term is for ledgers that settle invoices without sending the
// allocations: amount − open_amount − Σ allocations is closed "somehow"; it
// counts as closed on the settled date, or always when there is none. With
// complete allocations it is zero and open(d) = amount − allocations ≤ d.
// Equivalently open(d) = open_amount + allocations paid after d (+ that part
// while d is before the settled date), which only needs payments after the
// first day asked about: that is how it is computed.
//
// Invoices only: credit notes are neither aged nor held against a limit.

export type DocumentKind = 'invoice' | 'credit_note' | 'both';

export interface OpenOnScope {
  /** SQL date expression: the first day asked about (allocations paid after it are read). */
  firstDay: string;
  /** SQL date expression: the last day asked about (invoices issued after it are left out). */
  lastDay: string;
  /** FROM clause naming `invoices i`, with any join that narrows or labels the invoices. */
  from: string;
  /** Further columns of `cand` (`, sc.grp`), taken from the FROM clause. */
  columns?: string;
  /** Further condition on the invoices (` AND …`). */
  where?: string;
  /** Condition narrowing `later`'s allocations (`pa`), when the scope is small enough for it to pay. */
  allocations?: string;
  /**
   * The documents read: invoices (the default), or credit notes, whose open amount is the part not yet applied, or
   * both (`kind` tells them apart), to hold a customer's credits against its own invoices.
   */
  kind?: DocumentKind;
}

/**
 * CTEs `later` (allocations paid after the first day: invoice_id,
 * payment_date, amount) and `inv` (the invoices that may be open on some day
 * asked about, with `unexplained`, the part closed without an allocation),
 * `cand` between them.
 */
export function openOnCtes({ firstDay, lastDay, from, columns = '', where = '', allocations, kind = 'invoice' }: OpenOnScope): string {
  return `later AS (
  SELECT pa.invoice_id, p.payment_date, pa.amount
  FROM payment_allocations pa JOIN payments p ON p.id = pa.payment_id
  WHERE p.payment_date > ${firstDay}${allocations ? ` AND ${allocations}` : ''}
),
cand AS (
  SELECT i.id, i.customer_id, i.issue_date, i.due_date, i.amount, i.open_amount, i.settled_date, i.currency${columns}
  FROM ${from}
  WHERE ${kind === 'both' ? `i.kind IN ('invoice', 'credit_note')` : `i.kind = '${kind}'`} AND i.issue_date <= ${lastDay}${where}
    AND (i.open_amount > 0 OR i.settled_date > ${firstDay} OR i.id IN (SELECT invoice_id FROM later))
),
inv AS (
  SELECT cand.*, cand.amount - cand.open_amount - COALESCE(al.total, 0) AS unexplained
  FROM cand LEFT JOIN LATERAL (SELECT sum(amount) AS total FROM payment_allocations WHERE invoice_id = cand.id) al ON true
)`;
}

/**
 * open(day) of an `inv` row issued by then; `paidAfter`: the sum of its
 * `later` allocations paid after that day (NULL for none).
 */
export const openOnSql = (inv: string, day: string, paidAfter: string) =>
  `GREATEST(0, LEAST(${inv}.amount, ${inv}.open_amount + COALESCE(${paidAfter}, 0)
      + CASE WHEN ${inv}.settled_date > ${day} THEN ${inv}.unexplained ELSE 0 END))`;
