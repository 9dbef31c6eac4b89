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
  /** What the clause produced, when it is not simply true/false (its first characters, as text, when big). */
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

/** A value as a person reads it in a sentence: its first characters, however big it is. */
export function show(v: unknown): string {
  if (v === undefined || v === null) return 'no value';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const text = preview(v, MAX_SHOWN_CHARS);
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 1)}…` : text;
}

/**
 * JSON text of `v`, stopping soon after `limit` characters: a value may be
 * a million references to one big array, which JSON.stringify cannot write.
 */
function preview(v: unknown, limit: number): string {
  let out = '';
  const write = (x: unknown): void => {
    if (out.length > limit) return;
    if (typeof x === 'string') out += JSON.stringify(x.length > limit ? x.slice(0, limit + 1) : x);
    else if (Array.isArray(x)) {
      out += '[';
      for (let i = 0; i < x.length && out.length <= limit; i++) {
        if (i > 0) out += ',';
        write(x[i] === undefined ? null : x[i]);
      }
      out += ']';
    } else if (x !== null && typeof x === 'object') {
      out += '{';
      let first = true;
      for (const [key, item] of Object.entries(x)) {
        if (out.length > limit) break;
        if (item === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        write(item);
      }
      out += '}';
    } else out += x === undefined ? 'null' : JSON.stringify(x) ?? String(x);
  };
  write(v);
  return out;
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
