// The benches' portfolio on PostgreSQL, filled set-based: C customers with a
// habitual delay, K monthly invoices each, the last two still open, the others
// paid with one allocation each. `riskEvents` adds what a risk report reads:
// credit limits, insurer covers, 0-6 provider score changes and 0-2 committee
// limit decisions per customer over the invoices' span, and a few insolvencies.
import type { Db } from '../src/db/sql.js';

export interface PortfolioOptions {
  customers: number;
  invoicesPerCustomer: number;
  /** The last invoice is issued 20 days before it. */
  asOf: string;
}

export async function seedPortfolio(db: Db, { customers: C, invoicesPerCustomer: K, asOf }: PortfolioOptions): Promise<void> {
  await db.exec(`
    INSERT INTO customers (external_id, name, segment, payment_terms_days, risk_score, payment_method)
    SELECT 'C' || g, 'Customer ' || g, (ARRAY['strategic','standard','small'])[1 + g % 3], 30, (g * 37) % 100,
           (ARRAY['transfer','cheque','card'])[1 + g % 3]
    FROM generate_series(1, ${C}) g;
    INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, settled_date, disputed)
    SELECT 'I' || c || '-' || k, c, 'F' || c || '-' || k, d, d + 30, a,
           CASE WHEN k > ${K - 2} THEN a ELSE 0 END,
           CASE WHEN k > ${K - 2} THEN NULL ELSE d + 30 + ((c % 15) - 3 + (k * 7 + c) % 5) END,
           (c * k) % 29 = 0
    FROM generate_series(1, ${C}) c, generate_series(1, ${K}) k,
         LATERAL (SELECT DATE '${asOf}' - (${K} - k) * 30 - 20 AS d, round((100 + (c * 31 + k * 17) % 5000)::numeric, 2) AS a) x;
    INSERT INTO payments (external_id, customer_id, payment_date, amount, method)
    SELECT 'P' || i.id, i.customer_id, i.settled_date, i.amount, (ARRAY['transfer','cheque','card'])[1 + i.customer_id % 3]
    FROM invoices i WHERE i.settled_date IS NOT NULL;
    INSERT INTO payment_allocations (external_id, payment_id, invoice_id, amount)
    SELECT 'A' || p.id, p.id, i.id, p.amount FROM payments p JOIN invoices i ON 'P' || i.id = p.external_id;
  `);
}

/**
 * Risk data on the portfolio's customers (ids 1..C), spread over the `days` before `asOf`: each customer's current
 * score and limit are its last event's, as an import of both leaves them; a limit on four customers in five, a cover
 * on one in three (half the limit), an insolvency on one in two hundred.
 */
export async function seedRiskEvents(db: Db, { customers: C, asOf }: PortfolioOptions, days: number): Promise<void> {
  await db.exec(`
    UPDATE customers SET credit_limit = CASE WHEN id % 5 <> 0 THEN 1000 * (2 + (id * 13) % 20) END,
                         insurer_cover = CASE WHEN id % 3 = 0 THEN 500 * (2 + (id * 13) % 20) END;
    INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, value, payload)
    SELECT 'S' || c || '-' || k, c, 'risk_score_change',
           DATE '${asOf}' - ${days} + (k * ${days} / 7) + (c % 11) + interval '9 hours', 'credit-bureau',
           (c * 37 + k * 11) % 100, jsonb_build_object('previous', (c * 37 + (k - 1) * 11) % 100)
    FROM generate_series(1, ${C}) c, generate_series(1, 6) k
    WHERE k <= (c * 5) % 7;
    INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, value, payload)
    SELECT 'L' || c || '-' || k, c, 'credit_limit_decision',
           DATE '${asOf}' - ${days} + (k * ${days} / 3) + (c % 17) + interval '14 hours', 'credit-committee',
           1000 * (2 + (c * 13 + k) % 20), jsonb_build_object('previous', 1000 * (2 + (c * 13 + k - 1) % 20))
    FROM generate_series(1, ${C}) c, generate_series(1, 2) k
    WHERE k <= c % 3 AND c % 5 <> 0;
    INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, payload)
    SELECT 'X' || c, c, 'insolvency', DATE '${asOf}' - (c % ${days}) + interval '8 hours', 'legal-gazette', '{"procedure": "Chapter 11"}'
    FROM generate_series(1, ${C}) c WHERE c % 200 = 7;
    UPDATE customers c SET risk_score = e.value
    FROM (SELECT DISTINCT ON (customer_id) customer_id, value FROM external_events WHERE kind = 'risk_score_change'
          ORDER BY customer_id, occurred_at DESC) e WHERE e.customer_id = c.id;
    UPDATE customers c SET credit_limit = e.value
    FROM (SELECT DISTINCT ON (customer_id) customer_id, value FROM external_events WHERE kind = 'credit_limit_decision'
          ORDER BY customer_id, occurred_at DESC) e WHERE e.customer_id = c.id;
  `);
}
