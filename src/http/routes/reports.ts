// The reports credit managers live by: aging balance, DSO, CEI, invoice statuses, risk, as of a date,
// for the portfolio, a collector, a segment or a customer group, with a monthly trend; the overdue
// statement, the invoices behind the aging's overdue buckets, a page at a time; the cash
// expected week by week ahead; JSON, CSV with ?format=csv, or an Excel workbook with ?format=xlsx. A collector key
// sees only its own portfolio. In one currency, or consolidated in the
// reporting currency (?currency=consolidated).
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExportFormatParam, exportContent, formatOf, sendTable, type ExportFormat } from '../table-export.js';
import { exportName, type NamedScope } from '../export-name.js';
import { errorResponses, ProblemRef } from '../schemas/common.js';
import {
  agingTable, agingReport, currenciesInScope, cashForecastTable, cashForecastReport, ceiTable, ceiReport, dsoTable, dsoReport, AGING_METHOD, CASH_FORECAST_METHOD, CEI_METHOD, DSO_METHOD,
  statusesTable, statusesReport, STATUSES_METHOD, riskTable, riskReport, RISK_METHOD, overdueTable, overdueItems, overdueStatement, OVERDUE_METHOD,
  agedBalance, agedCustomers, agedBalanceTable, AGED_BALANCE_METHOD,
  CONSOLIDATED, type Consolidation as ConsolidationOf, type ReportScope, type Table,
} from '../../reports/index.js';
import { served } from '../../pipeline/served.js';
import type { PaymentDelayPredictor } from '../../ml/payment-delay/index.js';
import { collectorIdOf, groupIdOf } from '../../agenda/index.js';
import { AR_ERR, invalidAt } from '../../errors.js';
import { currencyCode } from '../../ingest/checks.js';
import { collectorScope, DateParam, dayNoLaterThan, dayOrToday, refuseBoth, refuseNoCollector } from '../request-scope.js';
import { Nullable } from '../../util/nullable.js';
import { todayIso } from '../../agenda/dates.js';

const common = {
  asOf: Type.Optional({ ...DateParam, description: 'Report date, YYYY-MM-DD, at the latest tomorrow (UTC): a day that has come somewhere; today (UTC) when absent' }),
  months: Type.Integer({ minimum: 1, maximum: 36, default: 12, description: 'Months in the trend, the last ending on asOf' }),
  groupBy: Type.Union([Type.Literal('portfolio'), Type.Literal('collector'), Type.Literal('segment')], { default: 'portfolio' }),
  collector: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this collector (externalId)' })),
  segment: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only this segment' })),
  // Switches of their own rather than a value of collector or segment: both are free text an import may set to
  // anything, `(unassigned)` and `(none)` included, so no value could mean "none" without hiding a real one.
  noCollector: Type.Optional(Type.Boolean({ description: 'Only the customers with no collector: the (unassigned) group of groupBy=collector; not with collector' })),
  noSegment: Type.Optional(Type.Boolean({ description: 'Only the customers with no segment: the (none) group of groupBy=segment; not with segment' })),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only the members of this customer group (externalId), e.g. the very late or the risky customers' })),
  // One parameter rather than a separate switch: "which currency?" has one answer, a currency or all of them
  // consolidated, so no pair of parameters can contradict each other (only EUR, yet consolidated?).
  currency: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Z]{3}$' }), Type.Literal(CONSOLIDATED)], {
    description: 'Only invoices in this currency (ISO 4217), amounts as they are; required when the scope holds several. ' +
      'Or consolidated: invoices in every currency, each amount valued in REPORTING_CURRENCY with the latest imported ' +
      'exchange rate on or before its day (receivables at the date they stand on, credit sales at their issue date); ' +
      '422 AR_ERR_EXCHANGE_RATE_MISSING when a currency has no rate on a day the report needs',
  })),
  format: ExportFormatParam('csv: the trend rows as a CSV file; xlsx: the same rows as an Excel workbook (numbers as numbers, days as dates)'),
};

/** The parameters of a report of one date, without trend or grouping: the overdue statement, the aged balance. */
const oneDate = {
  asOf: common.asOf, collector: common.collector, segment: common.segment, noCollector: common.noCollector, noSegment: common.noSegment,
  group: common.group, currency: common.currency,
};
const AfterOfDate = Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'cursor: the nextCursor of the previous page, with the same asOf and the same other parameters (a cursor continues the report it came from; otherwise a 400 naming the parameter)' }));

const AmountCount = Type.Object({ amount: Type.Number(), count: Type.Integer() });
const Filters = Type.Object({
  collector: Nullable(Type.String()),
  segment: Nullable(Type.String()),
  group: Nullable(Type.String()),
  currency: Nullable(Type.String({ description: 'The currency of every amount, or consolidated (then see consolidation)' })),
  noCollector: Type.Boolean({ description: 'only the customers with no collector' }),
  noSegment: Type.Boolean({ description: 'only the customers with no segment' }),
});
const Consolidation = Type.Optional(Type.Object({
  currency: Type.String({ description: 'Every amount is in this currency (REPORTING_CURRENCY)' }),
  currencies: Type.Array(Type.String(), { description: 'The currencies of the invoices in scope' }),
  rates: Type.Array(Type.Object({ date: Type.String(), currency: Type.String(), rate: Type.Number() }), {
    description: 'What one unit of each other currency was worth in currency on each report date',
  }),
}, { description: 'Consolidated reports only (currency=consolidated)' }));

// Beside the aged amounts, not among them: a credit note has no due date to age it by.
const UnappliedCredits = {
  unappliedCredits: Type.Number({ description: 'credit notes issued by the date and not yet applied, in the same currency (consolidated: at its rate)' }),
  excessCredits: Type.Number({ description: "the part of unappliedCredits beyond what its own customer owed, which lowers no receivable" }),
  net: Type.Number({ description: "total less the credits each customer can apply to its own invoices, never below 0: total − (unappliedCredits − excessCredits)" }),
};
const AgingRow = Type.Object({
  month: Type.String(), date: Type.String(), group: Type.String(), total: AmountCount,
  buckets: Type.Array(Type.Object({ bucket: Type.String(), amount: Type.Number(), count: Type.Integer(), share: Type.Number() })),
  overdue: AmountCount, overdue30Unqualified: AmountCount, ...UnappliedCredits,
});
const DsoRow = Type.Object({
  month: Type.String(), date: Type.String(), group: Type.String(), receivables: Type.Number(), creditSales: Type.Number(),
  windowDays: Type.Integer(), standardDso: Nullable(Type.Number()), countBackDso: Type.Number(), countBackComplete: Type.Boolean(),
  currentReceivables: Type.Number({ description: 'receivables not yet due on the date' }),
  bestPossibleDso: Nullable(Type.Number({ description: 'currentReceivables / credit sales × windowDays: the DSO of payments exactly on terms' })),
  averageDaysDelinquent: Nullable(Type.Number({ description: 'overdue receivables / credit sales × windowDays: what late payment adds to the DSO' })),
  unappliedCredits: Type.Optional(Type.Number({ description: 'with netCredits: the credit notes unapplied on the date, each offset from its own customer\'s receivables' })),
  excessCredits: Type.Optional(Type.Number({ description: 'with netCredits: the part of unappliedCredits beyond what their customers owed, which offsets nothing' })),
});
const CeiRow = Type.Object({
  month: Type.String(), start: Type.String(), end: Type.String(), group: Type.String(),
  beginningReceivables: Type.Number(), creditSales: Type.Number(), endingReceivables: Type.Number(),
  endingCurrentReceivables: Type.Number(), collected: Type.Number(), cei: Nullable(Type.Number()),
  unappliedCredits: Type.Optional(Type.Object({ beginning: Type.Number(), ending: Type.Number() }, {
    description: 'with netCredits: the credit notes unapplied at the beginning and at the end, each offset from its own customer\'s receivables',
  })),
  excessCredits: Type.Optional(Type.Object({ beginning: Type.Number(), ending: Type.Number() }, {
    description: 'with netCredits: the part of unappliedCredits beyond what their customers owed, which offsets nothing',
  })),
});
// Off by default: the DSO and the CEI most read, and their figures until now, are of gross receivables.
const NetCredits = Type.Boolean({
  default: false,
  description: 'Receivables net of the credit notes not yet applied on each date, in the same currency, each against its own customer\'s ' +
    'receivables only (the overdue first), never below 0',
});
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
const StatusesRow = Type.Object({
  month: Type.String(), date: Type.String(), group: Type.String(), overdue: AmountCount, qualified: AmountCount,
  qualificationRate: Type.Object({ amount: Rate, count: Rate }, { description: 'qualified / overdue; null with nothing overdue' }),
  statuses: Type.Array(Type.Object({ status: Type.String(), amount: Type.Number(), count: Type.Integer(), share: Type.Number() })),
});

const CustomersAmount = Type.Object({ customers: Type.Integer(), exposure: Type.Number() });
const RiskRow = Type.Object({
  month: Type.String(), date: Type.String(), group: Type.String(), customers: Type.Integer({ description: 'with receivables open on the date' }),
  exposure: AmountCount, overdue: AmountCount,
  bands: Type.Array(Type.Object({
    band: Type.String({ description: 'high, medium, low (risk score on the date), unscored' }),
    customers: Type.Integer(), exposure: Type.Number(), overdue: Type.Number(), share: Type.Number({ description: 'of the exposure' }),
  })),
  overLimit: Type.Object({ customers: Type.Integer(), exposure: Type.Number(), excess: Type.Number({ description: 'the part above the limits' }) }),
  withoutLimit: CustomersAmount,
  aboveCover: Type.Object({ customers: Type.Integer(), excess: Type.Number({ description: "the part above the insurer's cover; a cover of 0 (the insurer refused): all of the exposure" }) }),
  withoutCover: CustomersAmount,
  insolvent: CustomersAmount,
});

const Bucket = Type.Object({ bucket: Type.String(), amount: Type.Number(), count: Type.Integer() });
const OverdueStatement = Type.Object({
  asOf: Type.String(),
  minDaysOverdue: Type.Integer(),
  filters: Filters,
  method: Type.String(),
  consolidation: Consolidation,
  totals: Type.Object({ overdue: AmountCount, buckets: Type.Array(Bucket, { description: '1-30, 31-60, 61-90, 90+' }) }, {
    description: 'Of the whole statement, not only this page; consolidated, in the reporting currency',
  }),
  items: Type.Array(Type.Object({
    customerExternalId: Type.String(), customerName: Type.String(), customerSegment: Nullable(Type.String()),
    collector: Nullable(Type.String({ description: "the customer's collector (externalId) now" })),
    invoiceExternalId: Type.String(), number: Type.String(), issueDate: Type.String(), dueDate: Type.String(), currency: Type.String(),
    amount: Type.Number(), openAmount: Type.Number({ description: 'open on asOf' }),
    valued: Type.Optional(Type.Number({ description: 'consolidated only: openAmount in the reporting currency at the rate of asOf' })),
    daysOverdue: Type.Integer(), bucket: Type.String(),
    status: Nullable(Type.String({ description: 'carried on asOf: promise_to_pay, payment_plan, dispute, ...; disputed when only flagged; null when unqualified' })),
    statusDate: Nullable(Type.String()),
    promisedDate: Nullable(Type.String({ description: 'promise_to_pay: the date promised; payment_plan: the next instalment' })),
    lateProbability: Nullable(Type.Number({ description: "today's statement only: stored by the last refresh" })),
    expectedPaymentDate: Nullable(Type.String({ description: "today's statement only: stored by the last refresh" })),
  })),
  nextCursor: Nullable(Type.String({ description: 'the after of the next page; null on the last' })),
});

const AgedBalance = Type.Object({
  asOf: Type.String(),
  filters: Filters,
  method: Type.String(),
  consolidation: Consolidation,
  totals: Type.Object({
    customers: Type.Integer(), total: AmountCount, overdue: AmountCount, buckets: Type.Array(Bucket, { description: 'current, 1-30, 31-60, 61-90, 90+' }),
    ...UnappliedCredits,
  }, { description: 'Of every customer of the report, not only this page: the aging balance on asOf' }),
  customers: Type.Array(Type.Object({
    customerExternalId: Type.String(), customerName: Type.String(), customerSegment: Nullable(Type.String()),
    collector: Nullable(Type.String({ description: "the customer's collector (externalId) now" })),
    total: AmountCount, overdue: AmountCount, buckets: Type.Array(Bucket),
    maxDaysOverdue: Nullable(Type.Integer({ description: 'days past due of its oldest open invoice on asOf; 0 or less when none is past due; null with none open (credits only)' })),
    creditLimit: Nullable(Type.Number({ description: 'the credit granted now, in accountCurrency; null when none is set (0: no credit)' })),
    accountCurrency: Type.String(),
    riskScore: Nullable(Type.Number({ description: 'the external risk score now' })),
    ...UnappliedCredits,
  })),
  nextCursor: Nullable(Type.String({ description: 'the after of the next page; null on the last' })),
});

const CashForecast = Type.Object({
  asOf: Type.String(),
  groupBy: Type.String(),
  filters: Filters,
  method: Type.String(),
  consolidation: Consolidation,
  modelVersion: Type.String(),
  groups: Type.Array(Type.Object({
    group: Type.String(),
    openInvoices: Type.Integer(),
    totalOpen: Type.Number(),
    weeks: Type.Array(Type.Object({ weekStart: Type.String(), weekEnd: Type.String(), expectedAmount: Type.Number(), cumulativeShare: Type.Number() })),
    afterHorizon: Type.Number(),
  })),
});

const report = <R extends Parameters<typeof Type.Array>[0]>(row: R, extra: Parameters<typeof Type.Object>[0] = {}) => Type.Object({
  asOf: Type.String(),
  groupBy: Type.String(),
  filters: Filters,
  method: Type.String(),
  consolidation: Consolidation,
  ...extra,
  groups: Type.Array(row),
  trend: Type.Array(row),
});

const ok = <S extends Parameters<typeof Type.Array>[0]>(schema: S, csvDescription: string) => ({
  200: {
    description: 'The report; CSV with format=csv, a workbook with format=xlsx',
    content: exportContent(schema, csvDescription),
  },
});

// 422: currencies that do not add up (AR_ERR_MIXED_CURRENCIES), or a consolidated report with no rate for one of them on a day it needs (AR_ERR_EXCHANGE_RATE_MISSING).
const refusals = { 422: ProblemRef, ...errorResponses };

// A report gives the ledger as it stood on its date: of a day to come it aged today's open invoices as if nothing
// would be paid by then, and gave a CEI and a DSO of sales not made yet. Tomorrow (UTC) is today somewhere.
const reportDay = (asOf: string | undefined) =>
  dayNoLaterThan(asOf, 1, (latest, day) => `asOf must not be after ${latest}: a report gives the ledger as it stood on a day that has come, got "${day}"`, 'asOf');

/**
 * A file says in its name what its amounts are, since its rows do not: aging-EUR-2026-03-31.csv, or consolidated,
 * aging-consolidated-USD-2026-03-31.csv. Without it the EUR and the USD files of one day had the same name and neither
 * said its currency. A scope with no invoice has none to name. Its scope too, as the agenda's files: a collector's,
 * aging-COL-01-EUR-2026-03-31.csv; no-collector, segment-…, no-segment, group-… (`export-name.ts`).
 */
function fileStem(name: string, r: { asOf: string; filters: NamedScope & { currency: string | null }; consolidation?: ConsolidationOf }): string {
  const currency = r.consolidation ? `${CONSOLIDATED}-${r.consolidation.currency}` : r.filters.currency;
  return exportName(name, r.filters, currency, r.asOf);
}

/** The report as asked: JSON as it is, or its rows as a file. */
function answer<R extends Parameters<typeof fileStem>[1], T>(request: FastifyRequest, reply: FastifyReply, format: ExportFormat | undefined, name: string, r: R, table: (r: R) => Table<T>) {
  const chosen = formatOf(request, reply, format);
  return chosen === 'json' ? r : sendTable(reply, chosen, fileStem(name, r), name, table(r));
}

interface ScopeQuery {
  collector?: string; segment?: string; noCollector?: boolean; noSegment?: boolean; group?: string; currency?: string; groupBy: ReportScope['groupBy'];
}

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, models, config } = app.services;

  /** Filters of the request, a collector key narrowed to its own portfolio. */
  async function scopeOf(request: Parameters<typeof collectorScope>[0], q: ScopeQuery): Promise<ReportScope> {
    // The pattern admits any three capitals: ZZZ would read as "no invoice in ZZZ", or as a report of zeros in it.
    const notACurrency = q.currency === undefined || q.currency === CONSOLIDATED ? null : currencyCode(q.currency);
    if (notACurrency !== null) throw invalidAt('querystring/currency', notACurrency);
    refuseNoCollector(request, q, 'read reports');
    refuseBoth(q.noSegment, q.segment, 'noSegment', 'segment');
    const { collector } = collectorScope(request, q.collector, 'read reports');
    if (collector !== null) await collectorIdOf(storage.db, collector); // 404 for an unknown collector
    // A segment is only a value customers carry: one none carries is a typo, not a report of zeros.
    if (q.segment !== undefined) {
      const [known] = await storage.db.query('SELECT 1 FROM customers WHERE segment = $1 LIMIT 1', [q.segment]);
      if (!known) throw AR_ERR.NOT_FOUND(['Segment', q.segment]);
    }
    if (q.group !== undefined) await groupIdOf(storage.db, q.group); // 404 for an unknown group
    const scope = { groupBy: q.groupBy, collector, segment: q.segment ?? null, group: q.group ?? null, noCollector: !!q.noCollector, noSegment: !!q.noSegment };
    if (q.currency === CONSOLIDATED) return { ...scope, currency: null, consolidatedIn: config.reportingCurrency };
    // Amounts in two currencies do not add up as they are: a scope that holds several is asked which one, or to consolidate.
    const currencies = await currenciesInScope(storage.db, scope);
    if (q.currency !== undefined) {
      if (currencies.length > 0 && !currencies.includes(q.currency)) {
        // A title of its own (the type's, as RFC 9457 wants), not "Not Found": the currency exists, this scope just has no invoice in it.
        throw AR_ERR.CURRENCY_NOT_IN_SCOPE([q.currency, currencies.join(', ')], { title: 'No invoices in this currency', currency: q.currency, currencies });
      }
      return { ...scope, currency: q.currency };
    }
    if (currencies.length > 1) {
      throw AR_ERR.MIXED_CURRENCIES([currencies.join(', '), config.reportingCurrency], { currencies });
    }
    return { ...scope, currency: currencies[0] ?? null };
  }

  app.get('/v1/reports/aging', {
    schema: {
      tags: ['reports'],
      summary: 'Aging balance: open receivables by days past due, with overdue > 30 days unqualified, and its monthly trend',
      description: AGING_METHOD,
      querystring: Type.Object(common, { additionalProperties: false }),
      response: { ...ok(report(AgingRow), 'month,date,group,total_amount,total_count,<bucket>_amount,<bucket>_count,...'), ...refusals },
    },
  }, async (request, reply) => {
    const q = request.query;
    const asOf = reportDay(q.asOf);
    const r = await agingReport(storage.db, { asOf, months: q.months, scope: await scopeOf(request, q) });
    return answer(request, reply, q.format, 'aging', r, agingTable);
  });

  app.get('/v1/reports/dso', {
    schema: {
      tags: ['reports'],
      summary: 'Days sales outstanding (standard and count-back) and its monthly trend',
      description: DSO_METHOD,
      querystring: Type.Object({
        ...common,
        windowDays: Type.Integer({ minimum: 1, maximum: 365, default: 90, description: 'Sales window of the standard method' }),
        netCredits: NetCredits,
      }, { additionalProperties: false }),
      response: { ...ok(report(DsoRow, { windowDays: Type.Integer(), netCredits: Type.Boolean() }), 'month,date,group,receivables,credit_sales,window_days,standard_dso,count_back_dso,count_back_complete,current_receivables,best_possible_dso,average_days_delinquent[,unapplied_credits,excess_credits with netCredits]'), ...refusals },
    },
  }, async (request, reply) => {
    const q = request.query;
    const asOf = reportDay(q.asOf);
    const r = await dsoReport(storage.db, { asOf, months: q.months, windowDays: q.windowDays, netCredits: q.netCredits, scope: await scopeOf(request, q) });
    return answer(request, reply, q.format, q.netCredits ? 'dso-net' : 'dso', r, dsoTable);
  });

  app.get('/v1/reports/cei', {
    schema: {
      tags: ['reports'],
      summary: 'Collection effectiveness index per month',
      description: CEI_METHOD,
      querystring: Type.Object({ ...common, netCredits: NetCredits }, { additionalProperties: false }),
      response: { ...ok(report(CeiRow, { netCredits: Type.Boolean() }), 'month,start,end,group,beginning_receivables,credit_sales,ending_receivables,ending_current_receivables,collected,cei[,beginning_unapplied_credits,ending_unapplied_credits,beginning_excess_credits,ending_excess_credits with netCredits]'), ...refusals },
    },
  }, async (request, reply) => {
    const q = request.query;
    const asOf = reportDay(q.asOf);
    const r = await ceiReport(storage.db, { asOf, months: q.months, netCredits: q.netCredits, scope: await scopeOf(request, q) });
    return answer(request, reply, q.format, q.netCredits ? 'cei-net' : 'cei', r, ceiTable);
  });

  app.get('/v1/reports/statuses', {
    schema: {
      tags: ['reports'],
      summary: 'Invoice statuses: overdue receivables by the qualification collectors gave them, the share qualified, and its monthly trend',
      description: STATUSES_METHOD,
      querystring: Type.Object(common, { additionalProperties: false }),
      response: {
        ...ok(report(StatusesRow), 'month,date,group,overdue_amount,overdue_count,qualified_amount,qualified_count,qualification_rate_amount,qualification_rate_count,<status>_amount,<status>_count,...'),
        ...refusals,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const asOf = reportDay(q.asOf);
    const r = await statusesReport(storage.db, { asOf, months: q.months, scope: await scopeOf(request, q) });
    return answer(request, reply, q.format, 'statuses', r, statusesTable);
  });

  app.get('/v1/reports/risk', {
    schema: {
      tags: ['reports'],
      summary: 'Risk: exposure by risk score band, over the credit limits and the insurer covers, in insolvency, and its monthly trend',
      description: RISK_METHOD,
      querystring: Type.Object(common, { additionalProperties: false }),
      response: {
        ...ok(report(RiskRow), 'month,date,group,customers,exposure_amount,exposure_count,overdue_amount,overdue_count,<band>_customers,<band>_exposure,<band>_overdue,...,over_limit_customers,over_limit_exposure,over_limit_excess,without_limit_customers,without_limit_exposure,above_cover_customers,above_cover_excess,insolvent_customers,insolvent_exposure,without_cover_customers,without_cover_exposure'),
        ...refusals,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const asOf = reportDay(q.asOf);
    const r = await riskReport(storage.db, { asOf, months: q.months, scope: await scopeOf(request, q) });
    return answer(request, reply, q.format, 'risk', r, riskTable);
  });

  app.get('/v1/reports/overdue', {
    schema: {
      tags: ['reports'],
      summary: 'Overdue statement: every invoice past due on the date, with its open amount, bucket, status and expected payment, and totals per bucket',
      description: OVERDUE_METHOD,
      querystring: Type.Object({
        ...oneDate,
        minDaysOverdue: Type.Integer({ minimum: 1, maximum: 36_500, default: 1, description: 'Only invoices at least this many days past due (31: over 30 days)' }),
        limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'Invoices per JSON page; the CSV has them all' }),
        after: AfterOfDate,
        format: ExportFormatParam('csv: every invoice of the statement, one line each, no totals line; xlsx: the same rows as an Excel workbook'),
      }, { additionalProperties: false }),
      response: {
        ...ok(OverdueStatement, 'customer_external_id,customer_name,customer_segment,collector,invoice_external_id,number,issue_date,due_date,currency,amount,open_amount,[valued,]days_overdue,bucket,status,status_date,promised_date,late_probability,expected_payment_date[,consolidated_in]'),
        ...refusals,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const today = todayIso();
    const asOf = q.asOf === undefined ? today : reportDay(q.asOf);
    const statement = { asOf, today, minDaysOverdue: q.minDaysOverdue, scope: await scopeOf(request, { ...q, groupBy: 'portfolio' }) };
    const format = formatOf(request, reply, q.format);
    if (format !== 'json') {
      const r = await overdueItems(storage.db, statement);
      return sendTable(reply, format, fileStem('overdue', r), 'overdue', overdueTable(r));
    }
    return overdueStatement(storage.db, { ...statement, limit: q.limit, after: q.after });
  });

  app.get('/v1/reports/aged-balance', {
    schema: {
      tags: ['reports'],
      summary: 'Aged balance by customer: each customer\'s open receivables by days past due, with the totals of all of them',
      description: AGED_BALANCE_METHOD,
      querystring: Type.Object({
        ...oneDate,
        orderBy: Type.Union([Type.Literal('name'), Type.Literal('overdue')], { default: 'name', description: 'name: A to Z; overdue: the largest overdue first (the top debtors)' }),
        limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'Customers per JSON page; the files have them all' }),
        after: AfterOfDate,
        format: ExportFormatParam('csv: every customer, one line each, no totals line; xlsx: the same rows as an Excel workbook'),
      }, { additionalProperties: false }),
      response: {
        ...ok(AgedBalance, 'customer_external_id,customer_name,customer_segment,collector,total_amount,current_amount,1-30_amount,31-60_amount,61-90_amount,90+_amount,overdue_amount,open_invoices,overdue_invoices,max_days_overdue,credit_limit,account_currency,risk_score,unapplied_credits,excess_credits,net_amount[,consolidated_in]'),
        ...refusals,
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const report = { asOf: reportDay(q.asOf), orderBy: q.orderBy, scope: await scopeOf(request, { ...q, groupBy: 'portfolio' }) };
    const format = formatOf(request, reply, q.format);
    if (format !== 'json') {
      const r = await agedCustomers(storage.db, report);
      return sendTable(reply, format, fileStem('aged-balance', r), 'aged balance', agedBalanceTable(r));
    }
    return agedBalance(storage.db, { ...report, limit: q.limit, after: q.after });
  });

  app.get('/v1/reports/cash-forecast', {
    schema: {
      tags: ['reports'],
      summary: 'Expected cash per week from the open invoices, by their predicted payment dates',
      description: CASH_FORECAST_METHOD,
      querystring: Type.Object({
        weeks: Type.Integer({ minimum: 1, maximum: 52, default: 13, description: 'Weeks ahead, the first starting today' }),
        groupBy: common.groupBy,
        collector: common.collector,
        segment: common.segment,
        noCollector: common.noCollector,
        noSegment: common.noSegment,
        group: common.group,
        currency: common.currency,
        format: common.format,
      }, { additionalProperties: false }),
      response: { ...ok(CashForecast, 'group,week_start,week_end,expected_amount,cumulative_share: each group\'s weeks, then a row of what falls after them (afterHorizon; week_end empty), so its rows add up to its totalOpen'), 503: ProblemRef, ...refusals },
    },
  }, async (request, reply) => {
    const q = request.query;
    // The client's mistakes (a scope or currency that does not exist) before the service's own 503.
    const scope = await scopeOf(request, q);
    const model = served<PaymentDelayPredictor>(models.server, 'payment-delay');
    const asOf = dayOrToday(undefined, 'asOf');
    const r = await cashForecastReport(storage.db, model, { asOf, weeks: q.weeks, scope });
    return answer(request, reply, q.format, 'cash-forecast', r, cashForecastTable);
  });
};

export default reportRoutes;
