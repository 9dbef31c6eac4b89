// A plan in a credit manager's terms: each change with the rule and the
// criteria values behind it (and the rules it overruled). The values are read
// only for what is shown: a page of a preview here, the whole audit by SQL
// when a run is applied (see write.ts).
import type { Db } from '../db/sql.js';
import { refOf, type RuleSet } from './compile.js';
import { becauseOf, type RuleRef } from './describe.js';
import { planWithFacts, type Plan, type PlanOptions, type PlannedChange } from './plan.js';
import type { Matcher } from './match.js';
import type { Value } from './targets.js';

export interface ChangeReasons {
  rule: RuleRef;
  /** The facts the rule's criteria read, as the run saw them. */
  values?: Record<string, unknown>;
  leaving: boolean;
  overruled?: (RuleRef & { value: Value })[];
}

/** The reasons of a change, without the quoted values. */
export function reasonsOf(rules: RuleSet, c: PlannedChange): ChangeReasons {
  const reasons: ChangeReasons = { rule: refOf(rules.byId.get(c.ruleId)!), leaving: c.leaving };
  if (c.overruled) reasons.overruled = c.overruled.map((o) => ({ ...refOf(rules.byId.get(o.ruleId)!), value: o.value }));
  return reasons;
}

/** The reasons of changes as JSON text, cheaply: rule references are serialised once. */
export function reasonsJson(rules: RuleSet): (c: PlannedChange, values?: Record<string, unknown>) => string {
  const refs = new Map<number, string>();
  const ref = (id: number) => {
    let text = refs.get(id);
    if (!text) refs.set(id, (text = JSON.stringify(refOf(rules.byId.get(id)!))));
    return text;
  };
  return (c, values) => {
    const overruled = c.overruled
      ? `,"overruled":[${c.overruled.map((o) => `${ref(o.ruleId).slice(0, -1)},"value":${JSON.stringify(o.value)}}`).join(',')}]`
      : '';
    return `{"rule":${ref(c.ruleId)},"leaving":${c.leaving}${overruled}${values ? `,"values":${JSON.stringify(values)}` : ''}}`;
  };
}

/** The facts each change's rule reads, for these changes. */
export async function quotedValues(rules: RuleSet, matcher: Matcher, changes: readonly PlannedChange[]) {
  const fields = [...new Set(changes.flatMap((c) => rules.byId.get(c.ruleId)!.ast.fields))];
  const facts = await matcher.values([...new Set(changes.map((c) => c.customerId))], fields);
  return (c: PlannedChange): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const values = facts.get(c.customerId);
    for (const f of rules.byId.get(c.ruleId)!.ast.fields) out[f] = values?.[f] ?? null;
    return out;
  };
}

export interface PageOptions {
  limit: number;
  offset: number;
  field?: string;
}

/** A dry run shown a page at a time: summary, conflicts, and the changes and held changes of the page. */
export async function previewPage(db: Db, options: PlanOptions, page: PageOptions) {
  return db.transaction(async (tx) => {
    const { plan, matcher } = await planWithFacts(tx, options);
    return pageOf(plan, matcher, page);
  });
}

async function pageOf(plan: Plan, matcher: Matcher, page: PageOptions) {
  const keep = <T extends { field: string }>(xs: T[]) => (page.field ? xs.filter((x) => x.field === page.field) : xs);
  const slice = <T>(xs: T[]) => xs.slice(page.offset, page.offset + page.limit);
  const changes = keep(plan.changes);
  const held = keep(plan.held);
  const shown = slice(changes);
  const valuesOf = await quotedValues(plan.rules, matcher, shown);
  return {
    planHash: plan.hash,
    summary: plan.summary,
    conflicts: plan.conflicts,
    totalChanges: changes.length,
    changes: shown.map((c) => {
      const reasons = { ...reasonsOf(plan.rules, c), values: valuesOf(c) };
      return {
        externalId: c.externalId, field: c.field, old: c.old, new: c.new, ruleId: c.ruleId, ruleName: reasons.rule.name,
        because: becauseOf(reasons), values: reasons.values, ...(reasons.overruled ? { overruled: reasons.overruled } : {}),
      };
    }),
    totalHeld: held.length,
    held: slice(held).map(({ customerId: _id, ...h }) => h),
  };
}
