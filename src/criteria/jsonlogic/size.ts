// How much a JSON value weighs once written out, roughly in characters. Rules
// can build values made of many references to one part of the record (a map
// whose body reads a big array), which are cheap in memory and enormous once
// serialized; weighing them is what keeps an evaluation's answer bounded.
// Weights are cached per object, so a part of the record shared a thousand
// times is walked once.

const weights = new WeakMap<object, number>();

export function weightOf(v: unknown): number {
  if (typeof v === 'string') return v.length + 2;
  if (v === null || typeof v !== 'object') return 8;
  const known = weights.get(v);
  if (known !== undefined) return known;
  let total = 2;
  if (Array.isArray(v)) {
    for (const item of v) total += weightOf(item) + 1;
  } else {
    for (const [key, item] of Object.entries(v)) total += key.length + 4 + weightOf(item);
  }
  weights.set(v, total);
  return total;
}
