// PostgreSQL text and jsonb cannot hold U+0000: a value carrying it would fail
// its query with a database error. Nor is a lone UTF-16 surrogate (JSON's
// "\ud800", half of an emoji cut in two) a character: jsonb refuses it with a
// database error, and text stores U+FFFD in its place without a word. Import
// cells and request bodies are looked through with these before any query sees them.

export const NUL = '\u0000';

/** No lone surrogate: the string is Unicode text (ES2024's String.prototype.isWellFormed, in Node 20). */
export const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON Pointer of the first string, key or number `flagged` picks in a parsed value, or null. */
export function findLeaf(value: unknown, flagged: (leaf: string | number) => boolean): string | null {
  // A stack, not recursion: a deeply nested value must not overflow the call stack.
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string' || typeof v === 'number') {
      if (flagged(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
    } else if (v !== null && typeof v === 'object') {
      // An upload stream or a buffer is its reader's, not a value to walk.
      if (typeof (v as { pipe?: unknown }).pipe === 'function' || ArrayBuffer.isView(v)) continue;
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        const keyPath = `${path}/${escapePointer(k)}`;
        if (flagged(k)) return keyPath;
        stack.push([x, keyPath]);
      }
    }
  }
  return null;
}

export type Unstorable = 'nul' | 'surrogate';

/** Why a string cannot be stored as sent, or null. */
export const unstorable = (s: string): Unstorable | null => (s.includes(NUL) ? 'nul' : isWellFormed(s) ? null : 'surrogate');

/** The words a refusal gives for each. */
export const UNSTORABLE_REASON: Record<Unstorable, string> = {
  nul: 'must not contain the NUL character',
  surrogate: 'must be Unicode text: it holds a lone surrogate (\\ud800-\\udfff), half of a character',
};

/** The first string or key of a parsed value that cannot be stored as sent (NUL, or a lone surrogate), and why; one walk for both. */
export function findUnstorable(value: unknown): { path: string; problem: Unstorable } | null {
  let problem: Unstorable | null = null;
  const path = findLeaf(value, (s) => typeof s === 'string' && (problem = unstorable(s)) !== null);
  return path === null ? null : { path, problem: problem! };
}

/**
 * `s` with U+FFFD for each NUL and lone surrogate: for text the service writes
 * itself (a job's outcome quoting what a file sent), which must be stored
 * rather than refused.
 */
export const storableText = (s: string): string =>
  (s as unknown as { toWellFormed(): string }).toWellFormed().replaceAll(NUL, '\uFFFD');
