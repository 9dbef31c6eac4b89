// Calendar arithmetic on whole UTC days (days since 1970-01-01) and epoch
// milliseconds. Integers keep the simulation fast and free of DST surprises;
// local clock times are handled in timezones.ts.

export type Day = number;
export const MS_PER_DAY = 86_400_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;

export function parseDay(text: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new Error(`not a YYYY-MM-DD date: ${text}`);
  return dayFromYmd(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function dayFromYmd(year: number, month: number, dayOfMonth: number): Day {
  return Math.floor(Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY);
}

export function formatDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO 8601 with `Z`, to the second, as the import format shows it. */
export function formatTimestamp(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function ymd(day: Day): { year: number; month: number; dayOfMonth: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate() };
}

export function monthOf(day: Day): number {
  return new Date(day * MS_PER_DAY).getUTCMonth() + 1;
}

/** 0 = Sunday ... 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekday(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Moves a Saturday or Sunday to the following Monday. */
export function nextBusinessDay(day: Day): Day {
  const w = weekday(day);
  return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
}

/** Moves a weekend day to the previous Friday (a payer settling on time pays before it). */
export function previousBusinessDay(day: Day): Day {
  const w = weekday(day);
  return w === 6 ? day - 1 : w === 0 ? day - 2 : day;
}

/** Same day of month `months` later, clamped to the month's last day. */
export function addMonths(day: Day, months: number): Day {
  const { year, month, dayOfMonth } = ymd(day);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return dayFromYmd(y, m, Math.min(dayOfMonth, last));
}
