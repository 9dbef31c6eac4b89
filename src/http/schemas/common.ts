import { Type, type Static, type TSchema } from 'typebox';
import { INT4_MAX, MAX_OFFSET_HOURS, MAX_YEAR, MIN_YEAR } from '../../util/bounds.js';

/** RFC 9457 problem document, as every error of the API is rendered. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'Problem type URI' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable AR_ERR_* code' }),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem', description: 'application/problem+json' },
);
export type ProblemT = Static<typeof Problem>;

export const ProblemRef = Type.Ref('Problem');

/** The usual error answers of an authenticated route. */
export const errorResponses = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  429: ProblemRef,
};

export const JobInfoSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  state: Type.Union([
    Type.Literal('waiting'), Type.Literal('active'), Type.Literal('completed'),
    Type.Literal('failed'), Type.Literal('cancelled'),
  ]),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  message: Type.Union([Type.String(), Type.Null()]),
  result: Type.Unknown(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }), Type.Null()]),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

// Ids, days and instants as the database can hold them: a value past these
// bounds is the client's mistake (400), not a failed query (500).
// Written out, not derived: 1900-2199 and 00-15 are MIN_YEAR..MAX_YEAR and
// MAX_OFFSET_HOURS (test/http/bounds.test.ts holds them together).
const YEARS = '(19[0-9]{2}|2[01][0-9]{2})';
const DAY_PATTERN = `^${YEARS}-[0-9]{2}-[0-9]{2}$`;
const OFFSET = '([zZ]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)';
const INSTANT_PATTERN = `^${YEARS}-[0-9]{2}-[0-9]{2}[tT ].*${OFFSET}$`;

const NOT_BLANK_PATTERN = '\\S';

/** What a failed pattern means, in words (Ajv would quote the regular expression). */
export const PATTERN_MESSAGES: Record<string, string> = {
  [NOT_BLANK_PATTERN]: 'must not be blank',
  [DAY_PATTERN]: `must be a calendar day YYYY-MM-DD from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31`,
  [INSTANT_PATTERN]: `must be a timestamp from year ${MIN_YEAR} to ${MAX_YEAR} with a UTC offset within ±${MAX_OFFSET_HOURS}:59`,
};

/** A pattern whose failure is told in `message` rather than by quoting it. */
export function wordedPattern(pattern: string, message: string): string {
  PATTERN_MESSAGES[pattern] = message;
  return pattern;
}

/** A name or value a person reads: some text, not only spaces. */
export const Text = (maxLength: number, options: { description?: string } = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: NOT_BLANK_PATTERN, ...options });

/** A row id (int4). */
export const DbId = (options: { description?: string } = {}) => Type.Integer({ minimum: 1, maximum: INT4_MAX, ...options });
/** A count of rows to skip or a cursor (int4). */
export const DbOffset = (options: { description?: string; default?: number } = {}) => Type.Integer({ minimum: 0, maximum: INT4_MAX, ...options });
export const IdParams = Type.Object({ id: DbId() });

/** The `after` query parameter of a list paged by row id (src/db/keyset.ts). */
export const Cursor = () => Type.Optional(DbOffset({ description: 'cursor: the nextCursor of the previous page' }));
/** A page of a list paged by row id: `nextCursor` is null on the last page. */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.Integer(), Type.Null()]) });

export const Day = (description = 'YYYY-MM-DD') => Type.String({ format: 'date', pattern: DAY_PATTERN, description });
export const Instant = (description = 'ISO 8601 timestamp with its UTC offset') =>
  Type.String({ format: 'date-time', pattern: INSTANT_PATTERN, description });
