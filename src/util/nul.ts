// PostgreSQL text and jsonb cannot hold U+0000: a value carrying it would fail
// its query with a database error. Import cells and request bodies are looked
// through with this before any query sees them.

export const NUL = '\u0000';

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON Pointer of the first string or key holding NUL in a parsed value, or null. */
export function findNul(value: unknown): string | null {
  // A stack, not recursion: a deeply nested value must not overflow the call stack.
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
    } else if (v !== null && typeof v === 'object') {
      // An upload stream or a buffer is its reader's, not a value to walk.
      if (typeof (v as { pipe?: unknown }).pipe === 'function' || ArrayBuffer.isView(v)) continue;
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        const keyPath = `${path}/${escapePointer(k)}`;
        if (k.includes(NUL)) return keyPath;
        stack.push([x, keyPath]);
      }
    }
  }
  return null;
}
