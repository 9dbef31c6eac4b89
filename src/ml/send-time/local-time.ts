// The customer's wall clock. A reminder "at 9" means 9 in the customer's own
// timezone, so every timestamp is read in that zone. Intl is exact but slow:
// the UTC offset is cached per (zone, UTC day) and only the two days a year
// when the offset changes are computed per timestamp.

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      // 'longOffset' names the offset itself ("GMT-05:00"): no wall-clock arithmetic needed.
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      f = null; // not an IANA zone this runtime knows
    }
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA timezone the runtime can convert to. */
export function isKnownZone(zone: string | null | undefined): zone is string {
  return !!zone && formatter(zone) !== null;
}

/** Minutes to add to a UTC instant to read the zone's wall clock, exactly. */
export function offsetMinutesAt(zone: string, utcMs: number): number {
  const f = formatter(zone);
  if (!f) throw new RangeError(`unknown timezone: ${zone}`);
  const name = f.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) return 0; // plain "GMT"
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

export interface LocalClock {
  /** Fractional local hour of day, 0 ≤ hour < 24. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday, local. */
  weekday: number;
  /** Local calendar day as days since 1970-01-01. */
  day: number;
}

/** One zone's clock, with its offsets cached per UTC day. */
export class ZoneClock {
  private readonly offsets = new Map<number, number>();

  constructor(readonly zone: string) {
    if (!formatter(zone)) throw new RangeError(`unknown timezone: ${zone}`);
  }

  offsetMinutes(utcMs: number): number {
    const day = Math.floor(utcMs / MS_PER_DAY);
    let cached = this.offsets.get(day);
    if (cached === undefined) {
      const start = offsetMinutesAt(this.zone, day * MS_PER_DAY);
      const end = offsetMinutesAt(this.zone, (day + 1) * MS_PER_DAY - 60_000);
      // NaN marks a day with an offset change: those timestamps are computed one by one.
      cached = start === end ? start : Number.NaN;
      this.offsets.set(day, cached);
    }
    return Number.isNaN(cached) ? offsetMinutesAt(this.zone, utcMs) : cached;
  }

  read(utcMs: number): LocalClock {
    const local = utcMs + this.offsetMinutes(utcMs) * 60_000;
    const day = Math.floor(local / MS_PER_DAY);
    return { hour: (local - day * MS_PER_DAY) / MS_PER_HOUR, weekday: (((day + 4) % 7) + 7) % 7, day };
  }
}

const clocks = new Map<string, ZoneClock>();

export function zoneClock(zone: string): ZoneClock {
  let c = clocks.get(zone);
  if (!c) clocks.set(zone, (c = new ZoneClock(zone)));
  return c;
}

export function localClock(zone: string, utcMs: number): LocalClock {
  return zoneClock(zone).read(utcMs);
}

/** Circular distance between two hours of the day (0..12). */
export function hourDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 24;
  return d > 12 ? 24 - d : d;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil), without a Date. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * Epoch ms of an ISO 8601 date or timestamp; null when missing or unreadable.
 * The common shapes ('YYYY-MM-DD', 'YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)') are
 * read digit by digit: a nightly run reads tens of millions of them.
 */
export function parseInstant(text: string | null | undefined): number | null {
  if (!text) return null;
  const n = text.length;
  if (n >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const y = digit(text, 0) * 1000 + digit(text, 1) * 100 + two(text, 2);
    const date = daysFromCivil(y, two(text, 5), two(text, 8)) * MS_PER_DAY;
    if (n === 10) return date;
    if (n >= 17 && text.charCodeAt(13) === 58) {
      let ms = two(text, 11) * MS_PER_HOUR + two(text, 14) * 60_000;
      let i = 16;
      if (text.charCodeAt(i) === 58) {
        ms += two(text, 17) * 1000;
        i = 19;
        if (text.charCodeAt(i) === 46) {
          let scale = 100;
          for (i++; i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57; i++, scale /= 10) ms += digit(text, i) * scale;
        }
      }
      const z = text.charCodeAt(i);
      if (i === n - 1 && z === 90) return date + ms; // 'Z'
      if (i === n - 6 && (z === 43 || z === 45)) {
        const offset = (two(text, i + 1) * 60 + two(text, i + 4)) * 60_000;
        return date + ms - (z === 43 ? offset : -offset);
      }
    }
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}
