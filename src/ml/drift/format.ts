// Numbers as a collector reads them in a reason sentence.

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function round(x: number): number {
  return Math.round(x) + 0; // + 0 turns -0 into 0
}

/** "4,200" (whole units from 100 on), "87.50" below. Intl is too slow for a nightly run. */
export function amount(x: number): string {
  if (x < 100) return x.toFixed(2);
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function percent(rate: number): string {
  return `${Math.round(rate * 100)} %`;
}

/** "8 days late", "on the due date", "3 days early". */
export function daysLatePhrase(days: number): string {
  const d = round(days);
  if (d === 0) return 'on the due date';
  return d > 0 ? `${plural(d, 'day')} late` : `${plural(-d, 'day')} early`;
}

/**
 * Several delays in one phrase: "15, 16, 18 days late", "6, 20, 34 days
 * early", or each its own words when they straddle the due date.
 */
export function daysLateList(days: number[]): string {
  const d = days.map(round);
  if (d.every((x) => x >= 0) && d.some((x) => x > 0)) return `${d.join(', ')} days late`;
  if (d.every((x) => x <= 0) && d.some((x) => x < 0)) return `${d.map((x) => -x).join(', ')} days early`;
  return d.map(daysLatePhrase).join(', ');
}

/**
 * A baseline's range in the words of its median: "7-10" (days late, said by
 * the median before it), "3-6 days early", "3 days early to 2 days late", or
 * "8" when both ends round alike. Negative days late read as a sign error.
 */
export function range(lo: number, hi: number): string {
  const a = round(lo);
  const b = round(hi);
  if (a === b) return a >= 0 ? `${a}` : daysLatePhrase(a);
  if (a >= 0) return `${a}-${b}`;
  if (b <= 0) return b === 0 ? `${-a} days early to the due date` : `${-b}-${-a} days early`;
  return `${daysLatePhrase(a)} to ${daysLatePhrase(b)}`;
}

/** Rate as "about 1 in 8" for small rates, a percentage otherwise. */
export function oneIn(rate: number): string {
  if (rate <= 0) return 'never';
  if (rate < 0.34) return `about 1 in ${Math.max(2, Math.round(1 / rate))}`;
  return percent(rate);
}
