// The customers as rules find them: current assigned values, group
// memberships (manual or by rule), fields a person locked, and the assignment
// state recent enough to hold by dwell time. One query per table, set-based.
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

const DAY_MS = 86_400_000;

export async function loadCustomerStates(q: Queryable, scope: Scope, now: Date, maxDwellDays: number): Promise<Map<number, CustomerState>> {
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
  // Only state younger than the longest dwell time can still hold a value.
  const held = await q.query<{ customerId: number; field: string; value: Value; ruleId: number | null; since: Date }>(
    `SELECT customer_id AS "customerId", field, value, rule_id AS "ruleId", since FROM assignment_state
     WHERE since > $2 AND ($1::int[] IS NULL OR customer_id = ANY($1::int[]))`,
    [ids, new Date(now.getTime() - maxDwellDays * DAY_MS)],
  );
  for (const h of held) {
    states.get(h.customerId)?.held.set(h.field, { value: h.value, ruleId: h.ruleId, since: new Date(h.since) });
  }
  return states;
}

/** Customers inside each hysteresis rule at the last applied run. */
export async function loadRuleMembers(q: Queryable, ruleIds: number[], scope: Scope): Promise<Map<number, Set<number>>> {
  const members = new Map<number, Set<number>>(ruleIds.map((id) => [id, new Set<number>()]));
  if (ruleIds.length === 0) return members;
  const rows = await q.query<{ ruleId: number; customerId: number }>(
    `SELECT rule_id AS "ruleId", customer_id AS "customerId" FROM assignment_rule_members
     WHERE rule_id = ANY($1::int[]) AND ($2::int[] IS NULL OR customer_id = ANY($2::int[]))`,
    [ruleIds, scope.customerIds ?? null],
  );
  for (const r of rows) members.get(r.ruleId)!.add(r.customerId);
  return members;
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
