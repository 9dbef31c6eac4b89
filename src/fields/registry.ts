// Every customer field a saved search, an assignment rule or a query-builder
// UI can use: stored columns, values derived from invoices, and model outputs
// (computed fields). One list; the facts query, both criteria compilers,
// GET /v1/criteria/fields and the docs all read it.
import { defineFieldRegistry, type FieldDef, type FieldType } from '../criteria/index.js';
import { EMAIL_PROMISE_LOOKBACK_DAYS } from './email-promise.js';
import { IRREGULAR_SPREAD_DAYS, PAYER_PROFILE_MIN_INVOICES, PAYER_PROFILES } from './payer-profile.js';

type Spec = [name: string, type: FieldType, label: string, description: string, extra?: Partial<FieldDef>];

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'];
export const DRIFT_KINDS = ['delay', 'method', 'engagement', 'dispute'] as const;
export const LEVERS = ['discount', 'late_penalty', 'card_payment', 'collection_agency', 'service_termination', 'none'];

const columns: Spec[] = [
  ['externalId', 'string', 'Customer id', 'Identifier in the AR platform'],
  ['name', 'string', 'Name', 'Company name'],
  ['country', 'string', 'Country', 'ISO 3166 alpha-2 code'],
  ['sector', 'string', 'Sector', 'Business sector'],
  ['companyType', 'string', 'Company type', 'public or private', { enumValues: ['public', 'private'] }],
  ['businessLine', 'string', 'Business line', 'Your business line the customer belongs to'],
  ['segment', 'string', 'Segment', 'Portfolio segment'],
  ['paymentMethod', 'string', 'Payment method', 'Usual payment method',
    { enumValues: ['transfer', 'cheque', 'card', 'direct_debit', 'cash', 'other'] }],
  ['paymentTermsDays', 'number', 'Payment terms', 'Payment terms in days', { unit: 'days', nullable: false }],
  ['creditLimit', 'number', 'Credit limit', 'Credit limit granted, in the account currency; empty for no limit, 0 for no credit granted (any open balance is over it)', { unit: 'currency' }],
  ['riskScore', 'number', 'Risk score', 'External risk score, 0 (safe) to 100 (risky)'],
  ['insurerCover', 'number', 'Insurer cover', 'Credit-insurer cover amount', { unit: 'currency' }],
  ['hasEmail', 'boolean', 'Has email', 'A billing contact email is known', { nullable: false }],
  ['currency', 'string', 'Currency', 'Account currency', { nullable: false }],
  ['timezone', 'string', 'Time zone', 'IANA time zone'],
  ['collector', 'string', 'Collector', 'externalId of the assigned collector'],
  ['dunningScenario', 'string', 'Dunning scenario', 'externalId of the dunning scenario'],
  ['salesRep', 'string', 'Sales rep', 'Internal actor: sales representative'],
  ['adv', 'string', 'ADV', 'Internal actor: sales administration'],
  ['interactiveEmails', 'boolean', 'Interactive emails', 'Feature switch', { nullable: false }],
  ['latePenalties', 'boolean', 'Late penalties', 'Feature switch', { nullable: false }],
  ['recoveryFee', 'boolean', 'Recovery fee', 'Feature switch: fixed recovery-fee indemnity', { nullable: false }],
  ['ndCover', 'boolean', 'ND cover / DCL', 'Feature switch', { nullable: false }],
  ['groups', 'stringList', 'Groups', 'externalIds of the groups the customer is in', { nullable: false }],
];

// Balance amounts are in balanceCurrency: amounts in two currencies do not add up.
const derived: Spec[] = [
  ['balanceCurrency', 'string', 'Balance currency',
    'Currency of the balance amounts below: the account currency, or, when no open invoice is in it, the currency most open invoices are in',
    { nullable: false }],
  ['otherCurrencyOpenInvoices', 'number', 'Open invoices in other currencies',
    'Open invoices not in the balance currency, so not in the balance amounts', { nullable: false }],
  ['openAmount', 'number', 'Open amount', 'Sum of open invoice amounts (balance currency)', { unit: 'currency', nullable: false }],
  ['overdueAmount', 'number', 'Overdue amount', 'Open amount past its due date', { unit: 'currency', nullable: false }],
  ['reportingOpenAmount', 'number', 'Open amount (reporting currency)',
    'Every open invoice, whatever its currency, valued in the reporting currency (REPORTING_CURRENCY) at the latest imported exchange rate, so amounts in different currencies compare; empty when a currency of the open invoices has no rate',
    { unit: 'currency' }],
  ['reportingOverdueAmount', 'number', 'Overdue amount (reporting currency)', 'Every overdue invoice valued as reportingOpenAmount', { unit: 'currency' }],
  ['overdue30Amount', 'number', 'Overdue > 30 days', 'Open amount more than 30 days past due', { unit: 'currency', nullable: false }],
  ['unqualifiedOverdue30Amount', 'number', 'Unqualified overdue > 30 days',
    'Open amount more than 30 days past due with no status qualification and not disputed', { unit: 'currency', nullable: false }],
  ['disputedAmount', 'number', 'Disputed amount', 'Open amount under dispute', { unit: 'currency', nullable: false }],
  ['openCredits', 'number', 'Unapplied credit notes',
    'Open amount of credit notes not yet offset or refunded (balance currency); not in the open amount', { unit: 'currency', nullable: false }],
  ['netOpenAmount', 'number', 'Net open amount',
    'Open amount less unapplied credit notes (balance currency): what the customer owes once credits are offset; negative when it is owed money', { unit: 'currency', nullable: false }],
  ['openInvoices', 'number', 'Open invoices', 'Number of open invoices', { nullable: false }],
  ['maxDaysOverdue', 'number', 'Days overdue (max)', 'Days past due of the oldest overdue invoice', { unit: 'days' }],
  ['agingBucket', 'string', 'Aging bucket', 'Bucket of the oldest overdue invoice', { enumValues: AGING_BUCKETS, nullable: false }],
  ['oldestOpenDueDate', 'date', 'Oldest open due date', 'Due date of the oldest open invoice'],
  ['turnover12m', 'number', 'Turnover (12 months)', 'Invoiced over the last 365 days, in the balance currency', { unit: 'currency', nullable: false }],
  ['creditLimitUsage', 'number', 'Credit limit used',
    'Open amount over the credit limit (1 = at the limit, 1.2 = 20 % over), every open invoice valued in the limit\'s currency at the latest rates; 0 with nothing open; empty with no limit, a limit of 0 and something open (no credit granted: any open balance is over it), or a currency no rate prices'],
  ['uncoveredExposure', 'number', 'Uncovered exposure (reporting currency)',
    'Open amount above the credit-insurer cover, every open invoice and the cover valued in the reporting currency at the latest rates; the whole open amount when no cover is recorded or the cover is 0 (the insurer refused to cover); empty when a currency has no rate', { unit: 'currency' }],
  ['reportingTurnover12m', 'number', 'Turnover (12 months, reporting currency)',
    'Invoiced over the last 365 days in every currency, valued in the reporting currency at the latest rate; empty when one of those currencies has no rate', { unit: 'currency' }],
  ['avgDaysLate12m', 'number', 'Average days late (12 months)', 'Mean days late of invoices settled in the last 365 days', { unit: 'days' }],
  ['payerProfile', 'string', 'Payer profile',
    `How the customer paid the invoices it settled in the last 365 days (days late, 0 when early): irregular when the middle half spreads over more than ${IRREGULAR_SPREAD_DAYS} days, ` +
    `else by the median: on_time (2 days or less), slightly_late (up to 15), late (up to 30), very_late; too_few_payments under ${PAYER_PROFILE_MIN_INVOICES} invoices`,
    { enumValues: [...PAYER_PROFILES], nullable: false }],
  ['lastPaymentDate', 'date', 'Last payment', 'Date of the last payment received'],
  ['insolvencyDate', 'date', 'Insolvency proceedings',
    'Day a provider first reported insolvency proceedings (external events); empty when none: reminders stop and the claim is declared (the risk agenda)'],
  ['emailPromisedDate', 'date', 'Promised by email',
    `Date the customer's latest email read as a promise to pay (inbound triage) promised payment by, for emails of the last ${EMAIL_PROMISE_LOOKBACK_DAYS} days; the platform need not have qualified the invoices. ` +
    'An email an import moved to another customer or day counts for the customer and day its triage read until it is triaged again'],
];

const model: Spec[] = [
  ['lateProbability', 'number', 'Late probability', 'Probability that open invoices are paid late, weighted by open amount within each currency (payment-delay model)'],
  ['lateOver30Probability', 'number', 'Late > 30 days probability', 'Probability of paying more than 30 days late, weighted as lateProbability'],
  ['expectedDaysLate', 'number', 'Expected days late', 'Expected days late of open invoices (each forecast\'s mean, as its expectedPaymentDate; early counts as 0), weighted as lateProbability', { unit: 'days' }],
  ['driftScore', 'number', 'Behaviour drift score', '0..1: how much the payment behaviour changed (drift model)'],
  ['driftAlert', 'boolean', 'Behaviour drift alert', 'A material and persistent behaviour change'],
  ...DRIFT_KINDS.map((k): Spec => [`drift${k[0].toUpperCase()}${k.slice(1)}`, 'boolean',
    `Drift: ${k}`, `Material and persistent change in ${k} behaviour`]),
  ['openDisputes', 'number', 'Open disputes (emails)', 'Inbound emails classified as disputes in the last 90 days'],
  ['sentimentTrend', 'number', 'Sentiment trend', 'Mean sentiment of the last inbound emails, -1..1'],
  ['bestSendHour', 'number', 'Best send hour', "Hour (customer's local time) reminders get answered best", { unit: 'hour' }],
  ['recommendedLever', 'string', 'Recommended lever', 'Incentive the model recommends', { enumValues: LEVERS }],
];

function toDefs(specs: Spec[], source: FieldDef['source']): FieldDef[] {
  return specs.map(([name, type, label, description, extra]) => ({
    name, type, label, description, source,
    nullable: extra?.nullable ?? true,
    sql: `f."${name}"`,
    ...extra,
  }));
}

export const CUSTOMER_FIELD_DEFS: readonly FieldDef[] = [
  ...toDefs(columns, 'column'),
  ...toDefs(derived, 'derived'),
  ...toDefs(model, 'model'),
];

export const CUSTOMER_FIELDS = defineFieldRegistry(CUSTOMER_FIELD_DEFS);

/** Computed fields written by models, by name: where they live in `computed_fields`. */
export const MODEL_FIELD_NAMES = CUSTOMER_FIELD_DEFS.filter((f) => f.source === 'model').map((f) => f.name);
