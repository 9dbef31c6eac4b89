// Saved dynamic searches over customers ("strategic customers", "old
// unqualified delays > 30 days"): stored as JsonLogic with the fields they
// read, counted and sampled live on the facts query.
import { atVersion, missedRow, versionsParam, type ExpectedVersions } from '../db/versioned.js';
import { AR_ERR } from '../errors.js';
import { isoSql, type Db, type Queryable } from '../db/sql.js';
import { compileSql, type CriteriaAst } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { customerFactsSql } from '../fields/facts.js';
import { validateCriteria } from './validate.js';

export interface SavedSearch {
  id: number;
  name: string;
  description: string | null;
  criteria: unknown;
  fields: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SearchInput {
  name: string;
  description?: string | null;
  criteria: unknown;
}

export interface SearchMatches {
  count: number;
  /** The first customers (by id) with the fields the criteria read. */
  sample: Record<string, unknown>[];
}

const SELECT = `SELECT id, name, description, criteria, fields, version,
  ${isoSql('created_at')} AS "createdAt", ${isoSql('updated_at')} AS "updatedAt"
  FROM saved_searches`;

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23505';
}

export async function listSearches(q: Queryable): Promise<SavedSearch[]> {
  return q.query<SavedSearch>(`${SELECT} ORDER BY name`);
}

export async function getSearch(q: Queryable, id: number): Promise<SavedSearch> {
  const [s] = await q.query<SavedSearch>(`${SELECT} WHERE id = $1`, [id]);
  if (!s) throw AR_ERR.NOT_FOUND(['Saved search', String(id)]);
  return s;
}

/**
 * Inserts a search. Whatever must succeed for the save to stand (the live
 * count) belongs in the same transaction as `q`, so a failure stores nothing.
 */
export async function createSearch(q: Queryable, input: SearchInput): Promise<SavedSearch> {
  const ast = validateCriteria(input.criteria);
  try {
    const [{ id }] = await q.query<{ id: number }>(
      'INSERT INTO saved_searches (name, description, criteria, fields) VALUES ($1, $2, $3::jsonb, $4::text[]) RETURNING id',
      [input.name, input.description ?? null, JSON.stringify(input.criteria), ast.fields],
    );
    return getSearch(q, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw AR_ERR.CONFLICT([`a saved search is already named "${input.name}"`]);
    throw err;
  }
}

/**
 * Replaces a search; as for createSearch, count it in the same transaction.
 * `criteriaChanged`: what it selects may differ (a new name or description
 * alone leaves it as it was; JSON compared as jsonb, so key order is no change).
 */
export async function updateSearch(
  q: Queryable, id: number, input: SearchInput, expected: ExpectedVersions = null,
): Promise<{ search: SavedSearch; criteriaChanged: boolean }> {
  const ast = validateCriteria(input.criteria);
  try {
    // Locked as read: the criteria compared are the ones the update replaces.
    const [before] = await q.query<{ criteriaChanged: boolean }>(
      'SELECT criteria IS DISTINCT FROM $2::jsonb AS "criteriaChanged" FROM saved_searches WHERE id = $1 FOR UPDATE',
      [id, JSON.stringify(input.criteria)],
    );
    const rows = await q.query<{ id: number }>(
      `UPDATE saved_searches SET name = $2, description = $3, criteria = $4::jsonb, fields = $5::text[],
         version = version + 1, updated_at = now() WHERE id = $1 AND ${atVersion(6)} RETURNING id`,
      [id, input.name, input.description ?? null, JSON.stringify(input.criteria), ast.fields, versionsParam(expected)],
    );
    if (rows.length === 0) throw await missedRow(q, 'saved_searches', 'Saved search', id, expected);
    return { search: await getSearch(q, id), criteriaChanged: before.criteriaChanged };
  } catch (err) {
    if (isUniqueViolation(err)) throw AR_ERR.CONFLICT([`a saved search is already named "${input.name}"`]);
    throw err;
  }
}

/**
 * Deletes a search no rule uses. The row is locked before the rules are read:
 * a rule saved on it meanwhile holds its key until it commits, so the check
 * sees that rule (409) rather than the foreign key failing the delete.
 */
export async function deleteSearch(db: Db, id: number, expected: ExpectedVersions = null): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM saved_searches WHERE id = $1 FOR UPDATE', [id]);
    const users = await tx.query<{ name: string }>('SELECT name FROM assignment_rules WHERE search_id = $1 ORDER BY name', [id]);
    if (users.length > 0) {
      throw AR_ERR.CONFLICT([`saved search ${id} is used by rules ${users.map((u) => `"${u.name}"`).join(', ')}; delete or change them first`]);
    }
    const rows = await tx.query(`DELETE FROM saved_searches WHERE id = $1 AND ${atVersion(2)} RETURNING id`, [id, versionsParam(expected)]);
    if (rows.length === 0) throw await missedRow(tx, 'saved_searches', 'Saved search', id, expected);
  });
}

/** Live count and sample, in one pass over the facts. */
export async function matchSearch(q: Queryable, ast: CriteriaAst, sampleSize: number): Promise<SearchMatches> {
  const { sql, params } = compileSql(ast, CUSTOMER_FIELDS, 1);
  const shown = ['externalId', 'name', ...ast.fields.filter((f) => f !== 'externalId' && f !== 'name')];
  const [row] = await q.query<{ count: number; sample: Record<string, unknown>[] | null }>(
    `WITH m AS MATERIALIZED (
       SELECT f.id, ${shown.map((f) => `f."${f}"`).join(', ')} FROM (${customerFactsSql()}) f WHERE ${sql}
     )
     SELECT (SELECT count(*) FROM m)::int AS count,
            (SELECT json_agg(s) FROM (SELECT ${shown.map((f) => `"${f}"`).join(', ')} FROM m ORDER BY id LIMIT $1) s) AS sample`,
    [sampleSize, ...params],
  );
  return { count: row.count, sample: row.sample ?? [] };
}
