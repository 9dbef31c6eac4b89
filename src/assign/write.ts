// Writing a run: its changes go into the audit first (assignment_changes),
// then set-based statements apply the run's audit rows to customers, group
// memberships and the assignment state. Every update is guarded by the old
// value the plan saw; if a concurrent writer moved a customer meanwhile, the
// counts differ and the whole run rolls back rather than audit a lie.
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';
import { SCALAR_TARGETS, SCALAR_TARGET_NAMES } from './targets.js';

export interface AuditRow {
  customerId: number;
  field: string;
  old: unknown;
  new: unknown;
  ruleId: number | null;
  ruleName: string | null;
  reasons: unknown;
}

const COLUMNS = ['run_id', 'customer_id', 'field', 'old_value', 'new_value', 'rule_id', 'rule_name', 'reasons'];
const CHUNK = 20_000;

// COPY text format: backslash escapes, \N for NULL.
const esc = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
const cell = (v: string | number | null) => (v === null ? '\\N' : esc(String(v)));
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export async function recordChanges(q: Queryable, runId: number, rows: readonly AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const data = rows
      .slice(i, i + CHUNK)
      .map((r) =>
        [runId, r.customerId, r.field, json(r.old), json(r.new), r.ruleId, r.ruleName, JSON.stringify(r.reasons)].map(cell).join('\t') + '\n',
      )
      .join('');
    await q.copyFrom('assignment_changes', COLUMNS, data);
  }
}

async function count(q: Queryable, sql: string, params: unknown[]): Promise<number> {
  const [{ n }] = await q.query<{ n: number }>(`WITH w AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM w`, params);
  return n;
}

function scalarUpdate(name: (typeof SCALAR_TARGET_NAMES)[number]): string {
  const t = SCALAR_TARGETS[name];
  const text = `ch.new_value #>> '{}'`;
  const oldText = `ch.old_value #>> '{}'`;
  let value: string;
  let guard: string;
  if ('ref' in t) {
    value = `(SELECT x.id FROM ${t.ref} x WHERE x.external_id = ${text})`;
    guard = `(SELECT x.external_id FROM ${t.ref} x WHERE x.id = c.${t.column}) IS NOT DISTINCT FROM ${oldText}`;
  } else if (t.kind === 'boolean') {
    value = `(${text})::boolean`;
    guard = `c.${t.column} IS NOT DISTINCT FROM (${oldText})::boolean`;
  } else {
    value = text;
    guard = `c.${t.column} IS NOT DISTINCT FROM ${oldText}`;
  }
  return `UPDATE customers c SET ${t.column} = ${value}, updated_at = now()
    FROM assignment_changes ch
    WHERE ch.run_id = $1 AND ch.field = '${name}' AND c.id = ch.customer_id AND ${guard}`;
}

/** Applies the audit rows of one run; throws (rolling back) if any customer moved since the plan. */
export async function writeChanges(q: Queryable, runId: number, now: Date): Promise<void> {
  const expected = new Map(
    (await q.query<{ field: string; n: number }>(
      `SELECT CASE WHEN field LIKE 'group:%' THEN 'group:' || (new_value #>> '{}') ELSE field END AS field, count(*)::int AS n
       FROM assignment_changes WHERE run_id = $1 GROUP BY 1`,
      [runId],
    )).map((r) => [r.field, r.n]),
  );
  const done = new Map<string, number>();
  for (const name of SCALAR_TARGET_NAMES) {
    if (expected.has(name)) done.set(name, await count(q, scalarUpdate(name), [runId]));
  }
  if (expected.has('group:true')) {
    done.set('group:true', await count(q,
      `INSERT INTO group_members (group_id, customer_id, source, rule_id, added_at)
       SELECT g.id, ch.customer_id, 'rule', ch.rule_id, $2 FROM assignment_changes ch
       JOIN customer_groups g ON g.external_id = substr(ch.field, 7)
       WHERE ch.run_id = $1 AND ch.field LIKE 'group:%' AND ch.new_value = 'true'::jsonb
       ON CONFLICT (group_id, customer_id) DO NOTHING`, [runId, now]));
  }
  if (expected.has('group:false')) {
    done.set('group:false', await count(q,
      `DELETE FROM group_members gm USING assignment_changes ch, customer_groups g
       WHERE ch.run_id = $1 AND ch.field LIKE 'group:%' AND ch.new_value = 'false'::jsonb
         AND g.external_id = substr(ch.field, 7) AND gm.group_id = g.id AND gm.customer_id = ch.customer_id
         AND gm.source = 'rule'`, [runId]));
  }
  const moved = [...expected].filter(([k, n]) => done.get(k) !== n).map(([k]) => k);
  if (moved.length > 0) {
    throw AR_ERR.CONFLICT([`customers changed while the run was applying (${moved.join(', ')}); nothing was written, run again`]);
  }
  await q.query(
    `INSERT INTO assignment_state (customer_id, field, value, rule_id, run_id, since)
     SELECT customer_id, field, new_value, rule_id, run_id, $2 FROM assignment_changes WHERE run_id = $1
     ON CONFLICT (customer_id, field) DO UPDATE SET value = EXCLUDED.value, rule_id = EXCLUDED.rule_id,
       run_id = EXCLUDED.run_id, since = EXCLUDED.since`,
    [runId, now],
  );
}

/** Replaces who is inside each hysteresis rule, for the customers in scope. */
export async function writeMemberships(q: Queryable, memberships: Map<number, number[]>, scopeIds: number[] | null, now: Date): Promise<void> {
  const ruleIds: number[] = [];
  const customerIds: number[] = [];
  for (const [ruleId, ids] of memberships) for (const id of ids) (ruleIds.push(ruleId), customerIds.push(id));
  await q.query('CREATE TEMP TABLE IF NOT EXISTS _assign_members (rule_id int, customer_id int, PRIMARY KEY (rule_id, customer_id)) ON COMMIT DROP');
  await q.query('TRUNCATE _assign_members');
  await q.query('INSERT INTO _assign_members SELECT * FROM unnest($1::int[], $2::int[])', [ruleIds, customerIds]);
  // Rules that lost their hysteresis (or were deleted) keep no members.
  await q.query(
    `DELETE FROM assignment_rule_members m
     WHERE ($2::int[] IS NULL OR m.customer_id = ANY($2::int[]))
       AND (NOT (m.rule_id = ANY($1::int[]))
            OR NOT EXISTS (SELECT 1 FROM _assign_members n WHERE n.rule_id = m.rule_id AND n.customer_id = m.customer_id))`,
    [[...memberships.keys()], scopeIds],
  );
  await q.query(
    `INSERT INTO assignment_rule_members (rule_id, customer_id, since)
     SELECT rule_id, customer_id, $1 FROM _assign_members ON CONFLICT (rule_id, customer_id) DO NOTHING`,
    [now],
  );
}
