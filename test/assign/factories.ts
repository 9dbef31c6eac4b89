// Small builders of a portfolio for Search & Assign tests, written straight
// to the database: reference data, customers, open invoices, model outputs.
import type { Db } from '../../src/db/sql.js';
import { createSearch } from '../../src/searches/store.js';
import { saveRule } from '../../src/assign/rules.js';
import { saveSettings } from '../../src/assign/settings.js';
import type { Action } from '../../src/assign/actions.js';

export const COLLECTORS = ['col-a', 'col-b', 'col-legal'];
export const SCENARIOS = ['standard', 'risky', 'legal', 'automatic'];
export const GROUPS = ['risky', 'high-risk', 'low-risk', 'vip', 'watch'];

export async function seedReferences(db: Db): Promise<void> {
  await db.query(`INSERT INTO collectors (external_id, name) SELECT x, 'Collector ' || x FROM unnest($1::text[]) x`, [COLLECTORS]);
  await db.query(`INSERT INTO dunning_scenarios (external_id, name) SELECT x, 'Scenario ' || x FROM unnest($1::text[]) x`, [SCENARIOS]);
  await db.query(`INSERT INTO customer_groups (external_id, name) SELECT x, 'Group ' || x FROM unnest($1::text[]) x`, [GROUPS]);
}

export interface CustomerSpec {
  segment?: string;
  sector?: string;
  riskScore?: number | null;
  collector?: string;
  scenario?: string;
  locked?: string[];
}

export async function addCustomer(db: Db, externalId: string, spec: CustomerSpec = {}): Promise<number> {
  const [{ id }] = await db.query<{ id: number }>(
    `INSERT INTO customers (external_id, name, segment, sector, risk_score, collector_id, dunning_scenario_id, locked_fields)
     VALUES ($1, 'Customer ' || $1, $2, $3, $4,
       (SELECT id FROM collectors WHERE external_id = $5), (SELECT id FROM dunning_scenarios WHERE external_id = $6), $7::text[])
     RETURNING id`,
    [externalId, spec.segment ?? 'standard', spec.sector ?? 'retail', spec.riskScore ?? null, spec.collector ?? null, spec.scenario ?? null, spec.locked ?? []],
  );
  return id;
}

export async function setModelField(db: Db, customerId: number, name: string, value: number | string | boolean): Promise<void> {
  const col = typeof value === 'number' ? 'value_num' : typeof value === 'boolean' ? 'value_bool' : 'value_text';
  await db.query(
    `INSERT INTO computed_fields (entity_type, entity_id, name, ${col}, model_version) VALUES ('customer', $1, $2, $3, 'test@1')
     ON CONFLICT (entity_type, name, entity_id) DO UPDATE SET ${col} = EXCLUDED.${col}`,
    [customerId, name, value],
  );
}

let invoiceSeq = 0;
/** `recordedAt`: when the service learnt of the invoice (its import), now by default. */
export async function addOpenInvoice(db: Db, customerId: number, amount: number, daysOverdue: number, recordedAt?: Date): Promise<void> {
  invoiceSeq += 1;
  await db.query(
    `INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, created_at)
     VALUES ($1, $2, $1, current_date - $3::int - 30, current_date - $3::int, $4, $4, coalesce($5::timestamptz, now()))`,
    [`INV-${customerId}-${invoiceSeq}`, customerId, daysOverdue, amount, recordedAt ?? null],
  );
}

export async function addToGroup(db: Db, customerId: number, group: string, source: 'manual' | 'rule' = 'manual'): Promise<void> {
  await db.query(
    `INSERT INTO group_members (group_id, customer_id, source) SELECT id, $1, $3 FROM customer_groups WHERE external_id = $2`,
    [customerId, group, source],
  );
}

let ruleSeq = 0;
export async function addRule(db: Db, criteria: unknown, actions: Action[], options: { priority?: number; name?: string } = {}) {
  ruleSeq += 1;
  const name = options.name ?? `rule ${ruleSeq}`;
  const search = await createSearch(db, { name: `search for ${name}`, criteria });
  return saveRule(db, null, { name, searchId: search.id, priority: options.priority ?? ruleSeq, actions });
}

/**
 * The references, and one rule with hysteresis: customers above 50 join "risky",
 * a member stays down to 40 (margin 10). No dwell: only hysteresis keeps a member in.
 */
export async function riskyRuleWithHysteresis(db: Db) {
  await seedReferences(db);
  await saveSettings(db, { hysteresis: { riskScore: 10 }, dwellDays: { groups: 0 }, runOnRuleChange: false });
  return (await addRule(db, { '>': [{ var: 'riskScore' }, 50] }, [{ type: 'addToGroup', group: 'risky' }])).rule;
}

export async function customerRow(db: Db, id: number) {
  const [row] = await db.query<Record<string, unknown>>(
    `SELECT c.external_id AS "externalId", col.external_id AS collector, ds.external_id AS "dunningScenario",
       c.sales_rep AS "salesRep", c.adv, c.interactive_emails AS "interactiveEmails", c.late_penalties AS "latePenalties",
       c.recovery_fee AS "recoveryFee", c.nd_cover AS "ndCover",
       ARRAY(SELECT g.external_id || ':' || gm.source FROM group_members gm JOIN customer_groups g ON g.id = gm.group_id
             WHERE gm.customer_id = c.id ORDER BY 1) AS groups
     FROM customers c LEFT JOIN collectors col ON col.id = c.collector_id
     LEFT JOIN dunning_scenarios ds ON ds.id = c.dunning_scenario_id WHERE c.id = $1`,
    [id],
  );
  return row;
}

/** Everything a run may write, as text: equal snapshots mean nothing was written. */
export async function snapshot(db: Db): Promise<string> {
  const tables = ['customers', 'group_members', 'assignment_state', 'assignment_changes', 'assignment_runs', 'assignment_rule_members'];
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await db.query(`SELECT to_jsonb(t)::text AS j FROM ${t} t ORDER BY 1`);
    parts.push(`${t}:${rows.map((r) => (r as { j: string }).j).join('\n')}`);
  }
  return parts.join('\n---\n');
}

export const DAY = 86_400_000;
