// Dates as day numbers (days since 1970-01-01, UTC). A nightly run parses
// millions of them, so ISO dates and timestamps are read from their character
// codes; anything else falls back to Date.parse.

const MS_PER_DAY = 86_400_000;

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)` as a fractional day, or NaN when the shape differs. */
function fastTimestamp(s: string, day: number): number {
  if (s.length < 17 || (s.charCodeAt(10) !== 84 && s.charCodeAt(10) !== 32)) return NaN; // 'T' or ' '
  const hh = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  if (hh < 0 || mi < 0 || s.charCodeAt(13) !== 58) return NaN;
  let i = 16;
  let seconds = 0;
  if (s.charCodeAt(i) === 58) {
    seconds = digits(s, 17, 2);
    if (seconds < 0) return NaN;
    i = 19;
    if (s.charCodeAt(i) === 46) {
      i++;
      let scale = 0.1;
      while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        seconds += (s.charCodeAt(i) - 48) * scale;
        scale /= 10;
        i++;
      }
    }
  }
  let offsetMinutes = 0;
  const sign = s.charCodeAt(i);
  if (sign === 90 && i === s.length - 1) offsetMinutes = 0; // 'Z'
  else if ((sign === 43 || sign === 45) && s.length - i === 6 && s.charCodeAt(i + 3) === 58) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || om < 0) return NaN;
    offsetMinutes = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  } else return NaN;
  return day + (hh * 3600 + mi * 60 + seconds - offsetMinutes * 60) / 86_400;
}

/** 'YYYY-MM-DD' → integer day; an ISO timestamp → fractional day (UTC). */
export function dayOf(value: string): number {
  if (value.length >= 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    const y = digits(value, 0, 4);
    const m = digits(value, 5, 2);
    const d = digits(value, 8, 2);
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
      const day = daysFromCivil(y, m, d);
      if (value.length === 10) return day;
      const t = fastTimestamp(value, day);
      if (!Number.isNaN(t)) return t;
    }
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${value}`);
  return t / MS_PER_DAY;
}

/**
 * Math.floor(dayOf(value)). A UTC timestamp (`…Z`, as histories are loaded)
 * falls on its date's day whatever its time, so the time is not read: the
 * customer summaries of a rescoring floor a few dozen timestamps a customer.
 */
export function wholeDayOf(value: string): number {
  const n = value.length;
  if (n > 16 && value.charCodeAt(n - 1) === 90 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && value.charCodeAt(13) === 58) {
    const y = digits(value, 0, 4);
    const m = digits(value, 5, 2);
    const d = digits(value, 8, 2);
    const hh = digits(value, 11, 2);
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31 && hh >= 0 && hh <= 23) return daysFromCivil(y, m, d);
  }
  return Math.floor(dayOf(value));
}

/** Null for a missing date. */
export function dayOrNull(value: string | null | undefined): number | null {
  return value ? dayOf(value) : null;
}

export function dateOfDay(day: number): string {
  return new Date(Math.floor(day) * MS_PER_DAY).toISOString().slice(0, 10);
}
