// Hysteresis: a customer already inside a rule is kept by a looser version of
// its criteria. Every threshold a numeric field with a margin is compared to
// moves by the margin in the direction that keeps the customer in: with a 0.05
// margin, `driftScore > 0.7` lets customers in above 0.7 and out only at 0.65
// or below. Under a negation the direction flips. Only plain `field op number`
// comparisons move; a condition an `if` branches on (both directions at once)
// and arithmetic are left as they are, so the loosened criteria always select
// a superset of the original ones.
import type { Condition, CriteriaAst, ValueNode } from '../criteria/index.js';

export type Margins = Readonly<Record<string, number>>;

const ASCENDING = new Set(['<', '<=']);
const DESCENDING = new Set(['>', '>=']);

function marginOf(node: ValueNode | undefined, margins: Margins): number {
  if (!node || node.kind !== 'field' || node.fallback || node.type !== 'number') return 0;
  return margins[node.name] ?? 0;
}

function loosenCompare(node: Extract<Condition, { kind: 'compare' }>, margins: Margins, keepIn: boolean): Condition {
  const ascending = ASCENDING.has(node.op);
  if (!ascending && !DESCENDING.has(node.op)) return node;
  const { operands } = node;
  // `a < 0.01 < b`: the one number bounds a from above and b from below, and
  // moving it for one tightens the other's test. As the pairs it stands for,
  // `a < 0.01 and 0.01 < b`, each moves its own way (or stays).
  const interior = operands.slice(1, -1);
  if (interior.some((o, j) => isNumber(o) && (marginOf(operands[j], margins) !== 0 || marginOf(operands[j + 2], margins) !== 0))) {
    const pairs = operands.slice(1).map((o, i) => loosenCompare({ ...node, operands: [operands[i], o] }, margins, keepIn));
    return { kind: 'and', args: pairs, path: node.path };
  }
  let moved = false;
  const shifted = operands.map((o, i) => {
    if (!isNumber(o)) return o;
    // A literal left of a field bounds it from below in an ascending chain.
    const right = marginOf(operands[i + 1], margins);
    const left = marginOf(operands[i - 1], margins);
    const margin = right || left;
    if (margin === 0) return o;
    const literalIsLower = right !== 0 ? ascending : !ascending;
    const sign = (literalIsLower ? -1 : 1) * (keepIn ? 1 : -1);
    moved = true;
    // toPrecision: 0.7 − 0.05 is 0.65, not 0.6499999999999999.
    return { ...o, value: Number((o.value + sign * margin).toPrecision(12)) };
  });
  return moved ? { ...node, operands: shifted } : node;
}

const isNumber = (o: ValueNode): o is Extract<ValueNode, { kind: 'literal' }> & { value: number } =>
  o.kind === 'literal' && typeof o.value === 'number';

function loosen(node: Condition, margins: Margins, keepIn: boolean): Condition {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const args = node.args.map((a) => loosen(a, margins, keepIn));
      return args.some((a, i) => a !== node.args[i]) ? { ...node, args } : node;
    }
    case 'not': {
      const arg = loosen(node.arg, margins, !keepIn);
      return arg === node.arg ? node : { ...node, arg };
    }
    case 'compare':
      return loosenCompare(node, margins, keepIn);
    case 'cond': {
      // The branch conditions count both ways; the outcomes keep the direction.
      const branches = node.branches.map((b) => ({ when: b.when, then: loosen(b.then, margins, keepIn) }));
      const otherwise = loosen(node.otherwise, margins, keepIn);
      const changed = otherwise !== node.otherwise || branches.some((b, i) => b.then !== node.branches[i].then);
      return changed ? { ...node, branches, otherwise } : node;
    }
    default:
      return node;
  }
}

/** The criteria that keep a customer already inside, or null when no threshold has a margin. */
export function keepCriteria(ast: CriteriaAst, margins: Margins): CriteriaAst | null {
  const root = loosen(ast.root, margins, true);
  return root === ast.root ? null : { ...ast, root };
}
