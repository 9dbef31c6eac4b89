// The customers as rules find them: current assigned values, group
// memberships (manual or by rule), fields a person locked, and, for the
// targets rules want to change, the assignment state that may hold them by
// dwell time. One query per table, set-based.
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';
import type { CustomerState, GroupMembership, HeldState } from './resolve.js';
import { SCALAR_TARGETS, SCALAR_TARGET_NAMES, type ScalarTargetName, type Value } from './targets.js';

export interface Scope {
  /** Internal customer ids; absent = the whole portfolio. */
  customerIds?: number[];
}

const REFS = { collectors: 'col', dunning_scenarios: 'ds' } as const;

const VALUE_COLUMNS = SCALAR_TARGET_NAMES.map((name) => {
  const t = SCALAR_TARGETS[name];
  return 'ref' in t ? `${REFS[t.ref]}.external_id AS "${name}"` : `c.${t.column} AS "${name}"`;
}).join(', ');


export async function loadCustomerStates(q: Queryable, scope: Scope): Promise<Map<number, CustomerState>> {
  const ids = scope.customerIds ?? null;
  const customers = await q.query<Record<ScalarTargetName, Value> & { id: number; externalId: string; locked: string[] | null }>(
    `SELECT c.id, c.external_id AS "externalId", ${VALUE_COLUMNS}, c.locked_fields AS locked
     FROM customers c
     LEFT JOIN collectors col ON col.id = c.collector_id
     LEFT JOIN dunning_scenarios ds ON ds.id = c.dunning_scenario_id
     WHERE $1::int[] IS NULL OR c.id = ANY($1::int[])`,
    [ids],
  );
  const states = new Map<number, CustomerState>();
  for (const row of customers) {
    const values = {} as Record<ScalarTargetName, Value>;
    for (const name of SCALAR_TARGET_NAMES) values[name] = row[name] ?? null;
    states.set(row.id, {
      id: row.id,
      externalId: row.externalId,
      values,
      groups: new Map<string, GroupMembership>(),
      locked: new Set(row.locked ?? []),
      held: new Map<string, HeldState>(),
    });
  }
  const members = await q.query<{ customerId: number; group: string; source: string; ruleId: number | null }>(
    `SELECT gm.customer_id AS "customerId", cg.external_id AS "group", gm.source, gm.rule_id AS "ruleId"
     FROM group_members gm JOIN customer_groups cg ON cg.id = gm.group_id
     WHERE $1::int[] IS NULL OR gm.customer_id = ANY($1::int[])`,
    [ids],
  );
  for (const m of members) {
    states.get(m.customerId)?.groups.set(m.group, { source: m.source === 'rule' ? 'rule' : 'manual', ruleId: m.ruleId });
  }
  return states;
}

// An undo's rows keep the rule of the change they take back, which did not set
// the value they put back: every view of them credits no rule with it, as the
// assignment_state view does (the undone change keeps its rule). `run` is the
// row's assignment_runs.
export const UNDO_NO_RULE = (column: string) => `CASE WHEN run.kind <> 'undo' THEN ${column} END`;

/** Whether the customer had an invoice on record at `at` (see HeldState.onData). */
export const HAD_INVOICES_SQL = (customerId: string, at: string): string =>
  `EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = ${customerId} AND i.created_at <= ${at})`;

/**
 * Attaches the assignment state (latest change) of the given customer targets
 * when it is younger than `cutoff`: only those can still hold a value by dwell
 * time. Asked only for targets a rule wants to change, so a quiet portfolio
 * costs nothing however long its history.
 */
export async function attachHeld(q: Queryable, customers: Map<number, CustomerState>, pairs: { customerId: number; target: string }[], cutoff: Date): Promise<void> {
  if (pairs.length === 0) return;
  const rows = await q.query<{ customerId: number; field: string; value: Value; ruleId: number | null; since: Date; onData: boolean }>(
    `SELECT DISTINCT ON (ch.customer_id, ch.field) ch.customer_id AS "customerId", ch.field, ch.new_value AS value,
       ch.rule_id AS "ruleId", ch.created_at AS since, ${HAD_INVOICES_SQL('ch.customer_id', 'ch.created_at')} AS "onData"
     FROM unnest($1::int[], $2::text[]) AS x(customer_id, field)
     JOIN assignment_changes ch ON ch.customer_id = x.customer_id AND ch.field = x.field
     WHERE ch.created_at > $3
     ORDER BY ch.customer_id, ch.field, ch.id DESC`,
    [pairs.map((p) => p.customerId), pairs.map((p) => p.target), cutoff],
  );
  for (const r of rows) {
    customers.get(r.customerId)?.held.set(r.field, { value: r.value ?? null, ruleId: r.ruleId, since: new Date(r.since), onData: r.onData });
  }
}

/** Which hysteresis rules each customer was inside at the last applied run. */
export async function loadRuleMembers(q: Queryable, scope: Scope): Promise<Map<number, number[]>> {
  const rows = await q.query<{ customerId: number; ruleIds: number[] }>(
    `SELECT customer_id AS "customerId", rule_ids AS "ruleIds" FROM assignment_rule_members
     WHERE $1::int[] IS NULL OR customer_id = ANY($1::int[])`,
    [scope.customerIds ?? null],
  );
  return new Map(rows.map((r) => [r.customerId, r.ruleIds]));
}

/** A scope from customer externalIds (an API's words); unknown ids are refused. */
export async function scopeOf(q: Queryable, externalIds: string[] | undefined): Promise<Scope> {
  if (!externalIds) return {};
  const rows = await q.query<{ id: number; externalId: string }>(
    'SELECT id, external_id AS "externalId" FROM customers WHERE external_id = ANY($1::text[])',
    [externalIds],
  );
  if (rows.length < new Set(externalIds).size) {
    const known = new Set(rows.map((r) => r.externalId));
    const unknown = externalIds.filter((e) => !known.has(e)).slice(0, 20);
    throw AR_ERR.VALIDATION([`unknown customers: ${unknown.join(', ')}`], { unknown });
  }
  return { customerIds: rows.map((r) => r.id).sort((a, b) => a - b) };
}
