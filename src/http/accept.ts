// Which of the types a route can answer the client prefers, by its Accept
// header (RFC 9110 §12.5.1): the most specific range naming a type gives its
// weight, q=0 refuses it, and ties go to the first offer (the route's default).

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',')) {
    const [media, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = media.split('/');
    if (!type || !subtype) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    ranges.push({ type, subtype, q: Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0 });
  }
  return ranges;
}

function weightOf(offer: string, ranges: Range[]): number {
  const [type, subtype] = offer.split('/');
  const specificity = (r: Range) => (r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' ? 0 : -1);
  let best: Range | null = null;
  for (const r of ranges) {
    if (specificity(r) >= 0 && (best === null || specificity(r) > specificity(best))) best = r;
  }
  return best?.q ?? 0;
}

/** The preferred offer; the first when there is no Accept header or none is acceptable. */
export function preferredType<T extends string>(accept: string | undefined, offers: readonly [T, ...T[]]): T {
  if (!accept) return offers[0];
  const ranges = parseAccept(accept);
  let chosen = offers[0];
  let weight = weightOf(chosen, ranges);
  for (const offer of offers.slice(1)) {
    const w = weightOf(offer, ranges);
    if (w > weight) [chosen, weight] = [offer, w];
  }
  return chosen;
}
