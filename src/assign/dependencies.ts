// Successive rules: a rule whose criteria read what other rules write (a
// "super score" group built by three rules, then read by the rule assigning
// the scenario) runs after them, on the values they produce. Rules are split
// into stages by the longest chain of such dependencies; a cycle (A reads what
// B writes and B reads what A writes) has no order and is refused.
import type { Condition, CriteriaAst, ValueNode } from '../criteria/index.js';
import { AR_ERR } from '../errors.js';
import { isGroupTarget, isScalarTarget } from './targets.js';

/** Reading `groups` in a way that names no group (e.g. "has any group") reads them all. */
export const ANY_GROUP = 'group:*';

export interface RuleNode {
  id: number;
  name: string;
  /** Targets the rule writes. */
  writes: string[];
  /** Targets the rule's criteria read: scalar target names, group:<id> or ANY_GROUP. */
  reads: string[];
}

function groupsNamed(node: Condition, out: Set<string>): boolean {
  // Returns false when `groups` is read otherwise than by membership of a literal.
  const all = (xs: Condition[]) => xs.every((x) => groupsNamed(x, out));
  switch (node.kind) {
    case 'and':
    case 'or':
      return all(node.args);
    case 'not':
      return groupsNamed(node.arg, out);
    case 'cond':
      return all([...node.branches.flatMap((b) => [b.when, b.then]), node.otherwise]);
    case 'member': {
      const list = node.list as ValueNode;
      if (list.kind === 'field' && list.name === 'groups') {
        if (node.item.kind === 'literal' && typeof node.item.value === 'string') {
          out.add(`group:${node.item.value}`);
          return true;
        }
        return false;
      }
      return !readsGroups(node);
    }
    default:
      return !readsGroups(node);
  }
}

function readsGroups(node: unknown): boolean {
  // Any other mention of the groups field, anywhere below this node.
  if (node === null || typeof node !== 'object') return false;
  const n = node as Record<string, unknown>;
  if (n.kind === 'field' && n.name === 'groups') return true;
  if (n.kind === 'missing') return (n.fields as { name: string }[]).some((f) => f.name === 'groups');
  return Object.values(n).some((v) => (Array.isArray(v) ? v.some(readsGroups) : readsGroups(v)));
}

/** What a rule's criteria read among the targets rules write. */
export function readsOf(ast: CriteriaAst): string[] {
  const reads: string[] = ast.fields.filter((f) => isScalarTarget(f));
  if (ast.fields.includes('groups')) {
    const named = new Set<string>();
    if (groupsNamed(ast.root, named)) reads.push(...named);
    else reads.push(ANY_GROUP);
  }
  return reads;
}

// A rule reading the value it replaces ("standard scenario and over 60 days
// late: pre-litigation") comes after the other rules setting it and reads it
// as they plan it; once it has set it, it no longer selects the customer
// (passing.ts); rules never unset a value, so the next run leaves it be. A rule reading a group it builds has no such rest: a
// member it stops selecting leaves, and the next run adds them back.
function writesRead(writer: RuleNode, reader: RuleNode): boolean {
  return writer.writes.some((w) => (writer !== reader || isGroupTarget(w))
    && (reader.reads.includes(w) || (isGroupTarget(w) && reader.reads.includes(ANY_GROUP))));
}

/** Depth of each rule in the longest chain of `after`, or the first cycle met. */
function depthsOf(rules: readonly RuleNode[], after: ReadonlyMap<number, readonly RuleNode[]>): { depth: Map<number, number> } | { cycle: RuleNode[] } {
  const depth = new Map<number, number>();
  const visiting: RuleNode[] = [];
  let cycle: RuleNode[] | null = null;
  const visit = (r: RuleNode): number => {
    const known = depth.get(r.id);
    if (known !== undefined || cycle) return known ?? 0;
    const at = visiting.indexOf(r);
    if (at >= 0) {
      cycle = [...visiting.slice(at), r];
      return 0;
    }
    visiting.push(r);
    const d = Math.max(-1, ...after.get(r.id)!.map(visit)) + 1;
    visiting.pop();
    if (!cycle) depth.set(r.id, d);
    return d;
  };
  for (const r of rules) visit(r);
  return cycle ? { cycle } : { depth };
}

/** Whether `later` comes after `earlier` through the chains of `after`. */
function comesAfter(after: ReadonlyMap<number, readonly RuleNode[]>, later: RuleNode, earlier: RuleNode): boolean {
  const seen = new Set<number>();
  const stack = [later];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (r === earlier) return true;
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    stack.push(...after.get(r.id)!);
  }
  return false;
}

/**
 * Stages of rule ids: every rule comes after all the rules whose output its
 * criteria read. Throws AR_ERR_RULE_CONFLICT with the cycle when there is one.
 *
 * `beside(w)`: the rules adding to the bands beside those w adds to. Whether
 * w applies to a customer at all is settled only once they are matched too
 * (one band at a time, resolve.ts): a rule reading what w writes comes after
 * them as well, where that closes no cycle. Where it would (a band's rule
 * reads, through other rules, what the reader writes), no order settles the
 * band first, and the reader keeps its place after w alone, as before: no rule
 * set saved today is refused for it.
 */
export function planStages(rules: readonly RuleNode[], beside: (w: RuleNode) => readonly number[] = () => []): number[][] {
  const after = new Map<number, RuleNode[]>(rules.map((r) => [r.id, rules.filter((w) => writesRead(w, r))]));
  const hard = depthsOf(rules, after);
  if ('cycle' in hard) {
    const cycle = hard.cycle.map((x) => `"${x.name}"`).join(' → ');
    throw AR_ERR.RULE_CONFLICT(
      [`these rules feed each other in a cycle, so no order can run them: ${cycle}`],
      { cycle: hard.cycle.map((x) => x.id) },
    );
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const r of rules) {
    const mine = after.get(r.id)!;
    for (const id of [...new Set(mine.flatMap(beside))]) {
      const band = byId.get(id);
      if (!band || band === r || mine.includes(band)) continue;
      // r after band closes a cycle when band already comes, through others, after r.
      if (!comesAfter(after, band, r)) mine.push(band);
    }
  }
  const { depth } = depthsOf(rules, after) as { depth: Map<number, number> };
  const stages: number[][] = [];
  for (const r of rules) (stages[depth.get(r.id)!] ??= []).push(r.id);
  return stages.filter(Boolean);
}
