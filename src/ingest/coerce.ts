// Turns one raw record (CSV strings or NDJSON values) into typed values, or
// says in words what is wrong with it. Pure and allocation-light: it runs once
// per row of files with millions of rows.
import type { FieldType, ImportEntity, ImportField } from './entities.js';
import { findLeaf, findUnstorable, unstorable, UNSTORABLE_REASON } from '../util/nul.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../util/json-depth.js';
import { namedTwice, repeatedKey, writtenNumber } from '../util/json-keys.js';
import { INT4_MAX, INT4_MIN, MAX_OFFSET_HOURS, MAX_YEAR, MIN_YEAR, MONEY_LIMIT } from '../util/bounds.js';
import { charactersOver } from '../util/characters.js';
import { excerpt, quote } from '../util/quote.js';

export type Value = string | number | boolean | string[] | null | object;

export interface RowError {
  /** Physical line in the file (1 = first line; for CSV that is the header). */
  line: number;
  field?: string;
  reason: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Hours 00-23: JavaScript reads 24:00 as the next day's midnight, which the sender rarely meant.
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[T ](?:[01]\d|2[0-3]):[0-5]\d(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-](\d{2})(?::?\d{2})?)$/;
const BOOL_TRUE = new Set(['true', '1', 'yes', 'y', 't']);
const BOOL_FALSE = new Set(['false', '0', 'no', 'n', 'f']);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// A NUL, or half an emoji NDJSON can spell ("\ud83d"), would fail the whole
// load with a database error instead of a row error (text would store U+FFFD).
const textProblem = (s: string): string | null => {
  const problem = unstorable(s);
  return problem === null ? null : UNSTORABLE_REASON[problem];
};

// Checked digit by digit: a Date per cell is too dear for files of millions of rows.
function isValidDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const mo = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const d = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]);
}

/** `s` starts with a valid date: whether its year is a plausible one. */
function inYears(s: string): boolean {
  const y = Number(s.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

const YEARS_REASON = (raw: string) => `must be from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31, got ${quote(raw)}`;

// A failed cell is the one case that allocates: valid cells return their value.
class Invalid {
  constructor(readonly reason: string) {}
}
type Coerced = Value | Invalid;

const fail = (reason: string): Invalid => new Invalid(reason);
const ok = (value: Value): Coerced => value;

// Number() also reads 0x10, 0b1 and 0o7: an amount cell is written in decimal.
const DECIMAL_RE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'string' && DECIMAL_RE.test(raw)) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function coerceType(type: FieldType, raw: unknown, shape?: 'object' | 'array'): Coerced {
  switch (type) {
    case 'text':
      if (typeof raw === 'string') {
        const problem = textProblem(raw);
        return problem === null ? ok(raw) : fail(problem);
      }
      if (typeof raw === 'boolean') return ok(String(raw));
      return fail('must be text');
    case 'int': {
      const n = toNumber(raw);
      if (n === null || !Number.isInteger(n)) return fail(`must be a whole number, got ${quote(raw)}`);
      // Out-of-range cells are row errors, not a failed load.
      return n >= INT4_MIN && n <= INT4_MAX ? ok(n) : fail(`must be a whole number from ${INT4_MIN} to ${INT4_MAX}, got ${quote(raw)}`);
    }
    case 'money': {
      const n = toNumber(raw);
      if (n === null) return fail(`must be an amount, got ${quote(raw)}`);
      // Four decimals, as stored: every currency's minor unit (dinars have three), float noise (0.30000000000000004) dropped.
      const amount = Math.round(n * 10_000) / 10_000;
      return Math.abs(amount) < MONEY_LIMIT ? ok(amount) : fail(`must be an amount below 10^13, got ${quote(raw)}`);
    }
    case 'float': {
      const n = toNumber(raw);
      return n !== null ? ok(n) : fail(`must be a number, got ${quote(raw)}`);
    }
    case 'bool': {
      if (typeof raw === 'boolean') return ok(raw);
      const s = String(raw).trim().toLowerCase();
      if (BOOL_TRUE.has(s)) return ok(true);
      if (BOOL_FALSE.has(s)) return ok(false);
      return fail(`must be true or false, got ${quote(raw)}`);
    }
    case 'date':
      if (typeof raw !== 'string' || !isValidDate(raw)) return fail(`must be a date YYYY-MM-DD, got ${quote(raw)}`);
      return inYears(raw) ? ok(raw) : fail(YEARS_REASON(raw));
    case 'timestamp': {
      const m = typeof raw === 'string' ? TIMESTAMP_RE.exec(raw) : null;
      if (!m || !isValidDate((raw as string).slice(0, 10)) || Number.isNaN(Date.parse(raw as string))) {
        return fail(`must be an ISO 8601 timestamp with offset, got ${quote(raw)}`);
      }
      if (m[1] !== undefined && Number(m[1]) > MAX_OFFSET_HOURS) return fail(`must have a UTC offset within ±${MAX_OFFSET_HOURS}:59, got ${quote(raw)}`);
      return inYears(raw as string) ? ok(raw as string) : fail(YEARS_REASON(raw as string));
    }
    case 'textList':
      return coerceList(raw);
    case 'json':
      return coerceJson(raw, shape);
  }
}

/**
 * A JSON number where text is expected, `written` as in the file: an id
 * beyond 2^53 was rounded when read, and 1e3, 1.0 and 1e21 would be stored
 * as "1000", "1" and "1e+21", not as the sender wrote them.
 */
function numberAsText(n: number, written: string | null): Coerced {
  const digits = String(n);
  if (Number.isSafeInteger(n) && written === digits) return ok(digits);
  return fail(`must be text: a JSON number is taken as text only when written as digits alone, below 2^53, got ${excerpt(written ?? digits)}; send it in quotes`);
}

function coerceList(raw: unknown): Coerced {
  let list = raw;
  if (typeof raw === 'string') {
    const t = raw.trim();
    // CSV cells carry lists as JSON arrays or as `a|b|c`.
    if (t.startsWith('[')) {
      try {
        list = JSON.parse(t);
      } catch {
        return fail('must be a JSON array of text or a|b|c');
      }
    } else list = t === '' ? [] : t.split('|');
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return fail('must be a list of text');
  for (const x of list as string[]) {
    const problem = textProblem(x);
    if (problem !== null) return fail(problem);
  }
  return ok(list);
}

/**
 * Largest JSON value (its JSON text in UTF-8 bytes) one cell may hold. A scenario
 * is at most 50 steps of a few keys, about 14 KiB with templates named at 200
 * characters; offer terms are a handful of numbers, a provider's event a few
 * hundred bytes. Past this it is a file pasted into a cell, which would be
 * stored whole and read back by every plan and risk fact of the customer.
 */
export const MAX_JSON_BYTES = 64 * 1024;

/** Bytes `value` takes as JSON text when more than MAX_JSON_BYTES, else null. */
function jsonBytesOver(value: unknown): number | null {
  const bytes = Buffer.byteLength(JSON.stringify(value));
  return bytes > MAX_JSON_BYTES ? bytes : null;
}

/** What a JSON value is, in words: said whole, it could be a megabyte, or nested too deep to write back. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

/** `value` is what `shape` says, or no shape is declared (an object or an array). */
function hasShape(value: unknown, shape: 'object' | 'array' | undefined): boolean {
  if (shape === 'array') return Array.isArray(value);
  return typeof value === 'object' && value !== null && (shape === undefined || !Array.isArray(value));
}

// A CSV cell is JSON text, an NDJSON value JSON already: the shape is checked on what either holds,
// so a cell `5` is refused where the NDJSON 5 is.
function coerceJson(raw: unknown, shape?: 'object' | 'array'): Coerced {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return fail(`must be JSON${shape === undefined ? '' : ` (a JSON ${shape})`}`);
    }
  }
  if (!hasShape(value, shape)) return fail(`must be a JSON ${shape ?? 'object or array'}, got ${jsonKind(value)}`);
  // First: JSON.stringify, which sizes the value, recurses.
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return fail(`must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  const bytes = jsonBytesOver(value);
  if (bytes !== null) return fail(`must be at most ${MAX_JSON_BYTES / 1024} KiB as JSON, got ${bytes} bytes`);
  if (typeof raw === 'string') {
    const repeated = repeatedKey(raw, value);
    if (repeated !== null) return fail(namedTwice(repeated));
  }
  const found = findUnstorable(value);
  if (found !== null) return fail(UNSTORABLE_REASON[found.problem]);
  const inexact = inexactNumber(value);
  return inexact === null ? ok(value as object) : fail(inexact);
}

/**
 * JSON.parse reads a number as a double: an id of 20 digits comes back
 * rounded and 1e400 as Infinity, which JSON.stringify writes null, so the
 * value stored would not be the one sent, and jsonb would have kept it.
 */
function inexactNumber(value: unknown): string | null {
  let huge = false;
  const path = findLeaf(value, (n) => typeof n === 'number' && ((huge = !Number.isFinite(n)) || (Number.isInteger(n) && !Number.isSafeInteger(n))));
  if (path === null) return null;
  return huge
    ? `must hold numbers below 1.8e308 (${path}): JSON numbers are read as doubles, and this one would be stored as null`
    : `must hold whole numbers below 2^53 (${path}): send such an id in quotes, as JSON numbers are read as doubles and this one would be stored rounded`;
}

function lengthProblem(value: Value, max: number): string | null {
  if (typeof value === 'string') {
    const n = charactersOver(value, max);
    return n === null ? null : `must be at most ${max} characters long, got ${n}`;
  }
  if (!Array.isArray(value)) return null;
  for (let i = 0; i < value.length; i++) {
    const n = typeof value[i] === 'string' ? charactersOver(value[i] as string, max) : null;
    if (n !== null) return `must hold items of at most ${max} characters, got ${n} in item ${i + 1}`;
  }
  return null;
}

function checkBounds(field: ImportField, value: Value): string | null {
  // First: the code and zone checks need not read a megabyte, nor their reasons quote one.
  if (field.maxItems !== undefined && Array.isArray(value) && value.length > field.maxItems) {
    return `must hold at most ${field.maxItems} items, got ${value.length}`;
  }
  if (field.maxLength !== undefined) {
    const problem = lengthProblem(value, field.maxLength);
    if (problem !== null) return problem;
  }
  if (field.enum && typeof value === 'string' && !field.enum.includes(value)) {
    return `must be one of ${field.enum.join(', ')}, got ${quote(value)}`;
  }
  if (field.valid && typeof value === 'string') return field.valid(value);
  if (typeof value === 'number') {
    if (field.min !== undefined && (field.exclusiveMin ? value <= field.min : value < field.min)) {
      return field.exclusiveMin ? `must be greater than ${field.min}` : `must not be below ${field.min}${field.min === 0 ? ' (negative)' : ''}`;
    }
    if (field.max !== undefined && value > field.max) return `must not be above ${field.max}`;
  }
  return null;
}

function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}

/** Spaces only: an identifier no one can tell from another blank one. */
function isBlank(raw: unknown): boolean {
  return typeof raw === 'string' && raw !== '' && raw.trim() === '';
}

/**
 * Coerces a record field by field. Returns the typed row (field name → value)
 * and the reasons it is wrong; a row with errors is never written. `source`
 * is the JSON text the record was read from, when it was: a number is taken
 * as text only as written there.
 */
export function coerceRow(
  entity: ImportEntity,
  record: Record<string, unknown>,
  line: number,
  errors: RowError[],
  source?: string,
): Record<string, Value> {
  const row: Record<string, Value> = {};
  const before = errors.length;
  for (const field of entity.fields) {
    const raw = record[field.name];
    if (isMissing(raw) || (field.required && isBlank(raw))) {
      if (field.required) errors.push({ line, field: field.name, reason: isBlank(raw) ? 'is required (got only spaces)' : 'is required' });
      row[field.name] = null;
      continue;
    }
    // Looked up only for a number sent as text: the source is not scanned for the usual row.
    const value = field.type === 'text' && typeof raw === 'number'
      ? numberAsText(raw, source === undefined ? String(raw) : writtenNumber(source, field.name))
      : coerceType(field.type, raw, field.jsonShape);
    if (value instanceof Invalid) {
      errors.push({ line, field: field.name, reason: value.reason });
      row[field.name] = null;
      continue;
    }
    const bound = checkBounds(field, value);
    if (bound) errors.push({ line, field: field.name, reason: bound });
    row[field.name] = bound === null && field.canonical !== undefined && typeof value === 'string' ? field.canonical(value) : value;
  }
  if (errors.length === before && entity.check) {
    const reason = entity.check(row);
    if (reason) errors.push({ line, reason });
  }
  return row;
}
