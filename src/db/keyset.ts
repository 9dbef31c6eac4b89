// Keyset paging by row id: a query asks for one row more than the page, and
// that row tells whether a next page exists; the cursor is the page's last id.

export interface KeysetPage<T> {
  page: T[];
  /** The last id of the page when more rows follow, else null. */
  nextCursor: number | null;
}

/** `rows`: up to `limit + 1` rows in id order. */
export function keysetPage<T extends { id: number }>(rows: T[], limit: number): KeysetPage<T> {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? page[page.length - 1].id : null };
}
