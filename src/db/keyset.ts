// Keyset paging: a query asks for one row more than the page, and that row
// tells whether a next page exists; the cursor is the page's last key (its row
// id, unless the list is ordered by another unique integer).

export interface KeysetPage<T> {
  page: T[];
  /** The last key of the page when more rows follow, else null. */
  nextCursor: number | null;
}

const rowId = (row: { id: number }) => row.id;

/** `rows`: up to `limit + 1` rows in the order of `key`. */
export function keysetPage<T extends { id: number }>(rows: T[], limit: number): KeysetPage<T>;
export function keysetPage<T>(rows: T[], limit: number, key: (row: T) => number): KeysetPage<T>;
export function keysetPage<T>(rows: T[], limit: number, key = rowId as (row: T) => number): KeysetPage<T> {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? key(page[page.length - 1]) : null };
}

// A list ordered by several columns pages on all of them: its cursor is the
// page's last key, those columns' values, as one opaque URL-safe string.

/** The cursor of a key made of text values. */
export const encodeKeyCursor = (key: readonly string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

// PostgreSQL text holds no NUL: no key read from it has one, and a forged one would fail the query.
const isKeyValue = (v: unknown): v is string => typeof v === 'string' && !v.includes('\u0000');

/** The key of a cursor encodeKeyCursor gave, of `size` text values; null for anything else. */
export function decodeKeyCursor(cursor: string, size: number): string[] | null {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) && key.length === size && key.every(isKeyValue) ? key : null;
  } catch {
    return null;
  }
}
