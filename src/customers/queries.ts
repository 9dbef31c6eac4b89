// Read models of customers for the API and the agenda: balances are computed
// in SQL from open invoices, never stored twice.
import { Type, type Static } from 'typebox';
import type { Db } from '../db/sql.js';
import type { Storage } from '../db/open.js';
import { openBalanceSql, openCreditsSql } from '../fields/balances.js';
import { VALUED_COLUMNS, valuedOpenSql } from '../fields/reporting-currency.js';
import { computedFieldsOf } from '../scoring/computed-fields.js';
import { keysetPage } from '../db/keyset.js';
import { Nullable } from '../util/nullable.js';

export const CustomerSummary = Type.Object({
  externalId: Type.String(),
  name: Type.String(),
  country: Nullable(Type.String()),
  segment: Nullable(Type.String()),
  riskScore: Nullable(Type.Number()),
  collector: Nullable(Type.String()),
  dunningScenario: Nullable(Type.String()),
  /** The currency of openAmount and overdueAmount: amounts in two currencies are not summed. */
  balanceCurrency: Type.String(),
  openAmount: Type.Number(),
  overdueAmount: Type.Number(),
  maxDaysOverdue: Nullable(Type.Integer()),
  /** Open invoices in another currency than balanceCurrency: left out of the amounts. */
  otherCurrencyOpenInvoices: Type.Integer(),
  /** Unapplied credit notes in balanceCurrency: not in openAmount. */
  openCredits: Type.Number(),
  /** openAmount less openCredits; negative when the customer is owed money. */
  netOpenAmount: Type.Number(),
  /** Every open invoice valued in REPORTING_CURRENCY at the latest rate; null when one's currency has no rate. */
  reportingOpenAmount: Nullable(Type.Number()),
  reportingOverdueAmount: Nullable(Type.Number()),
});
export type CustomerSummaryT = Static<typeof CustomerSummary>;

export const ComputedFieldSchema = Type.Object({
  name: Type.String(),
  value: Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]),
  confidence: Nullable(Type.Number()),
  reasons: Type.Unknown(),
  modelVersion: Type.String(),
  computedAt: Type.String(),
});

export const CustomerDetail = Type.Object({
  ...CustomerSummary.properties,
  sector: Nullable(Type.String()),
  companyType: Nullable(Type.String()),
  businessLine: Nullable(Type.String()),
  paymentMethod: Nullable(Type.String()),
  paymentTermsDays: Type.Integer(),
  creditLimit: Nullable(Type.Number()),
  insurerCover: Nullable(Type.Number()),
  hasEmail: Type.Boolean(),
  timezone: Nullable(Type.String()),
  currency: Type.String(),
  internalActors: Type.Object({ salesRep: Nullable(Type.String()), adv: Nullable(Type.String()) }),
  features: Type.Object({
    interactiveEmails: Type.Boolean(),
    latePenalties: Type.Boolean(),
    recoveryFee: Type.Boolean(),
    ndCover: Type.Boolean(),
  }),
  lockedFields: Type.Array(Type.String()),
  groups: Type.Array(Type.Object({ externalId: Type.String(), name: Type.String(), source: Type.String() })),
  openInvoices: Type.Integer(),
  computedFields: Type.Array(ComputedFieldSchema),
});
export type CustomerDetailT = Static<typeof CustomerDetail>;

/**
 * SQL: customer `c` is in collector `portfolio`'s portfolio, when one is given:
 * the condition (` AND …`, or nothing) and the parameters that follow
 * `params`. A collector key reads another's customer as an unknown one: a 403
 * would tell it that the customer exists.
 */
export function portfolioFilter(portfolio: string | null, params: unknown[]): { sql: string; params: unknown[] } {
  if (portfolio === null) return { sql: '', params };
  return { sql: ` AND (SELECT external_id FROM collectors WHERE id = c.collector_id) = $${params.length + 1}`, params: [...params, portfolio] };
}

/** Whether customer `externalId` exists and is in collector `portfolio`'s portfolio. */
export async function inPortfolio(db: Db, externalId: string, portfolio: string): Promise<boolean> {
  const only = portfolioFilter(portfolio, [externalId]);
  return (await db.query(`SELECT 1 FROM customers c WHERE external_id = $1${only.sql}`, only.params)).length > 0;
}

export interface ListQuery {
  segment?: string;
  collector?: string;
  country?: string;
  q?: string;
  overdueOnly?: boolean;
  limit: number;
  after?: number;
}

const SUMMARY_SELECT = `
  SELECT c.id, c.external_id AS "externalId", c.name, c.country, c.segment, c.risk_score AS "riskScore",
         col.external_id AS collector, ds.external_id AS "dunningScenario",
         COALESCE(b.currency, c.currency) AS "balanceCurrency",
         COALESCE(b.open_amount, 0) AS "openAmount", COALESCE(b.overdue_amount, 0) AS "overdueAmount",
         b.max_days_overdue AS "maxDaysOverdue", COALESCE(b.open_invoices, 0) AS "openInvoices",
         COALESCE(b.other_currency_invoices, 0) AS "otherCurrencyOpenInvoices",
         COALESCE(cr.open_credits, 0) AS "openCredits",
         COALESCE(b.open_amount, 0) - COALESCE(cr.open_credits, 0) AS "netOpenAmount",
         ${VALUED_COLUMNS('v')}
  FROM customers c
  LEFT JOIN collectors col ON col.id = c.collector_id
  LEFT JOIN dunning_scenarios ds ON ds.id = c.dunning_scenario_id
  LEFT JOIN LATERAL (${openBalanceSql('current_date', { where: 'i.customer_id = c.id' })}) b ON true
  LEFT JOIN LATERAL (${openCreditsSql({ where: 'i.customer_id = c.id' })}) cr ON cr.currency = COALESCE(b.currency, c.currency)
  LEFT JOIN LATERAL (${valuedOpenSql('current_date', 'i.customer_id = c.id')}) v ON true`;

/** SQL: `text` composed (NFC). The test first: normalize() on every name took a list of 100,000 ten times as long. */
const composed = (text: string) => `CASE WHEN ${text} IS NFC NORMALIZED THEN ${text} ELSE normalize(${text}, NFC) END`;

export async function listCustomers(db: Db, q: ListQuery) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let i = 0;
    where.push(sql.replace(/\?/g, () => {
      params.push(values[i++]);
      return `$${params.length}`;
    }));
  };
  if (q.after !== undefined) add('c.id > ?', q.after);
  if (q.segment) add('c.segment = ?', q.segment);
  if (q.country) add('c.country = ?', q.country);
  if (q.collector) add('col.external_id = ?', q.collector);
  // Contains, case-insensitive, in the name or the externalId; % and _ typed are characters, not wildcards.
  // Both sides composed (NFC): an é typed is one code point, while a name from
  // another system may hold an e and a combining accent, which "é" did not
  // find and a bare "e" did.
  if (q.q) {
    const pattern = `%${q.q.normalize('NFC').replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    add(`(${composed('c.name')} ILIKE ? OR ${composed('c.external_id')} ILIKE ?)`, pattern, pattern);
  }
  // Any invoice past due, in any currency: overdue_amount counts the balance
  // currency's only, and left out a customer late in another one.
  if (q.overdueOnly) where.push('b.max_days_overdue IS NOT NULL');
  params.push(q.limit + 1);
  const rows = await db.query<CustomerSummaryT & { id: number; openInvoices: number }>(
    `${SUMMARY_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY c.id LIMIT $${params.length}`,
    params,
  );
  const { page, nextCursor } = keysetPage(rows, q.limit);
  return { items: page.map(({ id: _id, openInvoices: _n, ...rest }) => rest), nextCursor };
}

/** `portfolio`: a collector whose customer it must be (null when any is read); null when unknown or not. */
export async function getCustomer(storage: Storage, externalId: string, portfolio: string | null = null): Promise<CustomerDetailT | null> {
  const only = portfolioFilter(portfolio, [externalId]);
  const [summary] = await storage.db.query<CustomerSummaryT & { id: number; openInvoices: number }>(`${SUMMARY_SELECT} WHERE c.external_id = $1${only.sql}`, only.params);
  if (!summary) return null;
  const c = await storage.prisma.customer.findUniqueOrThrow({
    where: { id: summary.id },
    include: { groups: { include: { group: true } } },
  });
  const fields = await computedFieldsOf(storage.db, 'customer', summary.id);
  const { id: _id, ...rest } = summary;
  return {
    ...rest,
    sector: c.sector,
    companyType: c.companyType,
    businessLine: c.businessLine,
    paymentMethod: c.paymentMethod,
    paymentTermsDays: c.paymentTermsDays,
    creditLimit: c.creditLimit === null ? null : Number(c.creditLimit),
    insurerCover: c.insurerCover === null ? null : Number(c.insurerCover),
    hasEmail: c.hasEmail,
    timezone: c.timezone,
    currency: c.currency,
    internalActors: { salesRep: c.salesRep, adv: c.adv },
    features: {
      interactiveEmails: c.interactiveEmails,
      latePenalties: c.latePenalties,
      recoveryFee: c.recoveryFee,
      ndCover: c.ndCover,
    },
    lockedFields: c.lockedFields,
    groups: c.groups.map((g) => ({ externalId: g.group.externalId, name: g.group.name, source: g.source })),
    computedFields: fields,
  };
}
