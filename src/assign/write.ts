// Writing a run: its changes are staged in a temporary table, applied to
// customers and group memberships, then written into the audit
// (assignment_changes, whose latest row per customer and field is the
// assignment state), each by one set-based statement. Every update is guarded
// by the old value the plan saw; if a concurrent writer moved a customer
// meanwhile, the counts differ and the whole run rolls back rather than audit
// a lie. One move is no conflict: a customer an import put in a group the run
// was adding them to is where the rule wants them; the run leaves that join
// out of its audit, as if the import had come before the run planned.
import { AR_ERR } from '../errors.js';
import { copyCell, type Queryable } from '../db/sql.js';
import { SCALAR_TARGETS, SCALAR_TARGET_NAMES, type ScalarTargetName } from './targets.js';
import { lockAppliesOrRefuse } from './apply-lock.js';

/** One change to write: reasons as JSON text (the quoted values may be added by SQL). */
export interface StagedChange {
  customerId: number;
  field: string;
  old: unknown;
  new: unknown;
  ruleId: number | null;
  ruleName: string | null;
  reasons: string;
}

const STAGE_COLUMNS = ['customer_id', 'field', 'old_value', 'new_value', 'rule_id', 'rule_name', 'reasons'];
const CHUNK = 20_000;

const cell = copyCell;
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** The run's changes into a temporary table (_assign_plan): what the audit and the updates read. */
export async function stageChanges(q: Queryable, rows: readonly StagedChange[]): Promise<void> {
  await q.query('DROP TABLE IF EXISTS _assign_plan');
  await q.query(`CREATE TEMP TABLE _assign_plan (customer_id int, field text, old_value jsonb, new_value jsonb,
    rule_id int, rule_name text, reasons jsonb) ON COMMIT DROP`);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const data = rows
      .slice(i, i + CHUNK)
      .map((r) => [r.customerId, r.field, json(r.old), json(r.new), r.ruleId, r.ruleName, r.reasons].map(cell).join('\t') + '\n')
      .join('');
    await q.copyFrom('_assign_plan', STAGE_COLUMNS, data);
  }
}

/** SQL that adds the quoted facts to each change's reasons (`p` is the staged change). */
export interface ValuesSql {
  from: string;
  expr: string;
}

/** Writes the staged changes into the audit, dated `now` (where dwell times start). */
export async function recordStaged(q: Queryable, runId: number, now: Date, values?: ValuesSql): Promise<void> {
  const reasons = values ? `p.reasons || jsonb_build_object('values', ${values.expr})` : 'p.reasons';
  await q.query(
    `INSERT INTO assignment_changes (run_id, customer_id, field, old_value, new_value, rule_id, rule_name, reasons, created_at)
     SELECT $1, p.customer_id, p.field, p.old_value, p.new_value, p.rule_id, p.rule_name, ${reasons}, $2
     FROM _assign_plan p ${values ? `LEFT JOIN ${values.from} ON f.id = p.customer_id` : ''}`,
    [runId, now],
  );
}

async function count(q: Queryable, sql: string, params: unknown[]): Promise<number> {
  const [{ n }] = await q.query<{ n: number }>(`WITH w AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM w`, params);
  return n;
}

/** One statement for every scalar target, so each customer row is rewritten once. */
function scalarUpdate(): string {
  const cols = SCALAR_TARGET_NAMES.map((n, i) => `bool_or(field = '${n}') AS has${i},
      max(new_value #>> '{}') FILTER (WHERE field = '${n}') AS new${i},
      max(old_value #>> '{}') FILTER (WHERE field = '${n}') AS old${i}`);
  const current = (n: ScalarTargetName) => {
    const t = SCALAR_TARGETS[n];
    return 'ref' in t ? `(SELECT x.external_id FROM ${t.ref} x WHERE x.id = c.${t.column})` : `c.${t.column}`;
  };
  const value = (n: ScalarTargetName, i: number) => {
    const t = SCALAR_TARGETS[n];
    if ('ref' in t) return `(SELECT x.id FROM ${t.ref} x WHERE x.external_id = p.new${i})`;
    return t.kind === 'boolean' ? `p.new${i}::boolean` : `p.new${i}`;
  };
  const old = (n: ScalarTargetName, i: number) => (SCALAR_TARGETS[n].kind === 'boolean' ? `p.old${i}::boolean` : `p.old${i}`);
  return `WITH p AS (
      SELECT customer_id, ${cols.join(',\n      ')}
      FROM _assign_plan WHERE field NOT LIKE 'group:%' GROUP BY customer_id
    )
    UPDATE customers c SET ${SCALAR_TARGET_NAMES.map((n, i) => `${SCALAR_TARGETS[n].column} = CASE WHEN p.has${i} THEN ${value(n, i)} ELSE c.${SCALAR_TARGETS[n].column} END`).join(',\n      ')},
      updated_at = now()
    FROM p WHERE c.id = p.customer_id
      AND ${SCALAR_TARGET_NAMES.map((n, i) => `(NOT p.has${i} OR ${current(n)} IS NOT DISTINCT FROM ${old(n, i)})`).join('\n      AND ')}
      -- A person may lock a field after the plan was read and before this
      -- update: the lock wins, and the counts tell the run to stop.
      AND NOT (${SCALAR_TARGET_NAMES.map((n, i) => `(p.has${i} AND '${n}' = ANY(COALESCE(c.locked_fields, ARRAY[]::text[])))`).join(' OR ')})`;
}

const SCALAR_UPDATE = scalarUpdate();

// The update locks its customers in the order its join meets them (the
// table's, once it hashes the plan); an import sending some of them again
// locks them in id order (lockInIdOrder). Each could hold a row the other
// waits for while waiting for one the other holds, and PostgreSQL would fail
// one of the two: the rows are locked in id order first. NO KEY UPDATE: what
// the update takes, its SET leaving the key alone; counted, not sent back.
// The customers whose memberships change too: a person's lock of their groups
// (an update of the row) then waits for the run, and one saved before is seen
// by LOCKED_GROUPS. The foreign key's share lock a membership takes on its
// customer never waits for this one.
const LOCK_IN_ID_ORDER = `SELECT count(*) AS n FROM (
    SELECT 1 FROM customers c WHERE c.id IN (SELECT customer_id FROM _assign_plan)
    ORDER BY c.id FOR NO KEY UPDATE OF c) locked`;

// A staged membership change on a customer whose groups are locked: the plan
// held locked ones back, so a person locked them since the plan read them.
const LOCKED_GROUPS = `SELECT count(*)::int AS n FROM _assign_plan ch JOIN customers c ON c.id = ch.customer_id
  WHERE ch.field LIKE 'group:%' AND ('groups' = ANY(COALESCE(c.locked_fields, ARRAY[]::text[])) OR ch.field = ANY(COALESCE(c.locked_fields, ARRAY[]::text[])))`;

// A membership is a row no writer can lock before it exists: one adding a
// pair another has added without committing waits for that writer to end.
// An import of group members adds its pairs in key order (group, customer),
// and so does this insert, so that neither waits for a pair the other added
// while holding one the other waits for (a deadlock). A pair the import
// committed meanwhile is not added again: it is sent back as already joined,
// found by grouping (planned pairs seen once), not by joining what was added:
// the planner, which cannot count the plan's rows, looped over them (a
// 100,000-join run ran for minutes).
const JOIN_GROUPS = `WITH planned AS (
    SELECT g.id AS group_id, ch.customer_id, ch.field, ch.rule_id FROM _assign_plan ch
    JOIN customer_groups g ON g.external_id = substr(ch.field, 7)
    WHERE ch.field LIKE 'group:%' AND ch.new_value = 'true'::jsonb
  ), added AS (
    INSERT INTO group_members (group_id, customer_id, source, rule_id, added_at)
    SELECT group_id, customer_id, 'rule', rule_id, $1 FROM planned ORDER BY group_id, customer_id
    ON CONFLICT (group_id, customer_id) DO NOTHING RETURNING group_id, customer_id
  )
  SELECT (SELECT count(*) FROM added)::int AS added,
    COALESCE((SELECT json_agg(json_build_object('customerId', customer_id, 'field', field)) FROM (
      SELECT customer_id, max(field) AS field FROM (
        SELECT group_id, customer_id, field FROM planned UNION ALL SELECT group_id, customer_id, NULL FROM added
      ) pairs GROUP BY group_id, customer_id HAVING count(*) = 1
    ) skipped), '[]'::json) AS "alreadyJoined"`;

/** A join the plan staged that another writer made first: the customer is in the group, put there by someone else. */
export interface AlreadyJoined {
  customerId: number;
  field: string;
}

/** One key per customer and field, to find a change among those already joined. */
export const changeKey = (c: { customerId: number; field: string }): string => `${c.customerId}\t${c.field}`;

/**
 * Applies the staged changes; throws (rolling back) if any customer moved
 * since the plan. Joins another writer made meanwhile are taken out of the
 * staged changes and returned: what is left is what was written, which the
 * audit (recordStaged, after this) records.
 */
export async function writeChanges(q: Queryable, now: Date): Promise<AlreadyJoined[]> {
  const [expected] = await q.query<{ scalar: number; joins: number; leaves: number }>(
    `SELECT count(DISTINCT customer_id) FILTER (WHERE field NOT LIKE 'group:%')::int AS scalar,
            count(*) FILTER (WHERE field LIKE 'group:%' AND new_value = 'true'::jsonb)::int AS joins,
            count(*) FILTER (WHERE field LIKE 'group:%' AND new_value = 'false'::jsonb)::int AS leaves
     FROM _assign_plan`,
  );
  const done = { scalar: 0, joins: 0, leaves: 0 };
  let alreadyJoined: AlreadyJoined[] = [];
  if (expected.scalar + expected.joins + expected.leaves === 0) return [];
  await q.query(LOCK_IN_ID_ORDER);
  if (expected.scalar > 0) done.scalar = await count(q, SCALAR_UPDATE, []);
  if (expected.joins + expected.leaves > 0) {
    const [{ n }] = await q.query<{ n: number }>(LOCKED_GROUPS);
    if (n > 0) throw AR_ERR.CONFLICT([`${n} group change${n === 1 ? '' : 's'} of the run ${n === 1 ? 'is' : 'are'} on groups a person locked while the run was applying; nothing was written, run again`]);
  }
  if (expected.joins > 0) {
    const [joined] = await q.query<{ added: number; alreadyJoined: AlreadyJoined[] }>(JOIN_GROUPS, [now]);
    alreadyJoined = joined.alreadyJoined;
    done.joins = joined.added + alreadyJoined.length;
  }
  if (expected.leaves > 0) {
    done.leaves = await count(q,
      `DELETE FROM group_members gm USING _assign_plan ch, customer_groups g
       WHERE ch.field LIKE 'group:%' AND ch.new_value = 'false'::jsonb
         AND g.external_id = substr(ch.field, 7) AND gm.group_id = g.id AND gm.customer_id = ch.customer_id
         AND gm.source = 'rule'`, []);
  }
  const moved = (['scalar', 'joins', 'leaves'] as const).filter((k) => done[k] !== expected[k]);
  if (moved.length > 0) {
    throw AR_ERR.CONFLICT([`customers changed, or were locked, while the run was applying (${moved.join(', ')}); nothing was written, run again`]);
  }
  if (alreadyJoined.length > 0) {
    await q.query(
      'DELETE FROM _assign_plan p USING unnest($1::int[], $2::text[]) AS x(customer_id, field) WHERE p.customer_id = x.customer_id AND p.field = x.field',
      [alreadyJoined.map((j) => j.customerId), alreadyJoined.map((j) => j.field)],
    );
  }
  return alreadyJoined;
}

/**
 * Stores which hysteresis rules each customer is inside, writing only customers
 * whose set changed, and records each change under the run so an undo can put
 * it back.
 */
export async function writeMemberships(
  q: Queryable, runId: number, next: Map<number, number[]>, previous: Map<number, number[]>, now: Date,
): Promise<void> {
  const upsert = [...next].filter(([id, rules]) => !sameRules(rules, previous.get(id)));
  const gone = [...previous.keys()].filter((id) => !next.has(id));
  const changed = [...upsert.map(([id]) => id), ...gone];
  if (changed.length === 0) return;
  const rulesText = (rules: number[] | undefined) => (rules === undefined ? null : JSON.stringify(rules));
  await q.query(
    `INSERT INTO assignment_member_changes (run_id, customer_id, old_rule_ids, new_rule_ids)
     SELECT $1, x.id, ${intArray('x.o')}, ${intArray('x.n')} FROM unnest($2::int[], $3::text[], $4::text[]) AS x(id, o, n)`,
    [runId, changed, changed.map((id) => rulesText(previous.get(id))), changed.map((id) => rulesText(next.get(id)))],
  );
  await setMemberships(q, upsert, gone, now);
}

/** Two sorted rule sets alike; none (undefined) is like no other. */
const sameRules = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/** Reads a JSON list of ids as int[], null staying null. */
const intArray = (col: string) => `CASE WHEN ${col} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${col}::jsonb)::int) END`;

/** Writes the rule sets of `upsert` and deletes the rows of `gone`. */
async function setMemberships(q: Queryable, upsert: [number, number[]][], gone: number[], now: Date): Promise<void> {
  if (gone.length > 0) await q.query('DELETE FROM assignment_rule_members WHERE customer_id = ANY($1::int[])', [gone]);
  if (upsert.length === 0) return;
  await q.query(
    `INSERT INTO assignment_rule_members (customer_id, rule_ids, updated_at)
     SELECT x.id, ${intArray('x.r')}, $3 FROM unnest($1::int[], $2::text[]) AS x(id, r)
     ON CONFLICT (customer_id) DO UPDATE SET rule_ids = EXCLUDED.rule_ids, updated_at = EXCLUDED.updated_at`,
    [upsert.map(([id]) => id), upsert.map(([, rules]) => JSON.stringify(rules)), now],
  );
}

/**
 * Undoes, rule by rule, how run `runId` changed which rules each customer is
 * inside, except the rules a later run changed again for that customer (one
 * undone since put its changes back): undone, a customer is judged by the
 * criteria it was judged by before.
 */
export async function restoreMemberships(q: Queryable, runId: number, now: Date): Promise<void> {
  type Row = { customerId: number; old: number[] | null; new: number[] | null };
  const changed = await q.query<Row & { current: number[] | null }>(
    `SELECT mc.customer_id AS "customerId", mc.old_rule_ids AS old, mc.new_rule_ids AS new, rm.rule_ids AS current
     FROM assignment_member_changes mc LEFT JOIN assignment_rule_members rm ON rm.customer_id = mc.customer_id
     WHERE mc.run_id = $1`,
    [runId],
  );
  const later = await q.query<Row>(
    `SELECT mc.customer_id AS "customerId", mc.old_rule_ids AS old, mc.new_rule_ids AS new
     FROM assignment_member_changes mc JOIN assignment_runs r ON r.id = mc.run_id
     WHERE mc.run_id > $1 AND mc.customer_id = ANY($2::int[]) AND r.status <> 'undone'`,
    [runId, changed.map((r) => r.customerId)],
  );
  const touchedLater = new Map<number, Set<number>>();
  for (const r of later) {
    const touched = touchedLater.get(r.customerId) ?? new Set<number>();
    for (const id of ruleSetDifference(r.old ?? [], r.new ?? [])) touched.add(id);
    touchedLater.set(r.customerId, touched);
  }
  const upsert: [number, number[]][] = [];
  const gone: number[] = [];
  for (const r of changed) {
    const current = r.current ?? [];
    const restored = undoMembership(current, r.old ?? [], r.new ?? [], touchedLater.get(r.customerId) ?? new Set());
    if (sameRules(restored, current)) continue;
    if (restored.length > 0) upsert.push([r.customerId, restored]);
    else if (r.current !== null) gone.push(r.customerId);
  }
  await setMemberships(q, upsert, gone, now);
}

/**
 * Forgets who is inside these rules: their criteria changed (the saved search
 * edited, or another one chosen), and a member kept by the loosened criteria
 * was let in by the old ones, never judged by the new. The next run judges
 * every customer by the new criteria as if entering. Runs recorded before keep
 * no basis for these rules either, so undoing one neither puts a customer back
 * inside them nor takes one out. Refused while a run applies (409, nothing
 * saved): it would write the old criteria's members after this.
 */
export async function forgetRuleMembers(q: Queryable, ruleIds: readonly number[]): Promise<void> {
  if (ruleIds.length === 0) return;
  await lockAppliesOrRefuse(q, 'the change of criteria');
  const params = [[...ruleIds]];
  await q.query(`UPDATE assignment_rule_members SET rule_ids = ${withoutRules('rule_ids')} WHERE rule_ids && $1::int[]`, params);
  await q.query('DELETE FROM assignment_rule_members WHERE cardinality(rule_ids) = 0');
  await q.query(
    `UPDATE assignment_member_changes SET old_rule_ids = ${withoutRules('old_rule_ids')}, new_rule_ids = ${withoutRules('new_rule_ids')}
     WHERE old_rule_ids && $1::int[] OR new_rule_ids && $1::int[]`,
    params,
  );
}

/** A column of rule ids but those in $1, in their order; null (no row) stays null. */
const withoutRules = (col: string) =>
  `CASE WHEN ${col} IS NULL THEN NULL ELSE ARRAY(SELECT u.id FROM unnest(${col}) WITH ORDINALITY AS u(id, n) WHERE u.id <> ALL($1::int[]) ORDER BY u.n) END`;

/** Rules in one set and not the other. */
const ruleSetDifference = (a: readonly number[], b: readonly number[]): number[] =>
  [...a.filter((id) => !b.includes(id)), ...b.filter((id) => !a.includes(id))];

/** `current` with the rules a run added (old → next) taken out and those it removed put back, except the ones in `keep`. */
function undoMembership(current: readonly number[], old: readonly number[], next: readonly number[], keep: ReadonlySet<number>): number[] {
  const added = next.filter((id) => !old.includes(id) && !keep.has(id));
  const removed = old.filter((id) => !next.includes(id) && !keep.has(id));
  return [...new Set([...current.filter((id) => !added.includes(id)), ...removed])].sort((a, b) => a - b);
}
