// Dates as customers write them, with the day they mean. Relative expressions
// follow one convention shared with the extractor (entities/dates.ts):
// "next week" = Friday of next week, "end of the month" = its last day,
// a weekday = its next occurrence after the day received, "within N days" = +N.
import type { Language } from '../types.js';
import type { Rng } from './random.js';

const DAY_MS = 86_400_000;
const MONTHS_FR = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function monthName(month: number, language: Language): string {
  return (language === 'fr' ? MONTHS_FR : MONTHS_EN)[month];
}

const WEEKDAYS_FR = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function utcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: Date, days: number): string {
  return isoDay(new Date(utcDay(date).getTime() + days * DAY_MS));
}

function parseIso(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

function ordinalEn(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A written (absolute) date. Numeric day/month forms are only used when unambiguous. */
export function formatDate(rng: Rng, iso: string, language: Language, ref: Date, direction: 'future' | 'past'): string {
  const d = parseIso(iso);
  const day = d.getUTCDate();
  const month = d.getUTCMonth();
  const year = d.getUTCFullYear();
  const sameYear = year === ref.getUTCFullYear();
  const weekday = d.getUTCDay();
  const m = monthName(month, language);
  const forms: string[] = [];
  if (language === 'fr') {
    const dd = day === 1 ? '1er' : String(day);
    forms.push(`${dd} ${m}`, `${pad2(day)}/${pad2(month + 1)}/${year}`, `${dd} ${m} ${year}`, `${WEEKDAYS_FR[weekday]} ${dd} ${m}`, `${pad2(day)}.${pad2(month + 1)}.${year}`);
    if (sameYear || direction === 'future') forms.push(`${pad2(day)}/${pad2(month + 1)}`);
  } else {
    const short = m.slice(0, 3);
    forms.push(`${m} ${day}`, `${day} ${m}`, `${m} ${ordinalEn(day)}`, `${ordinalEn(day)} ${m}`, `${WEEKDAYS_EN[weekday]}, ${m} ${day}`, `${short} ${day}`, `${day} ${short} ${year}`, `${year}-${pad2(month + 1)}-${pad2(day)}`);
    if (day > 12) forms.push(`${month + 1}/${day}/${year}`, `${pad2(day)}/${pad2(month + 1)}/${year}`);
  }
  return rng.pick(forms);
}

export interface RelativeDate {
  text: string;
  iso: string;
}

function nextWeekday(ref: Date, weekday: number): Date {
  const delta = ((weekday - ref.getUTCDay() + 7) % 7) || 7;
  return new Date(utcDay(ref).getTime() + delta * DAY_MS);
}

function fridayOfWeek(ref: Date, weeksAhead: number): Date {
  const dow = ref.getUTCDay() === 0 ? 7 : ref.getUTCDay();
  return new Date(utcDay(ref).getTime() + (5 - dow + 7 * weeksAhead) * DAY_MS);
}

function endOfMonth(year: number, month: number): Date {
  return new Date(Date.UTC(year, month + 1, 0));
}

/** A relative promise ("vendredi prochain", "by the end of the month") and the day it means. */
export function relativeDate(rng: Rng, language: Language, ref: Date): RelativeDate {
  const fr = language === 'fr';
  const dow = ref.getUTCDay();
  const options: Array<() => RelativeDate> = [
    () => ({ text: fr ? 'demain' : 'tomorrow', iso: addDays(ref, 1) }),
    () => {
      const wd = rng.int(1, 5);
      const text = fr ? rng.pick([`${WEEKDAYS_FR[wd]} prochain`, `${WEEKDAYS_FR[wd]}`]) : rng.pick([`next ${WEEKDAYS_EN[wd]}`, `on ${WEEKDAYS_EN[wd]}`, `by ${WEEKDAYS_EN[wd]}`]);
      return { text, iso: isoDay(nextWeekday(ref, wd)) };
    },
    () => ({ text: fr ? rng.pick(['la semaine prochaine', 'dans le courant de la semaine prochaine']) : rng.pick(['next week', 'during next week']), iso: isoDay(fridayOfWeek(ref, 1)) }),
    () => {
      const n = rng.pick([2, 3, 5, 7, 10, 15]);
      if (n === 2 && rng.chance(0.5)) return { text: fr ? 'sous 48h' : 'within 48 hours', iso: addDays(ref, 2) };
      return { text: fr ? rng.pick([`dans ${n} jours`, `sous ${n} jours`]) : rng.pick([`in ${n} days`, `within ${n} days`]), iso: addDays(ref, n) };
    },
    () => {
      const next = (ref.getUTCMonth() + 1) % 12;
      const year = ref.getUTCFullYear() + (next === 0 ? 1 : 0);
      const m = monthName(next, language);
      return { text: fr ? `fin ${m}` : `by the end of ${m}`, iso: isoDay(endOfMonth(year, next)) };
    },
  ];
  if (dow >= 1 && dow <= 4) {
    options.push(() => ({ text: fr ? rng.pick(['en fin de semaine', "d'ici la fin de la semaine"]) : rng.pick(['by the end of the week', 'later this week']), iso: isoDay(fridayOfWeek(ref, 0)) }));
  }
  if (ref.getUTCDate() < 24) {
    options.push(() => ({ text: fr ? rng.pick(['à la fin du mois', "d'ici la fin du mois", 'en fin de mois']) : rng.pick(['by the end of the month', 'at the end of the month', 'by month end']), iso: isoDay(endOfMonth(ref.getUTCFullYear(), ref.getUTCMonth())) }));
  }
  return rng.pick(options)();
}
