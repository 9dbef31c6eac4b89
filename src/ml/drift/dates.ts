// Dates as day numbers (days since 1970-01-01, UTC). Whole dates parse without
// Date objects: a nightly run parses millions of them.

const MS_PER_DAY = 86_400_000;

/** 'YYYY-MM-DD' → integer day; an ISO timestamp → fractional day (UTC). */
export function dayOf(value: string): number {
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    const y = +value.slice(0, 4);
    const m = +value.slice(5, 7);
    const d = +value.slice(8, 10);
    return Date.UTC(y, m - 1, d) / MS_PER_DAY;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${value}`);
  return t / MS_PER_DAY;
}

/** Null for a missing date. */
export function dayOrNull(value: string | null | undefined): number | null {
  return value ? dayOf(value) : null;
}

export function dateOfDay(day: number): string {
  return new Date(Math.floor(day) * MS_PER_DAY).toISOString().slice(0, 10);
}
