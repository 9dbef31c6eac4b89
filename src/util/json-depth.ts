// How deep a parsed JSON value nests, measured without recursion: the point is
// to refuse a value before recursive code (JSON.stringify, jsonb, the criteria
// walker) overflows the call stack on it.

/** Deepest nesting a stored JSON value may have: flat records in practice, far below any stack limit. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests containers deeper than `max` levels. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      if (x !== null && typeof x === 'object') stack.push([x, depth + 1]);
    }
  }
  return false;
}
