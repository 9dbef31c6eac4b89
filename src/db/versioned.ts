// Optimistic concurrency for what credit managers edit together (saved
// searches, rules): a change may name the versions it was made on, and is
// refused when the stored row has moved on since, instead of silently
// overwriting another editor's change.
import { AR_ERR } from '../errors.js';
import { ident, type Queryable } from './sql.js';

/** The versions a change was made on; null takes any (no If-Match, or "*"). */
export type ExpectedVersions = readonly number[] | null;

/** SQL: the row is at one of the expected versions, `$n` holding them (int[] or NULL). */
export const atVersion = (n: number): string => `($${n}::int[] IS NULL OR version = ANY($${n}::int[]))`;

/**
 * Why a change that matched no row matched none: the row is gone (404), or it
 * is at another version than expected (412, naming both).
 */
export async function missedRow(q: Queryable, table: string, label: string, id: number, expected: ExpectedVersions): Promise<Error> {
  const [row] = await q.query<{ version: number }>(`SELECT version FROM ${ident(table)} WHERE id = $1`, [id]);
  if (!row || expected === null) return AR_ERR.NOT_FOUND([label, String(id)]);
  const named = expected.length > 0 ? `version ${expected.join(', ')}` : 'no version of it';
  return AR_ERR.STALE_VERSION([label, String(id), String(row.version), named], { version: row.version });
}
