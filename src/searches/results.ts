// The customers a saved search selects now, every one, with the fields its
// criteria read: what a credit manager reads before a rule assigns on the
// search, and exports to work on elsewhere. The count and sample of
// matchSearch show the size of a search; this is its list.
import type { Queryable } from '../db/sql.js';
import { compileSql, type CriteriaAst } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { customerFactsSql } from '../fields/facts.js';
import { keysetPage } from '../db/keyset.js';
import type { CsvColumn, Table } from '../reports/index.js';

/** What every list shows, before the fields the criteria read: who, who collects, what they owe. */
const ALWAYS = ['externalId', 'name', 'segment', 'collector', 'balanceCurrency', 'openAmount', 'overdueAmount'];

export const shownFields = (ast: CriteriaAst): string[] => [...new Set([...ALWAYS, ...ast.fields])];

export type Customer = Record<string, unknown>;

export interface SearchResultsPage {
  /** Customers the search selects now, on every page. */
  count: number;
  fields: string[];
  items: Customer[];
  nextCursor: number | null;
}

/**
 * The matches after `after` (a customer id), in id order; `limit` null for
 * every one. Each row's fields as JSON, so numbers stay numbers on both drivers:
 * a row of them made JSON, not json_build_object, whose two arguments a field
 * passed PostgreSQL's 100 with 44 fields read (the registry has more).
 */
async function matches(q: Queryable, ast: CriteriaAst, after: number, limit: number | null) {
  const fields = shownFields(ast);
  const { sql, params } = compileSql(ast, CUSTOMER_FIELDS, 2);
  // Only the columns shown: the planner then drops the facts' joins nobody
  // reads (f.* computed every one of them, four times the work at 100,000).
  const rows = await q.query<{ id: number; count: number; row: Customer }>(
    `WITH m AS MATERIALIZED (SELECT ${['f.id', ...fields.map((f) => `f."${f}"`)].join(', ')} FROM (${customerFactsSql()}) f WHERE ${sql})
     SELECT m.id, (SELECT count(*) FROM m)::int AS count, to_json(shown) AS row
     FROM m CROSS JOIN LATERAL (SELECT ${fields.map((f) => `m."${f}"`).join(', ')}) shown
     WHERE m.id > $1 ORDER BY m.id LIMIT $2`,
    [after, limit, ...params],
  );
  return { fields, rows };
}

export async function searchResults(q: Queryable, ast: CriteriaAst, page: { limit: number; after?: number }): Promise<SearchResultsPage> {
  const { fields, rows } = await matches(q, ast, page.after ?? 0, page.limit + 1);
  const { page: shown, nextCursor } = keysetPage(rows, page.limit);
  // Past the last match there is no row to carry the count: count again, once.
  const count = rows[0]?.count ?? (page.after ? (await matches(q, ast, 0, 1)).rows[0]?.count ?? 0 : 0);
  return { count, fields, items: shown.map((r) => r.row), nextCursor };
}

/** Every match, for an export: one column per field, a list field's values joined. */
export async function searchResultsTable(q: Queryable, ast: CriteriaAst): Promise<Table<Customer>> {
  const { fields, rows } = await matches(q, ast, 0, null);
  const columns: CsvColumn<Customer>[] = fields.map((f) => ({ header: f, value: (c) => cellValue(c[f]), day: CUSTOMER_FIELDS.get(f)?.type === 'date' }));
  return { columns, rows: rows.map((r) => r.row) };
}

function cellValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.join('; ');
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return JSON.stringify(v);
}
