// Small factories that insert AR rows straight into the tables with SQL: each
// returns the new row's id. External ids are unique per call.
import type { Db } from '../../src/db/sql.js';

let seq = 0;
const next = (prefix: string) => `${prefix}-${++seq}`;

export interface Step {
  dayOffset: number;
  channel: string;
  level: number;
  template?: string;
  automatic: boolean;
}

const one = async (db: Db, sql: string, params: unknown[]) => (await db.query<{ id: number }>(sql, params))[0].id;

export function collector(db: Db, externalId = next('COL')): Promise<number> {
  return one(db, 'INSERT INTO collectors (external_id, name) VALUES ($1, $1) RETURNING id', [externalId]);
}

export function scenario(db: Db, steps: Step[], name = 'Standard'): Promise<number> {
  return one(db, 'INSERT INTO dunning_scenarios (external_id, name, steps) VALUES ($1, $2, $3::jsonb) RETURNING id',
    [next('SCN'), name, JSON.stringify(steps)]);
}

export interface CustomerSpec {
  externalId?: string;
  name?: string;
  collectorId?: number | null;
  scenarioId?: number | null;
  riskScore?: number | null;
  segment?: string | null;
  adv?: string | null;
  currency?: string;
}

export function customer(db: Db, c: CustomerSpec = {}): Promise<number> {
  const externalId = c.externalId ?? next('CUS');
  return one(db, `INSERT INTO customers (external_id, name, collector_id, dunning_scenario_id, risk_score, segment, adv, currency)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
  [externalId, c.name ?? `Customer ${externalId}`, c.collectorId ?? null, c.scenarioId ?? null, c.riskScore ?? null,
    c.segment ?? null, c.adv ?? null, c.currency ?? 'USD']);
}

export interface InvoiceSpec {
  customerId: number;
  externalId?: string;
  number?: string;
  issueDate?: string;
  dueDate: string;
  amount: number;
  openAmount?: number;
  settledDate?: string | null;
  disputed?: boolean;
  status?: string | null;
  statusDate?: string | null;
  statusComment?: string | null;
  resolutionOwner?: string | null;
  promisedDate?: string | null;
  currency?: string;
  kind?: 'invoice' | 'credit_note';
}

export function invoice(db: Db, i: InvoiceSpec): Promise<number> {
  const externalId = i.externalId ?? next('INV');
  return one(db, `INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, settled_date,
      disputed, status, status_date, status_comment, resolution_owner, promised_date, currency, kind)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
  [externalId, i.customerId, i.number ?? externalId, i.issueDate ?? i.dueDate, i.dueDate, i.amount, i.openAmount ?? i.amount,
    i.settledDate ?? null, i.disputed ?? false, i.status ?? null, i.statusDate ?? null, i.statusComment ?? null,
    i.resolutionOwner ?? null, i.promisedDate ?? null, i.currency ?? 'USD', i.kind ?? 'invoice']);
}

export async function externalIdOf(db: Db, table: 'invoices' | 'customers' | 'collectors', id: number): Promise<string> {
  return (await db.query<{ external_id: string }>(`SELECT external_id FROM ${table} WHERE id = $1`, [id]))[0].external_id;
}

/** A payment allocated to invoices; it does not touch open_amount (the platform sends that). */
export async function payment(db: Db, customerId: number, paymentDate: string, allocations: { invoiceId: number; amount: number }[]): Promise<number> {
  const total = allocations.reduce((s, a) => s + a.amount, 0);
  const id = await one(db, `INSERT INTO payments (external_id, customer_id, payment_date, amount, method)
    VALUES ($1, $2, $3, $4, 'transfer') RETURNING id`, [next('PAY'), customerId, paymentDate, total]);
  for (const a of allocations) {
    await db.query('INSERT INTO payment_allocations (external_id, payment_id, invoice_id, amount) VALUES ($1, $2, $3, $4)',
      [next('ALL'), id, a.invoiceId, a.amount]);
  }
  return id;
}

export async function communication(
  db: Db,
  c: { customerId: number; invoiceIds: number[]; level: number; channel: string; template?: string; sentAt: string },
): Promise<number> {
  const refs = await Promise.all(c.invoiceIds.map((id) => externalIdOf(db, 'invoices', id)));
  return one(db, `INSERT INTO communications (external_id, customer_id, invoice_external_ids, channel, level, template, sent_at)
    VALUES ($1, $2, $3::text[], $4, $5, $6, $7) RETURNING id`,
  [next('COM'), c.customerId, refs, c.channel, c.level, c.template ?? null, c.sentAt]);
}

export async function computedField(
  db: Db,
  f: { entityType: 'customer' | 'invoice' | 'inbound'; entityId: number; name: string; value: number | string | boolean; confidence?: number; reasons?: unknown[] },
): Promise<void> {
  await db.query(`INSERT INTO computed_fields (entity_type, entity_id, name, value_num, value_text, value_bool, confidence, reasons, model_version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, 'test@1')`,
  [f.entityType, f.entityId, f.name, typeof f.value === 'number' ? f.value : null, typeof f.value === 'string' ? f.value : null,
    typeof f.value === 'boolean' ? f.value : null, f.confidence ?? null, JSON.stringify(f.reasons ?? [])]);
}

/** One `currency` is worth `rate` of `quoteCurrency` from `rateDate` on (the exchange-rates import). */
export async function exchangeRate(db: Db, currency: string, quoteCurrency: string, rateDate: string, rate: number): Promise<void> {
  await db.query('INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES ($1, $2, $3, $4)', [currency, quoteCurrency, rateDate, rate]);
}

export function inbound(db: Db, m: { customerId: number; receivedAt: string; subject: string; body?: string }): Promise<number> {
  return one(db, `INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
    VALUES ($1, $2, $3, $4, $5) RETURNING id`, [next('MSG'), m.customerId, m.receivedAt, m.subject, m.body ?? 'Hello']);
}

export async function actionsOf(db: Db, customerId?: number) {
  return db.query<{ id: number; dedupeKey: string; status: string; type: string; origin: string; reason: string; reasons: unknown; dueDate: string; collectorId: number | null }>(
    `SELECT id, dedupe_key AS "dedupeKey", status, type, origin, reason, reasons, due_date AS "dueDate", collector_id AS "collectorId"
     FROM actions ${customerId === undefined ? '' : 'WHERE customer_id = $1'} ORDER BY id`,
    customerId === undefined ? [] : [customerId],
  );
}

/** Empties the AR tables between tests that share one storage (DELETE: much faster than TRUNCATE on tiny tables). */
export async function wipe(db: Db): Promise<void> {
  await db.exec(`DELETE FROM actions; DELETE FROM computed_fields; DELETE FROM exchange_rates; DELETE FROM inbound_messages; DELETE FROM incentive_offers;
    DELETE FROM communications; DELETE FROM payment_allocations; DELETE FROM payments; DELETE FROM invoices;
    DELETE FROM group_members; DELETE FROM customers; DELETE FROM dunning_scenarios; DELETE FROM collectors;`);
}
