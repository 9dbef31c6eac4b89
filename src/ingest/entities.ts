// What the AR platform can import, entity by entity: field names (camelCase, as
// in the API), their types and rules, the column each lands in, and the
// references resolved by externalId. The validator, the SQL loader and the
// OpenAPI documentation are all generated from this one list.

import { REPORTING_CURRENCY_SQL } from '../fields/reporting-currency.js';
import { allOf, countryCode, currencyCode, dateOrder, instantsAfter, notLongBefore, overAllocated, timeZone, canonicalZone, underAllocated, type RowCheck, type ValueCheck } from './checks.js';
import { STEP_CHANNELS, STEP_DAY_MAX, STEP_DAY_MIN, STEP_LEVEL_MAX, stepsProblem } from '../agenda/steps.js';

// A deposit or a pro forma is paid ahead of the invoice, by weeks: a year is the most that is still that.
const MAX_DAYS_PAID_AHEAD = 365;
// Rates are kept as numeric(24,10): ten decimals (one rial is 0.0000237 USD) and fourteen digits before them.
const MIN_RATE = 1e-10;
const MAX_RATE = 1e13;

export type FieldType =
  | 'text'
  | 'int'
  | 'money' // decimal, 2 places
  | 'float'
  | 'bool'
  | 'date' // YYYY-MM-DD
  | 'timestamp' // ISO 8601
  | 'textList'
  | 'json';

export interface ImportField {
  name: string;
  type: FieldType;
  /** Target column; absent for reference fields, which resolve to `ref.column`. */
  column?: string;
  required?: boolean;
  enum?: readonly string[];
  min?: number;
  /** The value must be strictly greater than `min`. */
  exclusiveMin?: boolean;
  max?: number;
  /** Longest text (characters) a text cell, or each item of a list, may hold. */
  maxLength?: number;
  /** Most items a list may hold. */
  maxItems?: number;
  description: string;
  /**
   * SQL used when the value is missing (the column's own default). `{customer}`
   * stands for the row's customer, resolved from its customerExternalId.
   */
  default?: string;
  /**
   * The default also fills a new row when the file has no such column at all,
   * instead of the table's own (which cannot read the reporting currency or
   * the customer's); rows already stored keep their value.
   */
  defaultsNewRows?: boolean;
  /** A rule on a text value beyond its type (a code, a time zone): the reason it is wrong, or null. */
  valid?: ValueCheck;
  /** What a json field holds at its top: refused otherwise, from a CSV cell as from NDJSON. */
  jsonShape?: 'object' | 'array';
  /** The spelling stored for a text value `valid` accepted, where one value has several (a zone's name in any case, its aliases). */
  canonical?: (value: string) => string;
  /** Resolved by externalId into a foreign key. */
  ref?: { table: string; column: string };
}

export interface ImportEntity {
  name: string;
  table: string;
  description: string;
  fields: ImportField[];
  /** Upsert key columns (in the target table). */
  key: string[];
  /**
   * Other writers lock many rows of the table at once, in id order (the
   * triage's publisher, a Search & Assign run's apply or undo): the import
   * locks the rows it sends again in id order too, before its upsert, which
   * locks them in file order, so that neither holds a row the other waits for
   * while waiting for one the other holds.
   */
  lockInIdOrder?: boolean;
  /**
   * Other writers add rows of the table too, in key order (a Search & Assign
   * run's group joins). For an entity whose key is all it writes: the import
   * adds its new rows in key order too, so that neither waits for a row the
   * other added while holding one the other waits for, and takes a row another
   * writer added meanwhile as one already there, where its plain insert failed
   * on the unique key once that writer committed.
   */
  addsInKeyOrder?: boolean;
  /**
   * What a stored row changing in one of `columns` sets off, in SQL run in the
   * import's transaction before its upsert (after the lock of lockInIdOrder):
   * `{changed}` stands for a query of the ids of the stored rows the file
   * changes in one of them (the columns the file leaves out change nothing).
   */
  onChange?: { columns: string[]; sql: string };
  /** SQL expressions for columns derived from others; `{fieldName}` stands for that field's staged value. */
  derived?: {
    column: string;
    sql: string;
    dependsOn: string[];
    /**
     * For a row already stored, when the file has no `unlessSent` column: what
     * the column becomes, `{fieldName}` standing for the field's value after
     * the update and `t.column` for the stored row's before it.
     */
    stored?: { unlessSent: string; sql: string };
  }[];
  /** Row-level check across fields; returns a reason when the row is wrong. */
  check?: RowCheck;
  /**
   * Checks against what is stored, run in SQL once the file is staged: each
   * query reads the staging table `stg` and returns `line` and `reason` for
   * the rows to refuse (ordered by line).
   */
  stagedChecks?: string[];
  /**
   * Tables whose imports check their rows against this entity's (allocations
   * against the amounts of invoices and payments). Their import lock is taken
   * shared before the checks and held to the commit: an import of that table,
   * which takes it alone, cannot check against what this one is changing,
   * nor this one against rows it has not committed. Imports sharing it run at once.
   */
  checkedBy?: string[];
}

// An invoice or a payment sent without its currency is in its customer's, a
// customer's in the currency the company reports in: a US dollar default put
// a euro ledger's amounts in dollars.
const CUSTOMER_CURRENCY = `COALESCE({customer}.currency, ${REPORTING_CURRENCY_SQL})`;

// Longest text a cell may hold, by what it holds: well beyond what an ERP
// writes there, well short of a file pasted into a cell by mistake, which was
// stored whole and then sent back in every list and agenda item.
const ID = 200; // identifiers, references, document and phone numbers, codes: as the API's own externalIds
const NAME = 500;
const EMAIL = 320; // RFC 3696: 64 before the @, 255 after
const DESCRIPTION = 2000; // as saved searches and rules take
const COMMENT = 10_000;
const SUBJECT = 2000; // as POST /v1/inbound/score takes
// Quoted replies make long emails; a megabyte of text is past any of them.
const EMAIL_BODY = 1_000_000;
// Invoices one reminder or one offer names: a statement of account lists a few
// hundred at most. A million ids in one row was stored whole, then unnested by
// every rescore and searched by every agenda plan of the customer.
const INVOICES_NAMED = 1000;

const PAYMENT_METHODS = ['transfer', 'cheque', 'card', 'direct_debit', 'cash', 'other'] as const;

const externalId: ImportField = {
  name: 'externalId',
  type: 'text',
  column: 'external_id',
  required: true,
  maxLength: ID,
  description: 'Identifier in the AR platform; the upsert key',
};

const customerRef = (required: boolean): ImportField => ({
  name: 'customerExternalId',
  type: 'text',
  required,
  maxLength: ID,
  ref: { table: 'customers', column: 'customer_id' },
  description: 'externalId of the customer',
});

const col = (
  name: string,
  column: string,
  type: FieldType,
  description: string,
  extra: Partial<ImportField> = {},
): ImportField => ({ name, column, type, description, ...extra });

export const ENTITIES: readonly ImportEntity[] = [
  {
    name: 'collectors',
    table: 'collectors',
    description: 'Collectors (credit or collection agents) that customers are assigned to',
    key: ['external_id'],
    fields: [
      externalId,
      col('name', 'name', 'text', 'Full name', { required: true, maxLength: NAME }),
      col('email', 'email', 'text', 'Work email', { maxLength: EMAIL }),
      col('active', 'active', 'bool', 'Still taking customers (default true)', { default: 'true' }),
    ],
  },
  {
    name: 'dunning-scenarios',
    table: 'dunning_scenarios',
    description: 'Dunning scenarios: ordered steps relative to the due date',
    key: ['external_id'],
    fields: [
      externalId,
      col('name', 'name', 'text', 'Scenario name', { required: true, maxLength: NAME }),
      col('description', 'description', 'text', 'What the scenario is for', { maxLength: DESCRIPTION }),
      col('steps', 'steps', 'json', `[{ dayOffset, channel, level, template, automatic }], dayOffset in days from the due date (${STEP_DAY_MIN} to ${STEP_DAY_MAX}), channel one of ${STEP_CHANNELS.join(', ')}, level 0-${STEP_LEVEL_MAX}`, { required: true, jsonShape: 'array' }),
    ],
    check: (row) => stepsProblem(row.steps),
  },
  {
    name: 'customer-groups',
    table: 'customer_groups',
    description: 'Customer groups (manual, or filled by assignment rules)',
    key: ['external_id'],
    fields: [
      externalId,
      col('name', 'name', 'text', 'Group name', { required: true, maxLength: NAME }),
      col('description', 'description', 'text', 'What the group is for', { maxLength: DESCRIPTION }),
    ],
  },
  {
    name: 'customers',
    table: 'customers',
    description: 'Customer accounts',
    key: ['external_id'],
    lockInIdOrder: true,
    fields: [
      externalId,
      col('name', 'name', 'text', 'Company name', { required: true, maxLength: NAME }),
      col('country', 'country', 'text', 'ISO 3166 alpha-2 country code', { maxLength: ID, valid: countryCode }),
      col('sector', 'sector', 'text', 'Business sector', { maxLength: NAME }),
      col('companyType', 'company_type', 'text', 'public or private', { enum: ['public', 'private'] }),
      col('businessLine', 'business_line', 'text', 'Your business line the customer belongs to', { maxLength: NAME }),
      col('segment', 'segment', 'text', 'Portfolio segment (strategic, standard, small, ...)', { maxLength: NAME }),
      col('paymentMethod', 'payment_method', 'text', 'Usual payment method', { enum: PAYMENT_METHODS }),
      col('paymentTermsDays', 'payment_terms_days', 'int', 'Payment terms in days (default 30)', { min: 0, max: 365, default: '30' }),
      col('creditLimit', 'credit_limit', 'money', 'Credit limit granted: blank for no limit, 0 for no credit granted', { min: 0 }),
      col('riskScore', 'risk_score', 'float', 'External risk score, 0 (safe) to 100 (risky)', { min: 0, max: 100 }),
      col('insurerCover', 'insurer_cover', 'money', 'Credit-insurer cover amount', { min: 0 }),
      col('email', 'email', 'text', 'Billing contact email', { maxLength: EMAIL }),
      col('phone', 'phone', 'text', 'Billing contact phone', { maxLength: ID }),
      col('timezone', 'timezone', 'text', 'IANA time zone, e.g. America/Chicago (stored as Intl names it: europe/paris as Europe/Paris)', { maxLength: ID, valid: timeZone, canonical: canonicalZone }),
      col('currency', 'currency', 'text', 'ISO 4217 currency (default: REPORTING_CURRENCY)', { default: REPORTING_CURRENCY_SQL, defaultsNewRows: true, maxLength: ID, valid: currencyCode }),
      {
        name: 'collectorExternalId',
        type: 'text',
        maxLength: ID,
        ref: { table: 'collectors', column: 'collector_id' },
        description: 'externalId of the assigned collector',
      },
      {
        name: 'dunningScenarioExternalId',
        type: 'text',
        maxLength: ID,
        ref: { table: 'dunning_scenarios', column: 'dunning_scenario_id' },
        description: 'externalId of the dunning scenario',
      },
      col('salesRep', 'sales_rep', 'text', 'Internal actor: sales representative', { maxLength: NAME }),
      col('adv', 'adv', 'text', 'Internal actor: sales administration (ADV)', { maxLength: NAME }),
      col('interactiveEmails', 'interactive_emails', 'bool', 'Feature switch: interactive emails', { default: 'true' }),
      col('latePenalties', 'late_penalties', 'bool', 'Feature switch: late-payment penalties', { default: 'false' }),
      col('recoveryFee', 'recovery_fee', 'bool', 'Feature switch: fixed recovery-fee indemnity', { default: 'false' }),
      col('ndCover', 'nd_cover', 'bool', 'Feature switch: ND cover / discretionary credit limit (DCL)', { default: 'false' }),
    ],
    derived: [{ column: 'has_email', sql: "({email} IS NOT NULL AND {email} <> '')", dependsOn: ['email'] }],
  },
  {
    name: 'group-members',
    table: 'group_members',
    description: 'Manual members of customer groups',
    key: ['group_id', 'customer_id'],
    addsInKeyOrder: true,
    fields: [
      {
        name: 'groupExternalId',
        type: 'text',
        required: true,
        maxLength: ID,
        ref: { table: 'customer_groups', column: 'group_id' },
        description: 'externalId of the group',
      },
      customerRef(true),
    ],
  },
  {
    name: 'invoices',
    table: 'invoices',
    description: 'Invoices and credit notes',
    key: ['external_id'],
    fields: [
      externalId,
      customerRef(true),
      col('number', 'number', 'text', 'Invoice number as printed', { required: true, maxLength: ID }),
      col('kind', 'kind', 'text', 'invoice or credit_note (default invoice)', { enum: ['invoice', 'credit_note'], default: "'invoice'" }),
      col('issueDate', 'issue_date', 'date', 'Issue date', { required: true }),
      col('dueDate', 'due_date', 'date', 'Due date', { required: true }),
      col('amount', 'amount', 'money', 'Amount including tax (credit notes too are positive)', { required: true, min: 0 }),
      col('openAmount', 'open_amount', 'money', 'Amount still open (default: amount, or 0 once settled; an invoice sent again without it keeps its own while partly paid)', { min: 0 }),
      col('currency', 'currency', 'text', "ISO 4217 currency (default: the customer's)", { default: CUSTOMER_CURRENCY, defaultsNewRows: true, maxLength: ID, valid: currencyCode }),
      col('disputed', 'disputed', 'bool', 'Disputed by the customer', { default: 'false' }),
      col('settledDate', 'settled_date', 'date', 'Date the invoice was fully paid'),
      col('status', 'status', 'text', 'Status qualification by a collector', {
        enum: ['promise_to_pay', 'dispute', 'litigation', 'waiting_credit_note', 'payment_plan', 'paid_not_received', 'none'],
      }),
      col('statusDate', 'status_date', 'date', 'When the status was set'),
      col('statusComment', 'status_comment', 'text', "Collector's comment on the status", { maxLength: COMMENT }),
      col('resolutionOwner', 'resolution_owner', 'text', 'Who must resolve it (sales, logistics, ...)', { maxLength: NAME }),
      col('promisedDate', 'promised_date', 'date', 'Date promised by the customer'),
      col('poNumber', 'po_number', 'text', 'Purchase-order number', { maxLength: ID }),
    ],
    derived: [
      {
        column: 'open_amount',
        sql: 'COALESCE({openAmount}, CASE WHEN {settledDate} IS NULL THEN {amount} ELSE 0 END)',
        dependsOn: ['openAmount', 'amount', 'settledDate'],
        // A file without the column (a sync of statuses) says nothing of what was paid: a
        // partly paid invoice keeps its open amount, within its amount. One settled now is
        // closed; one fully open, or settled before and no longer, is open for its amount.
        stored: {
          unlessSent: 'openAmount',
          sql: `CASE WHEN {settledDate} IS NOT NULL THEN 0
                     WHEN t.settled_date IS NOT NULL OR t.open_amount = t.amount THEN {amount}
                     ELSE LEAST(t.open_amount, {amount}) END`,
        },
      },
    ],
    stagedChecks: [underAllocated('invoices', 'invoice')],
    checkedBy: ['payment_allocations'],
    check: allOf(
      dateOrder('issueDate', 'dueDate'),
      dateOrder('issueDate', 'promisedDate'),
      notLongBefore('issueDate', 'settledDate', MAX_DAYS_PAID_AHEAD),
      (row) => typeof row.openAmount === 'number' && typeof row.amount === 'number' && row.openAmount > row.amount ? 'openAmount is larger than amount' : null,
      (row) => typeof row.openAmount === 'number' && row.openAmount > 0 && typeof row.settledDate === 'string'
        ? `openAmount is ${row.openAmount} but settledDate says the invoice was paid in full (send openAmount 0, or no settledDate while it is partly paid)`
        : null,
    ),
  },
  {
    name: 'payments',
    table: 'payments',
    description: 'Payments received',
    key: ['external_id'],
    fields: [
      externalId,
      customerRef(true),
      col('paymentDate', 'payment_date', 'date', 'Value date', { required: true }),
      col('amount', 'amount', 'money', 'Amount received', { required: true, min: 0, exclusiveMin: true }),
      col('currency', 'currency', 'text', "ISO 4217 currency (default: the customer's)", { default: CUSTOMER_CURRENCY, defaultsNewRows: true, maxLength: ID, valid: currencyCode }),
      col('method', 'method', 'text', 'Payment method', { required: true, enum: PAYMENT_METHODS }),
    ],
    stagedChecks: [underAllocated('payments', 'payment')],
    checkedBy: ['payment_allocations'],
  },
  {
    name: 'payment-allocations',
    table: 'payment_allocations',
    description: 'How payments are allocated to invoices (partial payments allowed)',
    key: ['external_id'],
    fields: [
      externalId,
      {
        name: 'paymentExternalId',
        type: 'text',
        required: true,
        maxLength: ID,
        ref: { table: 'payments', column: 'payment_id' },
        description: 'externalId of the payment',
      },
      {
        name: 'invoiceExternalId',
        type: 'text',
        required: true,
        maxLength: ID,
        ref: { table: 'invoices', column: 'invoice_id' },
        description: 'externalId of the invoice',
      },
      col('amount', 'amount', 'money', 'Amount allocated', { required: true, min: 0, exclusiveMin: true }),
    ],
    stagedChecks: [overAllocated('payments', 'payment'), overAllocated('invoices', 'invoice')],
  },
  {
    name: 'communications',
    table: 'communications',
    description: 'Outbound reminders and other sends, with what the customer did with them',
    key: ['external_id'],
    fields: [
      externalId,
      customerRef(true),
      col('invoiceExternalIds', 'invoice_external_ids', 'textList', 'Invoices the send was about', { maxLength: ID, maxItems: INVOICES_NAMED }),
      col('channel', 'channel', 'text', 'Channel', { required: true, enum: STEP_CHANNELS }),
      col('level', 'level', 'int', 'Dunning level (1 = first reminder)', { min: 0, max: 10, default: '1' }),
      col('template', 'template', 'text', 'Template key', { maxLength: ID }),
      col('sentAt', 'sent_at', 'timestamp', 'Sent at', { required: true }),
      col('openedAt', 'opened_at', 'timestamp', 'First open'),
      col('machineOpen', 'machine_open', 'bool', 'The open came from a privacy proxy, not a person', { default: 'false' }),
      col('clickedAt', 'clicked_at', 'timestamp', 'First click'),
      col('repliedAt', 'replied_at', 'timestamp', 'First reply'),
      col('bouncedAt', 'bounced_at', 'timestamp', 'Bounce'),
    ],
    check: instantsAfter('sentAt', ['openedAt', 'clickedAt', 'repliedAt', 'bouncedAt']),
  },
  {
    name: 'inbound-messages',
    table: 'inbound_messages',
    description: 'Emails received from customers',
    key: ['external_id'],
    lockInIdOrder: true,
    // The triage read the text, the day and the customer (its balance, its clock): an email sent again with
    // another is triaged again, by the import once committed when it changed few emails
    // (src/inbound/import-triage.ts), else by the next refresh, and published again after it (src/inbound/triage.ts).
    // Until then it keeps its triage, shown as stale (its revision goes up past triaged_revision), and a
    // triage reading the email before this commit stores nothing for it. Not triaged in this transaction:
    // it would hold the rows locked for the model's time.
    // One sent again as it was keeps its triage: a sync sends the same emails every day. The comparison costs
    // a pass over the file: 50,000 emails sent again, 0.13-0.82 s on PostgreSQL, 0.57-1.52 s on PGlite (busy machine).
    onChange: {
      columns: ['customer_id', 'received_at', 'subject', 'body'],
      sql: `WITH changed AS ({changed})
        UPDATE inbound_messages m SET revision = m.revision + 1 FROM changed WHERE m.id = changed.id`,
    },
    fields: [
      externalId,
      customerRef(false),
      col('receivedAt', 'received_at', 'timestamp', 'Received at', { required: true }),
      col('sender', 'sender', 'text', 'Sender address', { maxLength: EMAIL }),
      col('subject', 'subject', 'text', 'Subject line', { maxLength: SUBJECT, default: "''" }),
      col('body', 'body', 'text', 'Plain-text body', { required: true, maxLength: EMAIL_BODY }),
    ],
  },
  {
    name: 'incentive-offers',
    table: 'incentive_offers',
    description: 'Incentives offered (discount, penalties, card link, agency, termination) and what followed',
    key: ['external_id'],
    fields: [
      externalId,
      customerRef(true),
      col('lever', 'lever', 'text', 'Lever', {
        required: true,
        enum: ['discount', 'late_penalty', 'card_payment', 'collection_agency', 'service_termination'],
      }),
      col('offeredAt', 'offered_at', 'timestamp', 'Offered at', { required: true }),
      col('invoiceExternalIds', 'invoice_external_ids', 'textList', 'Invoices concerned', { maxLength: ID, maxItems: INVOICES_NAMED }),
      col('terms', 'terms', 'json', 'Terms, a JSON object, e.g. {"discountPct": 2, "withinDays": 10}', { default: "'{}'::jsonb", jsonShape: 'object' }),
      col('propensity', 'propensity', 'float', 'Probability the policy chose this lever', { min: 0, max: 1 }),
      col('outcome', 'outcome', 'text', 'What happened', { enum: ['paid', 'partially_paid', 'ignored', 'churned'] }),
      col('outcomeAt', 'outcome_at', 'timestamp', 'When the outcome was known'),
      col('daysToPay', 'days_to_pay', 'float', 'Days from offer to payment', { min: 0 }),
    ],
  },
  {
    name: 'exchange-rates',
    table: 'exchange_rates',
    description: 'Exchange rates: one currency is worth rate of quoteCurrency from rateDate on (the agenda ranks amounts in several currencies in REPORTING_CURRENCY, and consolidated reports are valued in it)',
    key: ['currency', 'quote_currency', 'rate_date'],
    fields: [
      col('currency', 'currency', 'text', 'ISO 4217 code of the currency priced', { required: true, maxLength: ID, valid: currencyCode }),
      col('quoteCurrency', 'quote_currency', 'text', 'ISO 4217 code it is priced in', { required: true, maxLength: ID, valid: currencyCode }),
      col('rateDate', 'rate_date', 'date', 'First day the rate holds', { required: true }),
      col('rate', 'rate', 'float', `Units of quoteCurrency for one unit of currency (${MIN_RATE} to ${MAX_RATE})`, { required: true, min: 0, exclusiveMin: true, max: MAX_RATE }),
    ],
    check: allOf(
      (row) => (row.currency === row.quoteCurrency ? 'quoteCurrency is the currency itself' : null),
      (row) => (typeof row.rate === 'number' && row.rate < MIN_RATE ? `rate ${row.rate} is below ${MIN_RATE}, the smallest rate its ten decimals keep` : null),
    ),
  },
  {
    name: 'external-events',
    table: 'external_events',
    description: 'Events from credit-information providers and insurers',
    key: ['external_id'],
    fields: [
      externalId,
      customerRef(true),
      col('kind', 'kind', 'text', 'Event kind', {
        required: true,
        enum: ['risk_score_change', 'insolvency', 'address_change', 'director_change', 'credit_limit_decision'],
      }),
      col('occurredAt', 'occurred_at', 'timestamp', 'When it happened', { required: true }),
      col('source', 'source', 'text', 'Provider', { maxLength: NAME }),
      col('value', 'value', 'float', 'New score or limit, when the event has one'),
      col('payload', 'payload', 'json', 'Anything else the provider sent, a JSON object', { default: "'{}'::jsonb", jsonShape: 'object' }),
    ],
  },
];

export const ENTITY_NAMES = ENTITIES.map((e) => e.name);

export function findEntity(name: string): ImportEntity | undefined {
  return ENTITIES.find((e) => e.name === name);
}
