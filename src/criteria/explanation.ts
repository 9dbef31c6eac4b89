// The shape of a "why does this record match (or not)" answer, shared by the
// saved-search explainer and the generic JsonLogic evaluator: a tree a UI can
// render (each clause with field, operator, expected, actual, outcome) and the
// same content as indented lines a person can read.

export interface ExplainNode {
  /** JSON Pointer of the clause in the criteria. */
  path: string;
  operator: string;
  /** Truthiness of what the clause produced. */
  outcome: boolean;
  /** What the clause produced, when it is not simply true/false. */
  value?: unknown;
  /** The record field the clause reads, if it reads one. */
  field?: string;
  /** That field's value in the record (null when absent). */
  actual?: unknown;
  /** What the field was compared with. */
  expected?: unknown;
  text: string;
  children?: ExplainNode[];
}

export interface Explanation {
  matches: boolean;
  /** One sentence: the verdict and the deciding clauses. */
  summary: string;
  /** The tree as indented lines, ✓/✗ per clause. */
  lines: string[];
  tree: ExplainNode;
}

const MAX_SHOWN_CHARS = 80;

/** A value as a person reads it in a sentence. */
export function show(v: unknown): string {
  if (v === undefined || v === null) return 'no value';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 1)}…` : text;
}

export function toLines(node: ExplainNode, depth = 0, out: string[] = []): string[] {
  out.push(`${'  '.repeat(depth)}${node.outcome ? '✓' : '✗'} ${node.text}`);
  for (const c of node.children ?? []) toLines(c, depth + 1, out);
  return out;
}

/** The clauses that decided the outcome: the failing ones of a failed "and", the passing ones of a passed "or"... */
function deciding(node: ExplainNode): ExplainNode[] {
  const kids = node.children ?? [];
  if (kids.length === 0) return [node];
  if (node.operator === 'and' || node.operator === 'or') {
    const decisive = kids.filter((k) => k.outcome === node.outcome);
    return decisive.flatMap(deciding);
  }
  return [node];
}

export function explanationOf(tree: ExplainNode): Explanation {
  const reasons = deciding(tree)
    .map((n) => n.text)
    .slice(0, 5);
  const verdict = tree.outcome ? 'Matches' : 'Does not match';
  return {
    matches: tree.outcome,
    summary: `${verdict}: ${reasons.join('; ')}.`,
    lines: toLines(tree),
    tree,
  };
}
