// The customer's wall clock. A reminder "at 9" means 9 in the customer's own
// timezone, so every timestamp is read in that zone. Intl is exact but slow:
// the UTC offset is cached per (zone, UTC day) and only the two days a year
// when the offset changes are computed per timestamp.
import { dayOf } from '../drift/dates.js';

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

/** Days 1970…2099 get an array slot; the rare date outside falls back to a map. */
const CACHED_DAYS = 47_482;
const UNKNOWN = -32_768;
const SWITCH_DAY = -32_767;

/** One zone's clock, with its offsets cached per UTC day. */
export class ZoneClock {
  private readonly offsets = new Int16Array(CACHED_DAYS).fill(UNKNOWN);
  private readonly outside = new Map<number, number>();

  constructor(readonly zone: string) {
    if (!formatter(zone)) throw new RangeError(`unknown timezone: ${zone}`);
  }

  private dayOffset(day: number): number {
    const inRange = day >= 0 && day < CACHED_DAYS;
    const cached = inRange ? this.offsets[day] : (this.outside.get(day) ?? UNKNOWN);
    if (cached !== UNKNOWN) return cached;
    const start = offsetMinutesAt(this.zone, day * MS_PER_DAY);
    const end = offsetMinutesAt(this.zone, (day + 1) * MS_PER_DAY - 60_000);
    // A day with an offset change is marked: its timestamps are computed one by one.
    const value = start === end ? start : SWITCH_DAY;
    if (inRange) this.offsets[day] = value;
    else this.outside.set(day, value);
    return value;
  }

  offsetMinutes(utcMs: number): number {
    const cached = this.dayOffset(Math.floor(utcMs / MS_PER_DAY));
    return cached === SWITCH_DAY ? offsetMinutesAt(this.zone, utcMs) : cached;
  }

  /** Fractional local hour of day, 0 ≤ hour < 24. */
  hour(utcMs: number): number {
    const local = utcMs + this.offsetMinutes(utcMs) * 60_000;
    return (local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY) / MS_PER_HOUR;
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

/**
 * Epoch ms of an ISO 8601 date or timestamp; null when missing or unreadable.
 * The drift model's day parser reads the common shapes from their character
 * codes (a nightly run reads tens of millions of them); it is reused here.
 */
export function parseInstant(text: string | null | undefined): number | null {
  if (!text) return null;
  try {
    return Math.round(dayOf(text) * MS_PER_DAY);
  } catch {
    return null;
  }
}
