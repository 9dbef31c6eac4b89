// Dates in French and English, written ("15 mars", "03/15/2025", "April 2nd")
// or relative ("vendredi prochain", "by the end of the month"), resolved
// against the day the message was received. Conventions (shared with the
// corpus generator): "next week" = Friday of next week; "end of the week" =
// its Friday; "end of the month" = its last day; a weekday = its next
// occurrence after the day received; "within N days" = received + N.
import { foldText } from '../text/normalize.js';
import { MAX_YEAR, MIN_YEAR } from '../../../util/bounds.js';

export interface FoundDate {
  iso: string;
  /** Offset of the expression in the folded text. */
  index: number;
  text: string;
}

const DAY_MS = 86_400_000;
const MONTHS: Record<string, number> = {
  janvier: 0, janv: 0, fevrier: 1, fevr: 1, fev: 1, mars: 2, avril: 3, avr: 3, mai: 4, juin: 5, juillet: 6, juil: 6, aout: 7,
  septembre: 8, sept: 8, octobre: 9, oct: 9, novembre: 10, nov: 10, decembre: 11, dec: 11,
  january: 0, jan: 0, february: 1, feb: 1, march: 2, mar: 2, april: 3, apr: 3, may: 4, june: 5, jun: 5, july: 6, jul: 6,
  august: 7, aug: 7, september: 8, sep: 8, october: 9, november: 10, december: 11,
};
const WEEKDAYS: Record<string, number> = {
  dimanche: 0, lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6,
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
};
const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
const WEEKDAY_NAMES = Object.keys(WEEKDAYS).join('|');
// "vendredi 15 mars", "Friday, March 21": the weekday belongs to the written date.
const WEEKDAY_PREFIX = String.raw`(?:(?:${WEEKDAY_NAMES}),?\s+(?:the\s+)?)?`;

function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}
function plusDays(ref: Date, n: number): string {
  return iso(new Date(utcDay(ref).getTime() + n * DAY_MS));
}
// The days the service stores (util/bounds.ts): "1 mars 2757" is a typo, not a promise.
function valid(year: number, month: number, day: number): boolean {
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  const d = new Date(Date.UTC(year, month, day));
  return month >= 0 && month < 12 && d.getUTCMonth() === month && d.getUTCDate() === day;
}

/** A day and month without a year: the occurrence nearest the reference, leaning to the future. */
function nearestYear(ref: Date, month: number, day: number): string | null {
  const year = ref.getUTCFullYear();
  if (!valid(year, month, day) && !valid(year + 1, month, day)) return null;
  let d = Date.UTC(year, month, day);
  const r = utcDay(ref).getTime();
  if (d < r - 150 * DAY_MS) d = Date.UTC(year + 1, month, day);
  else if (d > r + 215 * DAY_MS) d = Date.UTC(year - 1, month, day);
  return iso(new Date(d));
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length <= 2 ? 2000 + n : n;
}

function nextWeekday(ref: Date, weekday: number): string {
  return plusDays(ref, ((weekday - ref.getUTCDay() + 7) % 7) || 7);
}

function fridayOfWeek(ref: Date, weeksAhead: number): string {
  const dow = ref.getUTCDay() === 0 ? 7 : ref.getUTCDay();
  return plusDays(ref, 5 - dow + 7 * weeksAhead);
}

function endOfMonth(year: number, month: number): string {
  return iso(new Date(Date.UTC(year, month + 1, 0)));
}

type Rule = { pattern: RegExp; resolve: (m: RegExpExecArray, ref: Date, language: 'fr' | 'en') => string | null };

const RULES: Rule[] = [
  // 2025-03-15
  { pattern: /\b(\d{4})-(\d{2})-(\d{2})\b/g, resolve: (m) => (valid(+m[1], +m[2] - 1, +m[3]) ? `${m[1]}-${m[2]}-${m[3]}` : null) },
  // 15/03/2025, 15.03.25, 3/15/2025, 15/03
  {
    pattern: new RegExp(String.raw`\b${WEEKDAY_PREFIX}(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4,}|\d{2}))?\b(?![.,]\d)`, 'g'),
    resolve: (m, ref, language) => {
      const a = +m[1];
      const b = +m[2];
      const year = m[3] ? fullYear(m[3]) : null;
      const candidates: Array<[number, number]> = [];
      if (a > 12 && b <= 12) candidates.push([b - 1, a]);
      else if (b > 12 && a <= 12) candidates.push([a - 1, b]);
      else if (a <= 12 && b <= 12) candidates.push(...(language === 'fr' ? [[b - 1, a] as [number, number]] : ([[b - 1, a], [a - 1, b]] as Array<[number, number]>)));
      let best: string | null = null;
      let bestDistance = Infinity;
      for (const [month, day] of candidates) {
        const value = year !== null ? (valid(year, month, day) ? iso(new Date(Date.UTC(year, month, day))) : null) : nearestYear(ref, month, day);
        if (!value) continue;
        const distance = Math.abs(Date.parse(value) - utcDay(ref).getTime());
        if (distance < bestDistance) [best, bestDistance] = [value, distance];
      }
      return best;
    },
  },
  // 15 mars 2025, 1er avril, 15th of March, 2 April
  {
    pattern: new RegExp(String.raw`\b${WEEKDAY_PREFIX}(\d{1,2})(?:er|st|nd|rd|th)?\s+(?:of\s+)?(${MONTH_NAMES})\.?(?:,?\s+(\d{4,}))?\b`, 'g'),
    resolve: (m, ref) => {
      const month = MONTHS[m[2]];
      const day = +m[1];
      if (m[3]) return valid(+m[3], month, day) ? iso(new Date(Date.UTC(+m[3], month, day))) : null;
      return nearestYear(ref, month, day);
    },
  },
  // March 15, April 2nd, 2025
  {
    pattern: new RegExp(String.raw`\b${WEEKDAY_PREFIX}(${MONTH_NAMES})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4,})\b)?`, 'g'),
    resolve: (m, ref) => {
      const month = MONTHS[m[1]];
      const day = +m[2];
      if (m[3]) return valid(+m[3], month, day) ? iso(new Date(Date.UTC(+m[3], month, day))) : null;
      return nearestYear(ref, month, day);
    },
  },
  { pattern: /\b(apres-demain|apres demain|day after tomorrow)\b/g, resolve: (_m, ref) => plusDays(ref, 2) },
  { pattern: /\b(demain|tomorrow)\b/g, resolve: (_m, ref) => plusDays(ref, 1) },
  { pattern: /\b(la semaine prochaine|semaine prochaine|next week)\b/g, resolve: (_m, ref) => fridayOfWeek(ref, 1) },
  {
    pattern: /\b((?:en |d'ici la |a la )?fin de (?:la |cette )?semaine|(?:by )?(?:the )?end of (?:the |this )?week|later this week)\b/g,
    resolve: (_m, ref) => fridayOfWeek(ref, ref.getUTCDay() === 6 || ref.getUTCDay() === 0 ? 1 : 0),
  },
  {
    pattern: new RegExp(String.raw`\b(?:fin|end of|by the end of|at the end of)\s+(${MONTH_NAMES})\b`, 'g'),
    resolve: (m, ref) => {
      const month = MONTHS[m[1]];
      const year = ref.getUTCFullYear() + (month < ref.getUTCMonth() - 1 ? 1 : 0);
      return endOfMonth(year, month);
    },
  },
  {
    pattern: /\b((?:a la |en |d'ici la |d'ici )?fin (?:du |de )mois|(?:by |at )?(?:the )?end of (?:the |this )?month|month[- ]end)\b/g,
    resolve: (_m, ref) => endOfMonth(ref.getUTCFullYear(), ref.getUTCMonth()),
  },
  { pattern: /\b(?:sous|within|in|dans)\s+(\d{1,3})\s?(?:h|heures|hours)\b/g, resolve: (m, ref) => plusDays(ref, Math.ceil(+m[1] / 24)) },
  { pattern: /\b(?:sous|within|in|dans|d'ici)\s+(\d{1,3})\s+(?:jours|days|business days|jours ouvres)\b/g, resolve: (m, ref) => plusDays(ref, +m[1]) },
  { pattern: /\b(sous huitaine|within a week|within one week)\b/g, resolve: (_m, ref) => plusDays(ref, 7) },
  { pattern: /\b(sous quinzaine|within two weeks|within 2 weeks)\b/g, resolve: (_m, ref) => plusDays(ref, 14) },
  // lundi, vendredi prochain, next Friday, on Monday, by Friday
  { pattern: new RegExp(String.raw`\b(${WEEKDAY_NAMES})\b`, 'g'), resolve: (m, ref) => nextWeekday(ref, WEEKDAYS[m[1]]) },
  // "le 15", "on the 15th": the next such day of a month. A full stop or a
  // colon ends the sentence unless a number follows (15.03, 15:30).
  {
    pattern: /\b(?:le|on the|by the|the)\s+(\d{1,2})(?:er|st|nd|rd|th)?\b(?!\s*(?:[/h%]|[.:]\s*\d|\d|jours|days|heures|hours|mois|months|fois|times|ans|years|euros?|eur|€|\$|usd|de |of |minutes))/g,
    resolve: (m, ref) => {
      const day = +m[1];
      if (day < 1 || day > 31) return null;
      const y = ref.getUTCFullYear();
      const mo = ref.getUTCMonth();
      if (day > ref.getUTCDate() && valid(y, mo, day)) return iso(new Date(Date.UTC(y, mo, day)));
      const next = new Date(Date.UTC(y, mo + 1, 1));
      return valid(next.getUTCFullYear(), next.getUTCMonth(), day) ? iso(new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth(), day))) : null;
    },
  },
];

/**
 * Every date expression of a text, in reading order, overlapping matches
 * dropped. A match that names no valid day ("15 mars 2757") still takes its
 * text: a weaker rule must not read "le 15" out of it as a believable date.
 */
export function extractDates(text: string, receivedAt: Date, language: 'fr' | 'en'): FoundDate[] {
  const folded = foldText(text);
  const found: Array<FoundDate & { end: number }> = [];
  const taken: Array<{ index: number; end: number }> = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(folded); m; m = rule.pattern.exec(folded)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some((f) => start < f.end && end > f.index)) continue;
      taken.push({ index: start, end });
      const value = rule.resolve(m, receivedAt, language);
      if (value) found.push({ iso: value, index: start, end, text: text.slice(start, end) });
    }
  }
  return found.sort((a, b) => a.index - b.index).map(({ iso: d, index, text: t }) => ({ iso: d, index, text: t }));
}

const PAYMENT_CUE = /\b(pai|pay|regl|vir|cheque|check|wire|transfer|settl|solde|clear|verse|echeance|honor|honour|run|campagne|due|instal|mensualit)/;
const FUTURE_CUE = /\b(sera|seront|serez|allons|vais|partira|interviendra|prevu|prevue|programme|planifie|engage|will|shall|going to|scheduled|planned|queued|starting|a partir|a compter|possible|propose|expected|d'ici|au plus tard|at the latest|before|avant)\b/;
const PAST_CUE = /\b(a ete|avons|ai|deja|already|was|were|have paid|has been|went out|est parti|hier|yesterday|ce matin|this morning)\b/;

/**
 * The day the customer commits to pay by: the first future date of a sentence
 * that speaks of paying, unless the sentence only reports a payment made.
 * When the caller knows the email is a promise or a plan, the first future
 * date will do ("nous faisons le nécessaire demain").
 */
export function promisedDateOf(text: string, dates: FoundDate[], receivedAt: Date, promiseLikely = false): string | null {
  const today = iso(utcDay(receivedAt));
  const folded = foldText(text);
  const future = dates.filter((d) => d.iso >= today);
  for (const d of future) {
    const start = Math.max(folded.lastIndexOf('. ', d.index - 1), folded.lastIndexOf('\n', d.index - 1), folded.lastIndexOf('!', d.index - 1), folded.lastIndexOf('?', d.index - 1)) + 1;
    const endCandidates = ['. ', '\n', '!', '?'].map((c) => folded.indexOf(c, d.index + d.text.length)).filter((i) => i >= 0);
    const sentence = folded.slice(start, endCandidates.length ? Math.min(...endCandidates) : folded.length);
    if (PAYMENT_CUE.test(sentence) && (FUTURE_CUE.test(sentence) || !PAST_CUE.test(sentence))) return d.iso;
  }
  return promiseLikely && future.length ? future[0].iso : null;
}
