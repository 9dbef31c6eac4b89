// Assignment rules: a saved search plus ordered actions, with an explicit
// priority (1 beats 2). Saving a rule checks what it refers to, refuses a
// cycle of successive rules, warns about unstable choices the brief warns
// about, and reports the rules it conflicts with and on how many customers.
import { atVersion, missedRow, versionsParam, type ExpectedVersions } from '../db/versioned.js';
import { AR_ERR } from '../errors.js';
import { isoSql, type Db, type Queryable } from '../db/sql.js';
import { compileSql } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { customerFactsSql } from '../fields/facts.js';
import { isUniqueViolation } from '../searches/store.js';
import { referencesOf, type Action } from './actions.js';
import { byPriority, compileRule, compileRuleSet, type CompiledRule, type RuleRow } from './compile.js';
import { loadSettings } from './settings.js';
import { forgetRuleMembers } from './write.js';
import { sameValue, type Value } from './targets.js';

export interface RuleInput {
  name: string;
  description?: string | null;
  searchId: number;
  priority: number;
  enabled?: boolean;
  actions: Action[];
}

export interface Rule {
  id: number;
  name: string;
  description: string | null;
  searchId: number;
  searchName: string;
  priority: number;
  enabled: boolean;
  actions: Action[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface RuleConflict {
  ruleId: number;
  ruleName: string;
  priority: number;
  target: string;
  thisValue: Value;
  otherValue: Value;
  /** Customers both rules select today. */
  overlap: number;
  winner: { ruleId: number; ruleName: string };
}

export interface RuleSaveResult {
  rule: Rule;
  /** 1 for rules that read no other rule's output, 2 for those reading stage 1, ... */
  stage: number | null;
  warnings: string[];
  conflicts: RuleConflict[];
}


const SELECT = `SELECT r.id, r.name, r.description, r.search_id AS "searchId", s.name AS "searchName", r.priority,
  r.enabled, r.actions, r.version, ${isoSql('r.created_at')} AS "createdAt", ${isoSql('r.updated_at')} AS "updatedAt"
  FROM assignment_rules r JOIN saved_searches s ON s.id = r.search_id`;

export async function listRules(q: Queryable): Promise<Rule[]> {
  return q.query<Rule>(`${SELECT} ORDER BY r.priority, r.id`);
}

export async function getRule(q: Queryable, id: number): Promise<Rule> {
  const [r] = await q.query<Rule>(`${SELECT} WHERE r.id = $1`, [id]);
  if (!r) throw AR_ERR.NOT_FOUND(['Rule', String(id)]);
  return r;
}

/** Every rule with its search's criteria: what the engine compiles. */
export async function loadRuleRows(q: Queryable): Promise<RuleRow[]> {
  return q.query<RuleRow>(
    `SELECT r.id, r.name, r.priority, r.enabled, r.actions, s.name AS "searchName", s.criteria
     FROM assignment_rules r JOIN saved_searches s ON s.id = r.search_id ORDER BY r.priority, r.id`,
  );
}

/** Compiles the enabled rules and orders them; throws on a cycle or a search that no longer validates. */
export async function loadRuleSet(q: Queryable) {
  const settings = await loadSettings(q);
  return compileRuleSet(await loadRuleRows(q), settings.hysteresis);
}

async function checkReferences(q: Queryable, actions: Action[], searchId: number): Promise<void> {
  // Held until commit: a delete of the search waits for this rule and then sees
  // it; one that came first is waited for here, and the search is then missing
  // below (not a foreign-key failure at the insert).
  await q.query('SELECT 1 FROM saved_searches WHERE id = $1 FOR KEY SHARE', [searchId]);
  const refs = referencesOf(actions);
  const missing = await q.query<{ kind: string; id: string }>(
    `SELECT 'collector' AS kind, x AS id FROM unnest($1::text[]) x WHERE NOT EXISTS (SELECT 1 FROM collectors WHERE external_id = x)
     UNION ALL SELECT 'dunning scenario', x FROM unnest($2::text[]) x WHERE NOT EXISTS (SELECT 1 FROM dunning_scenarios WHERE external_id = x)
     UNION ALL SELECT 'group', x FROM unnest($3::text[]) x WHERE NOT EXISTS (SELECT 1 FROM customer_groups WHERE external_id = x)
     UNION ALL SELECT 'saved search', $4::text WHERE NOT EXISTS (SELECT 1 FROM saved_searches WHERE id = $4::int)`,
    [refs.collectors, refs.dunningScenarios, refs.groups, String(searchId)],
  );
  if (missing.length > 0) {
    throw AR_ERR.VALIDATION([`the rule refers to what does not exist: ${missing.map((m) => `${m.kind} "${m.id}"`).join(', ')}`], { missing });
  }
}

// Values that move every day: balances, aging and model outputs.
const isVolatile = (field: string) => CUSTOMER_FIELDS.get(field)?.source !== 'column';

function warningsFor(rule: CompiledRule): string[] {
  const warnings: string[] = [];
  const setsScenario = rule.writes.includes('dunningScenario');
  if (setsScenario && rule.ast.fields.length > 0 && rule.ast.fields.every(isVolatile)) {
    warnings.push(
      `this rule sets the dunning scenario from volatile criteria only (${rule.ast.fields.join(', ')}): ` +
        'a scenario runs for weeks, so combine them with lasting ones (sector, company type, payment method, segment) ' +
        'or rely on the dwell time to keep scenarios from changing often',
    );
  }
  return warnings;
}

async function conflictsOf(q: Queryable, rule: CompiledRule, others: CompiledRule[]): Promise<RuleConflict[]> {
  const pairs = others.flatMap((o) =>
    rule.effects.flatMap((e) => {
      const theirs = o.effects.find((x) => x.target === e.target);
      return theirs && !sameValue(theirs.value, e.value) ? [{ other: o, target: e.target, mine: e.value, theirs: theirs.value }] : [];
    }),
  );
  if (pairs.length === 0) return [];
  const mine = compileSql(rule.ast, CUSTOMER_FIELDS);
  const params = [...mine.params];
  const counts = pairs.map((p, i) => {
    const c = compileSql(p.other.ast, CUSTOMER_FIELDS, params.length);
    params.push(...c.params);
    return `count(*) FILTER (WHERE ${c.sql})::int AS c${i}`;
  });
  const [row] = await q.query<Record<string, number>>(
    `SELECT ${counts.join(', ')} FROM (${customerFactsSql()}) f WHERE ${mine.sql}`,
    params,
  );
  return pairs.map((p, i) => {
    const winner = byPriority(rule, p.other) < 0 ? rule : p.other;
    return {
      ruleId: p.other.id,
      ruleName: p.other.name,
      priority: p.other.priority,
      target: p.target,
      thisValue: p.mine,
      otherValue: p.theirs,
      overlap: row[`c${i}`],
      winner: { ruleId: winner.id, ruleName: winner.name },
    };
  });
}

/** The key of the advisory lock every change of what rules read or write holds until it commits (lockRuleSet). */
export const RULE_SET_LOCK = 'assignment-rule-set';

/**
 * Serialises the changes of rules and of the searches they use, each checked
 * for a cycle over the rule set as it reads it: two at once, each without the
 * other, could each pass and together feed each other in a cycle, which no run
 * can order. Held until commit; the check after it reads what the other saved.
 */
export async function lockRuleSet(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [RULE_SET_LOCK]);
}

/** Creates (id null) or replaces a rule, in one transaction. */
export async function saveRule(db: Db, id: number | null, input: RuleInput, expected: ExpectedVersions = null): Promise<RuleSaveResult> {
  return db.transaction(async (tx) => {
    await lockRuleSet(tx);
    await checkReferences(tx, input.actions, input.searchId);
    let ruleId: number;
    const values = [input.name, input.description ?? null, input.searchId, input.priority, input.enabled ?? true, JSON.stringify(input.actions)];
    try {
      if (id === null) {
        [{ id: ruleId }] = await tx.query<{ id: number }>(
          `INSERT INTO assignment_rules (name, description, search_id, priority, enabled, actions)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id`,
          values,
        );
      } else {
        const [before] = await tx.query<{ criteriaChanged: boolean }>(
          `SELECT s.criteria IS DISTINCT FROM (SELECT n.criteria FROM saved_searches n WHERE n.id = $2) AS "criteriaChanged"
           FROM assignment_rules r JOIN saved_searches s ON s.id = r.search_id WHERE r.id = $1 FOR UPDATE OF r`,
          [id, input.searchId],
        );
        const rows = await tx.query<{ id: number }>(
          `UPDATE assignment_rules SET name = $2, description = $3, search_id = $4, priority = $5, enabled = $6,
             actions = $7::jsonb, version = version + 1, updated_at = now() WHERE id = $1 AND ${atVersion(8)} RETURNING id`,
          [id, ...values, versionsParam(expected)],
        );
        if (rows.length === 0) throw await missedRow(tx, 'assignment_rules', 'Rule', id, expected);
        ruleId = id;
        // Another search is an edit of the criteria, as editing the search is (forgetRuleMembers).
        if (before.criteriaChanged) await forgetRuleMembers(tx, [id]);
      }
    } catch (err) {
      if (isUniqueViolation(err)) throw AR_ERR.CONFLICT([`a rule is already named "${input.name}"`]);
      throw err;
    }
    const settings = await loadSettings(tx);
    const rows = await loadRuleRows(tx);
    const set = compileRuleSet(rows, settings.hysteresis);
    const compiled = set.byId.get(ruleId) ?? compileRule(rows.find((r) => r.id === ruleId)!, settings.hysteresis);
    const stage = set.stages.findIndex((s) => s.some((r) => r.id === ruleId));
    const rule = await getRule(tx, ruleId);
    return {
      rule,
      stage: stage >= 0 ? stage + 1 : null,
      warnings: warningsFor(compiled),
      conflicts: rule.enabled ? await conflictsOf(tx, compiled, set.rules.filter((r) => r.id !== ruleId)) : [],
    };
  });
}

export async function deleteRule(q: Queryable, id: number, expected: ExpectedVersions = null): Promise<void> {
  const rows = await q.query(`DELETE FROM assignment_rules WHERE id = $1 AND ${atVersion(2)} RETURNING id`, [id, versionsParam(expected)]);
  if (rows.length === 0) throw await missedRow(q, 'assignment_rules', 'Rule', id, expected);
}

