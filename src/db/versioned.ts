// Optimistic concurrency for what credit managers edit together (saved
// searches, rules): a change may name the versions it was made on, and is
// refused when the stored row has moved on since, instead of silently
// overwriting another editor's change.
import { AR_ERR } from '../errors.js';
import { ident, type Queryable } from './sql.js';

/**
 * The versions a change was made on: null when it names none (no If-Match),
 * 'any' for any version the row is at ("*"), else those listed.
 */
export type ExpectedVersions = readonly number[] | 'any' | null;

/** SQL: the row is at one of the expected versions, `$n` holding them (see versionsParam). */
export const atVersion = (n: number): string => `($${n}::int[] IS NULL OR version = ANY($${n}::int[]))`;

/** The value of atVersion's parameter: NULL takes any version. */
export const versionsParam = (expected: ExpectedVersions): readonly number[] | null => (expected === 'any' ? null : expected);

/**
 * Why a change that matched no row matched none. Without a precondition the
 * row is gone (404). With one, the condition is false (RFC 9110 §13.1.1): the
 * row is at another version than expected, or gone, which no version matches,
 * "*" included (412, naming what If-Match named, and the current version if any).
 */
export async function missedRow(q: Queryable, table: string, label: string, id: number, expected: ExpectedVersions): Promise<Error> {
  const [row] = await q.query<{ version: number }>(`SELECT version FROM ${ident(table)} WHERE id = $1`, [id]);
  if (expected === null || (row && expected === 'any')) return AR_ERR.NOT_FOUND([label, String(id)]);
  const named = expected === 'any' ? 'any version ("*")' : expected.length > 0 ? `version ${expected.join(', ')}` : 'no version of it';
  if (!row) return AR_ERR.STALE_VERSION_GONE([label, String(id), named], { version: null });
  return AR_ERR.STALE_VERSION([label, String(id), String(row.version), named], { version: row.version });
}
