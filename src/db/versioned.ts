// Optimistic concurrency for what credit managers edit together (saved
// searches, rules, assignment settings, customers' locks): a change may name
// the versions it was made on, and is refused when the stored row has moved on
// since, instead of silently overwriting another editor's change.
import { AR_ERR } from '../errors.js';
import { ident, type Queryable } from './sql.js';

/**
 * The versions a change was made on: null when it names none (no If-Match),
 * 'any' for any version the row is at ("*"), else those listed.
 */
export type ExpectedVersions = readonly number[] | 'any' | null;

/** SQL: the row is at one of the expected versions, `$n` holding them (see versionsParam). */
export const atVersion = (n: number, column = 'version'): string => `($${n}::int[] IS NULL OR ${column} = ANY($${n}::int[]))`;

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
  return missedVersion(label, String(id), row?.version, expected);
}

/** missedRow's answer once the current version is read: undefined when the row is gone. */
export function missedVersion(label: string, id: string, current: number | undefined, expected: ExpectedVersions): Error {
  if (expected === null || (current !== undefined && expected === 'any')) return AR_ERR.NOT_FOUND([label, id]);
  const named = expected === 'any' ? 'any version ("*")' : expected.length > 0 ? `version ${expected.join(', ')}` : 'no version of it';
  if (current === undefined) return AR_ERR.STALE_VERSION_GONE([label, id, named], { version: null });
  return AR_ERR.STALE_VERSION([label, id, String(current), named], { version: current });
}
