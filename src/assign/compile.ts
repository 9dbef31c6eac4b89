// Rules as the engine runs them: criteria parsed against the registry, the
// looser "keep" criteria when hysteresis applies, effects, what they read and
// write, best priority first.
import { AR_ERR } from '../errors.js';
import { isCriteriaError, parseCriteria, type CriteriaAst } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { effectsOf, type Action, type Effect } from './actions.js';
import { planStages, readsOf } from './dependencies.js';
import { keepCriteria, type Margins } from './hysteresis.js';
import { groupOf, isGroupTarget } from './targets.js';

export interface RuleRow {
  id: number;
  name: string;
  priority: number;
  enabled: boolean;
  actions: Action[];
  searchName: string;
  criteria: unknown;
}

export interface CompiledRule {
  id: number;
  name: string;
  priority: number;
  effects: Effect[];
  writes: string[];
  reads: string[];
  ast: CriteriaAst;
  /** Criteria that keep a customer already inside (hysteresis), or null. */
  keep: CriteriaAst | null;
}

export const refOf = (r: CompiledRule): { id: number; name: string; priority: number } => ({ id: r.id, name: r.name, priority: r.priority });

export const byPriority = (a: { priority: number; id: number }, b: { priority: number; id: number }) =>
  a.priority - b.priority || a.id - b.id;

export function compileRule(row: RuleRow, margins: Margins): CompiledRule {
  let ast: CriteriaAst;
  try {
    ast = parseCriteria(row.criteria, CUSTOMER_FIELDS);
  } catch (err) {
    // The registry changed under a stored search: say which rule to fix.
    if (isCriteriaError(err)) {
      throw AR_ERR.CRITERIA([`rule "${row.name}": its saved search "${row.searchName}" no longer validates: ${err.message}`]);
    }
    throw err;
  }
  const effects = effectsOf(row.actions);
  return {
    id: row.id,
    name: row.name,
    priority: row.priority,
    effects,
    writes: effects.map((e) => e.target),
    reads: readsOf(ast),
    ast,
    keep: keepCriteria(ast, margins),
  };
}

export interface RuleSet {
  rules: CompiledRule[];
  byId: Map<number, CompiledRule>;
  stages: CompiledRule[][];
  /** Group → the rules adding to it, best priority first: the groups rules manage. */
  managedGroups: Map<string, number[]>;
}

export function compileRuleSet(rows: RuleRow[], margins: Margins): RuleSet {
  const rules = rows.filter((r) => r.enabled).map((r) => compileRule(r, margins)).sort(byPriority);
  const byId = new Map(rules.map((r) => [r.id, r]));
  const stages = planStages(rules).map((ids) => ids.map((id) => byId.get(id)!).sort(byPriority));
  const managedGroups = new Map<string, number[]>();
  for (const r of rules) {
    for (const e of r.effects) {
      if (e.value === true && isGroupTarget(e.target)) managedGroups.set(groupOf(e.target), [...(managedGroups.get(groupOf(e.target)) ?? []), r.id]);
    }
  }
  return { rules, byId, stages, managedGroups };
}
