// Rules as the engine runs them: criteria parsed against the registry, the
// looser "keep" criteria when hysteresis applies, effects, what they read and
// write, best priority first.
import { AR_ERR } from '../errors.js';
import { isCriteriaError, parseCriteria, type CriteriaAst } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { effectsOf, type Action, type Effect } from './actions.js';
import { planStages, readsOf } from './dependencies.js';
import { mutuallyExclusive } from './exclusive.js';
import { keepCriteria, type Margins } from './hysteresis.js';
import { groupOf, isGroupTarget, isScalarTarget, targetLabel } from './targets.js';

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
  /** Group → the groups it is a band beside: no customer the rules adding to one select is selected into the other (resolve.ts: one move). */
  bands: Map<string, Set<string>>;
}

const addedGroups = (r: CompiledRule) => r.effects.filter((e) => e.value === true && isGroupTarget(e.target)).map((e) => groupOf(e.target));

/**
 * Two groups are bands of one field (low / medium / high risk) when every
 * rule adding to one selects customers none adding to the other can: then a
 * customer belongs in one of them at most, and leaving one for the other is
 * one move. Groups that merely read a common field (an open amount) can hold
 * the same customer and follow the data on their own.
 */
function bandsOf(rules: CompiledRule[], managedGroups: Map<string, number[]>, byId: Map<number, CompiledRule>): Map<string, Set<string>> {
  const bands = new Map<string, Set<string>>();
  const groups = [...managedGroups.keys()];
  groups.forEach((a, i) => {
    for (const b of groups.slice(i + 1)) {
      const apart = managedGroups.get(a)!.every((x) => managedGroups.get(b)!.every((y) => mutuallyExclusive(byId.get(x)!.ast, byId.get(y)!.ast)));
      if (!apart) continue;
      bands.set(a, (bands.get(a) ?? new Set()).add(b));
      bands.set(b, (bands.get(b) ?? new Set()).add(a));
    }
  });
  return bands;
}

/**
 * A rule may read the value it sets (planStages): once set, it no longer
 * selects the customer, and the value stays. Unless a rule after it by
 * priority sets that value too: where both select a customer, the first moves
 * it, the next run finds it moved, the first no longer selects it and the other
 * sets it back, run after run. Refused, as a cycle is. A rule before it by
 * priority keeps its customers, and the first moves only the others, once.
 */
function refuseSwings(rules: CompiledRule[]): void {
  rules.forEach((r, i) => {
    for (const target of r.writes.filter((t) => isScalarTarget(t) && r.reads.includes(t))) {
      const after = rules.slice(i + 1).find((o) => o.writes.includes(target));
      if (!after) continue;
      // Swapping them helps only when the other does not read the value too.
      const fix = after.reads.includes(target) ? '' : `give "${after.name}" the better priority, or `;
      throw AR_ERR.RULE_CONFLICT([
        `"${r.name}" reads the ${targetLabel(target)} it sets, and "${after.name}", after it by priority, sets it too: where both select ` +
          `a customer, "${r.name}" would change it and "${after.name}" set it back at the next run, and so on; ${fix}keep ` +
          `"${after.name}" from selecting the customers "${r.name}" moves`,
      ], { rules: [r.id, after.id] });
    }
  });
}

export function compileRuleSet(rows: RuleRow[], margins: Margins): RuleSet {
  const rules = rows.filter((r) => r.enabled).map((r) => compileRule(r, margins)).sort(byPriority);
  refuseSwings(rules);
  const byId = new Map(rules.map((r) => [r.id, r]));
  const managedGroups = new Map<string, number[]>();
  for (const r of rules) {
    for (const e of r.effects) {
      if (isGroupTarget(e.target) && e.value === true) managedGroups.set(groupOf(e.target), [...(managedGroups.get(groupOf(e.target)) ?? []), r.id]);
    }
  }
  const bands = bandsOf(rules, managedGroups, byId);
  const beside = (w: { id: number }) => addedGroups(byId.get(w.id)!).flatMap((g) => [...(bands.get(g) ?? [])].flatMap((h) => managedGroups.get(h)!));
  const stages = planStages(rules, beside).map((ids) => ids.map((id) => byId.get(id)!).sort(byPriority));
  return { rules, byId, stages, managedGroups, bands };
}
