// The customer facts: one row per customer with every registry field as a
// column. Saved searches run as `SELECT id FROM (<facts>) f WHERE <criteria>`
// and in-memory evaluation reads the same rows, so both see the same values.
import type { Db } from '../db/sql.js';
import { openBalanceSql, openCreditsSql } from './balances.js';
import { emailPromiseSql, promiseInScopeSql } from './email-promise.js';
import { payerProfileSql, TOO_FEW_PAYMENTS } from './payer-profile.js';
import { utcDay } from '../db/sql-values.js';
import { CUSTOMER_FIELD_DEFS } from './registry.js';
import { VALUED_COLUMNS, valuationSql, valuedOpenSql } from './reporting-currency.js';

const MODEL_FIELDS = CUSTOMER_FIELD_DEFS.filter((f) => f.source === 'model');

function pivot(): string {
  return MODEL_FIELDS.map((f) => {
    const col = f.type === 'number' ? 'value_num' : f.type === 'boolean' ? 'value_bool' : 'value_text';
    const agg = f.type === 'boolean' ? 'bool_or' : 'max';
    return `${agg}(${col}) FILTER (WHERE name = '${f.name}') AS "${f.name}"`;
  }).join(',\n      ');
}

/**
 * The facts query. `asOf` is a parameter placeholder for the date balances are
 * aged at (default current_date); `where` narrows the customers (e.g. one id).
 * `customerIds` is a placeholder for an int[] of customer ids: it narrows every
 * aggregate too, so facts of a few customers do not cost a portfolio's.
 *
 * The exchange rates are valued once per query and materialised: one row per
 * currency whoever the customers are, so nothing is lost by computing them
 * whole. The per-customer aggregates stay subqueries, each read once, which
 * the planner narrows to the customers a `where` names; a CTE of them would be
 * computed for the whole portfolio, even for one customer's facts.
 */
export function customerFactsSql(options: { asOf?: string; where?: string; customerIds?: string } = {}): string {
  const asOf = options.asOf ?? 'current_date';
  const only = (col: string) => (options.customerIds ? `AND ${col} = ANY(${options.customerIds}::int[])` : '');
  const where = [options.where, options.customerIds ? `c.id = ANY(${options.customerIds}::int[])` : undefined].filter(Boolean);
  const invoicedInTheYear = (i: string) => `${i}.kind = 'invoice' AND ${i}.issue_date > ${asOf} - 365 ${only(`${i}.customer_id`)}`;
  return `WITH rates AS MATERIALIZED (${valuationSql(asOf)})
  SELECT c.id,
    c.external_id AS "externalId", c.name, c.country, c.sector, c.company_type AS "companyType",
    c.business_line AS "businessLine", c.segment, c.payment_method AS "paymentMethod",
    c.payment_terms_days AS "paymentTermsDays", c.credit_limit::float8 AS "creditLimit", c.risk_score AS "riskScore",
    c.insurer_cover::float8 AS "insurerCover", c.has_email AS "hasEmail", c.currency, c.timezone,
    col.external_id AS collector, ds.external_id AS "dunningScenario", c.sales_rep AS "salesRep", c.adv,
    c.interactive_emails AS "interactiveEmails", c.late_penalties AS "latePenalties",
    c.recovery_fee AS "recoveryFee", c.nd_cover AS "ndCover",
    COALESCE(g.groups, ARRAY[]::text[]) AS groups,
    COALESCE(o.currency, c.currency) AS "balanceCurrency",
    COALESCE(o.other_currency_invoices, 0)::float8 AS "otherCurrencyOpenInvoices",
    COALESCE(o.open_amount, 0)::float8 AS "openAmount",
    COALESCE(o.overdue_amount, 0)::float8 AS "overdueAmount",
    ${VALUED_COLUMNS('v')},
    -- The open balance, every currency valued, against the limit granted in the account currency. A limit of 0
    -- is no credit granted: 0 with nothing open, and no ratio once something is (the risk agenda reviews it).
    CASE WHEN v.customer_id IS NULL AND c.credit_limit IS NOT NULL THEN 0
         WHEN c.credit_limit > 0 AND v.priced AND fxl.rate IS NOT NULL THEN v.open_amount / (c.credit_limit * fxl.rate)
    END::float8 AS "creditLimitUsage",
    -- What the credit insurer would not pay if the customer failed: the open
    -- balance, every currency valued, above the cover (account currency). No
    -- cover recorded: all of it; a cover of 0 (the insurer refused) is 0 in any
    -- currency, all of it too, with or without a rate of the account currency.
    CASE WHEN v.customer_id IS NULL THEN 0
         WHEN v.priced AND (c.insurer_cover IS NULL OR c.insurer_cover = 0 OR fxl.rate IS NOT NULL)
           THEN GREATEST(v.open_amount - COALESCE(c.insurer_cover * fxl.rate, 0), 0)
    END::float8 AS "uncoveredExposure",
    COALESCE(o.overdue30_amount, 0)::float8 AS "overdue30Amount",
    COALESCE(o.unqualified30_amount, 0)::float8 AS "unqualifiedOverdue30Amount",
    COALESCE(o.disputed_amount, 0)::float8 AS "disputedAmount",
    COALESCE(cr.open_credits, 0)::float8 AS "openCredits",
    (COALESCE(o.open_amount, 0) - COALESCE(cr.open_credits, 0))::float8 AS "netOpenAmount",
    COALESCE(o.open_invoices, 0)::float8 AS "openInvoices",
    o.max_days_overdue::float8 AS "maxDaysOverdue",
    CASE WHEN o.max_days_overdue IS NULL OR o.max_days_overdue <= 0 THEN 'current'
         WHEN o.max_days_overdue <= 30 THEN '1-30' WHEN o.max_days_overdue <= 60 THEN '31-60'
         WHEN o.max_days_overdue <= 90 THEN '61-90' ELSE '90+' END AS "agingBucket",
    o.oldest_due AS "oldestOpenDueDate",
    COALESCE(t.turnover, 0)::float8 AS "turnover12m",
    CASE WHEN tv.customer_id IS NULL THEN 0 WHEN tv.priced THEN tv.turnover END::float8 AS "reportingTurnover12m",
    h.avg_days_late::float8 AS "avgDaysLate12m",
    COALESCE(h.payer_profile, '${TOO_FEW_PAYMENTS}') AS "payerProfile",
    p.last_payment AS "lastPaymentDate",
    ep.promised AS "emailPromisedDate",
    ins.insolvency_day AS "insolvencyDate",
    ${MODEL_FIELDS.map((f) => `m."${f.name}"`).join(', ')}
  FROM customers c
  LEFT JOIN collectors col ON col.id = c.collector_id
  LEFT JOIN dunning_scenarios ds ON ds.id = c.dunning_scenario_id
  LEFT JOIN (
    SELECT gm.customer_id, array_agg(cg.external_id ORDER BY cg.external_id) AS groups
    FROM group_members gm JOIN customer_groups cg ON cg.id = gm.group_id WHERE true ${only('gm.customer_id')} GROUP BY gm.customer_id
  ) g ON g.customer_id = c.id
  LEFT JOIN (
    ${openBalanceSql(asOf, {
      more: `sum(open_amount) FILTER (WHERE due_date < ${asOf} - 30) AS overdue30_amount,
        sum(open_amount) FILTER (WHERE due_date < ${asOf} - 30 AND (status IS NULL OR status = 'none') AND NOT disputed) AS unqualified30_amount,
        sum(open_amount) FILTER (WHERE disputed OR status IN ('dispute', 'litigation')) AS disputed_amount`,
      where: options.customerIds ? `i.customer_id = ANY(${options.customerIds}::int[])` : undefined,
    })}
  ) o ON o.customer_id = c.id
  LEFT JOIN (
    ${openCreditsSql({ where: options.customerIds ? `i.customer_id = ANY(${options.customerIds}::int[])` : undefined })}
  ) cr ON cr.customer_id = c.id AND cr.currency = COALESCE(o.currency, c.currency)
  LEFT JOIN (${valuedOpenSql(asOf, options.customerIds ? `i.customer_id = ANY(${options.customerIds}::int[])` : undefined, 'rates')}) v ON v.customer_id = c.id
  -- One row per currency already; DISTINCT ON says so to the planner, which
  -- then drops the join from queries that do not read creditLimitUsage (a
  -- join to a CTE as such is never dropped, and would value the rates).
  LEFT JOIN (SELECT DISTINCT ON (currency) currency, rate FROM rates) fxl ON fxl.currency = c.currency
  LEFT JOIN (
    SELECT i.customer_id, i.currency, sum(i.amount) AS turnover FROM invoices i WHERE ${invoicedInTheYear('i')} GROUP BY i.customer_id, i.currency
  ) t ON t.customer_id = c.id AND t.currency = COALESCE(o.currency, c.currency)
  LEFT JOIN (
    -- Each invoice of the year valued in its own currency, which comes to the
    -- sums by currency valued (numeric products and sums are exact) without
    -- adding those up a second time. Unknown if a currency has no rate.
    SELECT i.customer_id, bool_and(fx.rate IS NOT NULL) AS priced, sum(i.amount * fx.rate) AS turnover
    FROM invoices i LEFT JOIN rates fx ON fx.currency = i.currency
    WHERE ${invoicedInTheYear('i')}
    GROUP BY i.customer_id
  ) tv ON tv.customer_id = c.id
  LEFT JOIN (
    SELECT customer_id, avg(GREATEST(settled_date - due_date, 0)) AS avg_days_late,
      ${payerProfileSql('GREATEST(settled_date - due_date, 0)')} AS payer_profile
    FROM invoices WHERE kind = 'invoice' AND settled_date > ${asOf} - 365 ${only('customer_id')} GROUP BY customer_id
  ) h ON h.customer_id = c.id
  LEFT JOIN (SELECT customer_id, max(payment_date) AS last_payment FROM payments WHERE true ${only('customer_id')} GROUP BY customer_id) p ON p.customer_id = c.id
  LEFT JOIN (
    SELECT customer_id, min(${utcDay('occurred_at')}) AS insolvency_day FROM external_events
    WHERE kind = 'insolvency' AND ${utcDay('occurred_at')} <= ${asOf} ${only('customer_id')} GROUP BY customer_id
  ) ins ON ins.customer_id = c.id
  LEFT JOIN (${emailPromiseSql(asOf, options.customerIds ? promiseInScopeSql((id) => `${id} = ANY(${options.customerIds}::int[])`) : undefined)}) ep ON ep.customer_id = c.id
  LEFT JOIN (
    SELECT entity_id,
      ${pivot()}
    FROM computed_fields WHERE entity_type = 'customer' ${only('entity_id')} GROUP BY entity_id
  ) m ON m.entity_id = c.id
  ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
}

export type CustomerFacts = Record<string, unknown> & { id: number; externalId: string };

/** Loads facts rows for in-memory evaluation (all customers, or some ids). */
export async function loadCustomerFacts(db: Db, ids?: number[]): Promise<CustomerFacts[]> {
  if (ids) return db.query<CustomerFacts>(customerFactsSql({ customerIds: '$1' }), [ids]);
  return db.query<CustomerFacts>(customerFactsSql());
}
