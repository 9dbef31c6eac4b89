// Whether two criteria can never select the same customer: score bands
// (`riskScore < 40`, `40 <= riskScore < 70`, `riskScore >= 70`) or one value
// of a set each (`segment == "key"`, `segment in ["sme", "micro"]`). Read from
// what every customer a criteria selects must have, alternative by
// alternative (the branches of an `or`): a range of a number field, a set of
// values of a field. Two criteria are exclusive when every alternative of one
// demands of some field what the other's cannot give. Conservative: anything
// else (a negation, arithmetic, a field with a default, text order) demands
// nothing, so criteria the analysis cannot see through are never exclusive.
import type { Condition, CriteriaAst, Literal, Scalar, ValueNode } from '../criteria/index.js';

interface Range {
  kind: 'range';
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
}

interface OneOf {
  kind: 'oneOf';
  values: ReadonlySet<Scalar>;
}

type Demand = Range | OneOf;

/** Field → what its value must be for the criteria to hold. */
type Demands = Map<string, Demand>;

const ANY: Range = { kind: 'range', lo: -Infinity, loOpen: true, hi: Infinity, hiOpen: true };

/** A plain field: one with a default may be absent and still hold the default's value. */
const plainField = (n: ValueNode | undefined): n is Extract<ValueNode, { kind: 'field' }> => n?.kind === 'field' && !n.fallback;
const literalOf = (n: ValueNode | undefined): Literal | null => (n?.kind === 'literal' && n.value !== null ? n : null);

function bound(op: string, value: number, fieldOnLeft: boolean): Range | null {
  // `field < v` is `v > field`: read the comparison from the field's side.
  const flipped: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
  const o = fieldOnLeft ? op : flipped[op];
  switch (o) {
    case '<': return { ...ANY, hi: value, hiOpen: true };
    case '<=': return { ...ANY, hi: value, hiOpen: false };
    case '>': return { ...ANY, lo: value, loOpen: true };
    case '>=': return { ...ANY, lo: value, loOpen: false };
    default: return null;
  }
}

function compareDemands(node: Extract<Condition, { kind: 'compare' }>): Demands {
  const out: Demands = new Map();
  // A chain holds when every adjacent pair does.
  for (let i = 0; i + 1 < node.operands.length; i++) {
    const [a, b] = [node.operands[i], node.operands[i + 1]];
    const field = plainField(a) ? a : plainField(b) ? b : null;
    const lit = field === a ? literalOf(b) : literalOf(a);
    if (!field || !lit) continue;
    let d: Demand | null = null;
    if (node.op === '==') d = { kind: 'oneOf', values: new Set([lit.value!]) };
    else if (typeof lit.value === 'number' && field.type === 'number') d = bound(node.op, lit.value, field === a);
    if (d) meet(out, field.name, d);
  }
  return out;
}

function intersect(a: Demand, b: Demand): Demand {
  if (a.kind === 'oneOf' && b.kind === 'oneOf') return { kind: 'oneOf', values: new Set([...a.values].filter((v) => b.values.has(v))) };
  if (a.kind === 'oneOf') return { kind: 'oneOf', values: new Set([...a.values].filter((v) => within(v, b as Range))) };
  if (b.kind === 'oneOf') return intersect(b, a);
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loOpen: a.loOpen || b.loOpen };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiOpen: a.hiOpen || b.hiOpen };
  return { kind: 'range', lo: lo.lo, loOpen: lo.loOpen, hi: hi.hi, hiOpen: hi.hiOpen };
}

const within = (v: Scalar, r: Range): boolean =>
  typeof v === 'number' && (v > r.lo || (v === r.lo && !r.loOpen)) && (v < r.hi || (v === r.hi && !r.hiOpen));

function empty(d: Demand): boolean {
  if (d.kind === 'oneOf') return d.values.size === 0;
  return d.lo > d.hi || (d.lo === d.hi && (d.loOpen || d.hiOpen));
}

function meet(into: Demands, field: string, d: Demand): void {
  const had = into.get(field);
  into.set(field, had ? intersect(had, d) : d);
}

/** Past this many alternatives the criteria are taken to demand nothing: no customer is kept from a move by it. */
const MAX_ALTERNATIVES = 64;

/**
 * The criteria as alternatives, each what a customer it selects by that
 * alternative must have: an `or` is its branches' alternatives, an `and`
 * every combination of its parts' (`risk < 20 or risk > 80` stays two ranges,
 * which a band between them meets neither of).
 */
function alternativesOf(node: Condition): Demands[] {
  switch (node.kind) {
    case 'and': {
      let out: Demands[] = [new Map()];
      for (const arg of node.args) {
        const parts = alternativesOf(arg);
        if (out.length * parts.length > MAX_ALTERNATIVES) return [new Map()];
        out = out.flatMap((had) => parts.map((p) => {
          const both: Demands = new Map(had);
          for (const [f, d] of p) meet(both, f, d);
          return both;
        }));
      }
      return out;
    }
    case 'or': {
      const out = node.args.flatMap(alternativesOf);
      return out.length > MAX_ALTERNATIVES ? [new Map()] : out;
    }
    case 'compare':
      return [compareDemands(node)];
    case 'inList': {
      const lits = node.list.map(literalOf);
      if (!plainField(node.value) || lits.some((l) => l === null)) return [new Map()];
      return [new Map([[node.value.name, { kind: 'oneOf', values: new Set(lits.map((l) => l!.value!)) }]])];
    }
    default:
      return [new Map()];
  }
}

/** Some field's value would have to be two things at once. */
function apart(a: Demands, b: Demands, ignoring: ReadonlySet<string>): boolean {
  for (const [field, d] of a) {
    if (ignoring.has(field)) continue;
    const o = b.get(field);
    if (o && empty(intersect(d, o))) return true;
  }
  return false;
}

/**
 * True when no customer can meet both criteria, by whichever alternative of
 * each. `ignoring`: fields whose value may differ between the two readings
 * (one the rules set during a run), which prove nothing apart.
 */
export function mutuallyExclusive(a: CriteriaAst, b: CriteriaAst, ignoring: ReadonlySet<string> = new Set()): boolean {
  const bs = alternativesOf(b.root);
  return alternativesOf(a.root).every((x) => bs.every((y) => apart(x, y, ignoring)));
}
