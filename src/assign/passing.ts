// A rule reading the value it sets ("standard scenario and over 60 days late:
// pre-litigation", dependencies.ts) selects a customer by the value before the
// run, and its own change may take the customer out of its criteria: the next
// run no longer selects them. What it set stays (rules never unset a value),
// but what lasts only while a rule selects a customer would change at that
// next run: the groups it adds to (members no rule selects leave) and the
// values it won over a rule still selecting the customer. So in the run that
// moves the customer, the rule is judged as the next run judges it: it makes
// no join (a member leaves), and its other values stand only where no rule
// still selecting the customer wants another. A second run then changes
// nothing of it.
import type { CompiledRule, RuleSet } from './compile.js';
import { compilePairs, matchRecords, type Matcher, type Members } from './match.js';
import { plannedFacts, type CustomerState, type Resolution } from './resolve.js';
import { isGroupTarget, isScalarTarget } from './targets.js';

/** Customer id → ids of the rules its planned values take out of their own criteria. */
export type Passing = Map<number, Set<number>>;

const movedTargets = (r: CompiledRule) => r.writes.filter((t) => isScalarTarget(t) && r.reads.includes(t));

/**
 * The rules reading a value they set, each judged again on the customers it
 * selects whose value of it the plan changes: by that value as planned, the
 * other facts as the rule's stage read them. `rulesOf`: the rules selecting a
 * customer; `resolved`: the plan so far.
 */
export async function rulesPassing(
  set: RuleSet, matcher: Matcher, members: Members, resolved: Map<CustomerState, Resolution>, rulesOf: (id: number) => readonly CompiledRule[],
): Promise<Passing> {
  const passing: Passing = new Map();
  const readers = set.rules.filter((r) => movedTargets(r).length > 0);
  if (readers.length === 0) return passing;
  const pairs = new Map(compilePairs(readers).map((p) => [p.id, p]));
  const asked: { c: CustomerState; rules: CompiledRule[]; res: Resolution }[] = [];
  for (const [c, res] of resolved) {
    const changed = new Set(res.decisions.filter((d) => d.outcome === 'change').map((d) => d.target));
    const rules = rulesOf(c.id).filter((r) => readers.includes(r) && movedTargets(r).some((t) => changed.has(t)));
    if (rules.length > 0) asked.push({ c, rules, res });
  }
  if (asked.length === 0) return passing;
  const fields = [...new Set(readers.flatMap((r) => r.ast.fields))];
  const facts = await matcher.values(asked.map((a) => a.c.id), fields);
  for (const { c, rules, res } of asked) {
    const planned = plannedFacts(c, res.decisions).values;
    const record: Record<string, unknown> & { id: number } = { ...(facts.get(c.id) ?? {}), id: c.id };
    for (const r of rules) for (const t of movedTargets(r)) record[t] = planned[t as keyof typeof planned];
    const still = matchRecords([record], rules.map((r) => pairs.get(r.id)!), members).get(c.id) ?? [];
    const gone = rules.filter((r) => !still.includes(r.id)).map((r) => r.id);
    if (gone.length > 0) passing.set(c.id, new Set(gone));
  }
  return passing;
}

/** The rules selecting a customer, those passing last and without their joins. */
export function asPassing(rules: readonly CompiledRule[], passing: ReadonlySet<number> | undefined): readonly CompiledRule[] {
  if (!passing) return rules;
  const withoutJoins = (r: CompiledRule): CompiledRule => ({ ...r, effects: r.effects.filter((e) => !(e.value === true && isGroupTarget(e.target))) });
  return [...rules.filter((r) => !passing.has(r.id)), ...rules.filter((r) => passing.has(r.id)).map(withoutJoins)];
}
