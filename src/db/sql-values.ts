// SQL fragments that read values anyone may have written (imported events'
// payloads, float8 columns) without failing the whole query on one bad row.

/** The UTC calendar day of a timestamptz column: events are dated in UTC, as the agenda's days are. */
export const utcDay = (col: string) => `(${col} AT TIME ZONE 'UTC')::date`;

/**
 * SQL condition: a float8 holds a finite number (no answer can carry NaN or
 * ±Infinity). False for NULL, and for NaN, which PostgreSQL orders above every number.
 */
export const isFiniteSql = (col: string) => `abs(${col}) < 'Infinity'::float8`;

/** A float8 as itself when finite, else NULL: what a model output no answer could carry reads as. */
export const finiteOrNullSql = (col: string) => `(CASE WHEN ${isFiniteSql(col)} THEN ${col} END)`;

/**
 * A JSON value read as a number when it is one that a float8 holds, else NULL:
 * a payload's 1e400 or 1e-400 would fail the cast, and with it every row of the query.
 */
export const jsonNumberSql = (expr: string) =>
  `(CASE WHEN jsonb_typeof(${expr}) = 'number' THEN CASE WHEN abs((${expr})::numeric) < 1e15 THEN round((${expr})::numeric, 6)::float8 END END)`;

/** A JSON value read as text when it is a string, else NULL (a number or an object is not what the field says). */
export const jsonTextSql = (expr: string) => `(CASE WHEN jsonb_typeof(${expr}) = 'string' THEN ${expr} #>> '{}' END)`;
