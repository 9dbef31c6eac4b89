// Local clock time of customers in their IANA timezone. Intl is exact but slow,
// so the UTC offset is computed once per (zone, day) at noon UTC and cached;
// the hour around a DST switch may be off by one, which the simulation tolerates.
import { MS_PER_DAY, MS_PER_HOUR, type Day } from './dates.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes to add to UTC to get the local time of `zone` on that day. */
export function utcOffsetMinutes(zone: string, day: Day): number {
  const key = `${zone}|${day}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const noon = day * MS_PER_DAY + 12 * MS_PER_HOUR;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(noon))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  const offset = Math.round((local - noon) / 60_000);
  offsets.set(key, offset);
  return offset;
}

/** Local time in epoch-ms "as if UTC": day and hour of the customer's clock. */
export function toLocalMs(zone: string, utcMs: number): number {
  const day = Math.floor(utcMs / MS_PER_DAY);
  return utcMs + utcOffsetMinutes(zone, day) * 60_000;
}

export function fromLocal(zone: string, localDay: Day, localHour: number): number {
  return localDay * MS_PER_DAY + localHour * MS_PER_HOUR - utcOffsetMinutes(zone, localDay) * 60_000;
}

/** Fractional local hour of day, 0..24. */
export function localHour(zone: string, utcMs: number): number {
  const local = toLocalMs(zone, utcMs);
  return (((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR;
}

export function localDay(zone: string, utcMs: number): Day {
  return Math.floor(toLocalMs(zone, utcMs) / MS_PER_DAY);
}
