// The one small SQL layer under bulk paths (import, rescoring, rule runs). It
// speaks to PostgreSQL through `pg` or to the embedded PGlite, with the same
// value conventions on both: DATE stays a 'YYYY-MM-DD' string (a JS Date would
// shift it by the host's time zone), NUMERIC and BIGINT become numbers.
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * `COPY <table> (<cols>) FROM STDIN` with text-format data: the bulk-load
   * path. The data as one string, or as UTF-8 chunks sent one after another.
   */
  copyFrom(table: string, columns: string[], data: string | readonly Uint8Array[]): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection held for its whole duration, outside any
   * transaction: what a session-level advisory lock needs (taken and released
   * on the same connection). PGlite has only the one connection.
   */
  session<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  /**
   * Reads the service's own table, as a readiness check: the database answers
   * and its schema can be read. On PostgreSQL the server stops the query after
   * `limitMs` (a lock, a server too busy), so a check given up on does not keep
   * its pooled connection waiting for as long as the lock lasts.
   */
  ping(limitMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The readiness check's read: a table of the service's own, so a lock that would hold its queries holds the check too (`SELECT 1` reads none). */
export const PING_SQL = 'SELECT 1 FROM service_state LIMIT 1';

export const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const;

export const parseNumber = (v: string): number => Number(v);
export const keepText = (v: string): string => v;

/** SQL: an instant as JavaScript's toISOString writes it (UTC, milliseconds), NULL staying NULL. */
export const isoSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Quotes an SQL identifier (table or column names built from our own lists). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function copySql(table: string, columns: string[], source: string): string {
  return `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM ${source}`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY text format: backslash escapes, `\N` for NULL or undefined. */
export function copyCell(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  // Most cells need no escape; testing first spares a replace per cell of a
  // million-row file.
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, (c) => COPY_ESCAPES[c]) : s;
}
