// Loads one file of one entity, whole or not at all. Rows are validated as they
// stream in and COPied into a temporary staging table inside one transaction;
// references are then checked in SQL, and two set-based statements write the
// target table (changed rows, new rows). Any error rolls everything back,
// so a corrupt or hostile file leaves the database exactly as it was.
import { AR_ERR } from '../errors.js';
import { copyCell, ident, type Db, type Queryable } from '../db/sql.js';
import type { FieldType, ImportEntity, ImportField } from './entities.js';
import { coerceRow, type RowError, type Value } from './coerce.js';
import type { ParsedRecord } from './parse.js';
import { excerpt, quote } from '../util/quote.js';
import { analyse, statisticsStale } from '../db/statistics.js';

export interface ImportResult {
  entity: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface ImportOptions {
  batchSize?: number;
  /** Called after each batch with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
  signal?: AbortSignal;
  /**
   * Last step of the import's transaction, once its rows are in: what must be
   * committed with them or not at all (the refresh the import needs).
   */
  beforeCommit?: (tx: Queryable, result: ImportResult) => Promise<void>;
}

/** The advisory lock an import of `table` holds to its commit. */
const importLock = (table: string) => `ar-import:${table}`;

const CANCELLED = () => AR_ERR.CONFLICT(['The import was cancelled; nothing was written']);

/** How many row errors a rejection lists; the total is always given. */
export const MAX_LISTED_ERRORS = 100;

const STAGING_TYPE: Record<FieldType, string> = {
  text: 'text',
  int: 'integer',
  money: 'numeric(18,4)',
  float: 'double precision',
  bool: 'boolean',
  date: 'date',
  timestamp: 'timestamptz',
  textList: 'jsonb',
  json: 'jsonb',
};

const TABLES_WITH_UPDATED_AT = new Set(['collectors', 'dunning_scenarios', 'customers', 'invoices']);

export const stagingColumn = (f: ImportField): string => `f_${f.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

function copyText(v: Value, type: FieldType): string {
  return copyCell(v !== null && (type === 'textList' || type === 'json') ? JSON.stringify(v) : v);
}

class RowCollector {
  errors: RowError[] = [];
  total = 0;
  add(err: RowError) {
    this.total++;
    if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push(err);
  }
}

function unknownFieldsCheck(entity: ImportEntity) {
  const known = new Set(entity.fields.map((f) => f.name));
  const reported = new Set<string>();
  return (record: Record<string, unknown>, line: number, out: RowCollector, present: Set<string>) => {
    for (const key of Object.keys(record)) {
      if (known.has(key)) {
        present.add(key);
        continue;
      }
      if (reported.has(key)) continue;
      reported.add(key);
      out.add({ line, field: excerpt(key), reason: `is not a field of ${entity.name} (known: ${[...known].join(', ')})` });
    }
  };
}

async function stageRows(
  tx: Queryable,
  entity: ImportEntity,
  records: AsyncIterable<ParsedRecord[]>,
  options: ImportOptions,
  errors: RowCollector,
  present: Set<string>,
): Promise<number> {
  const batchSize = options.batchSize ?? 10_000;
  const columns = ['line', ...entity.fields.map(stagingColumn)];
  const checkUnknown = unknownFieldsCheck(entity);
  const rowErrors: RowError[] = [];
  // Cells joined once per row: appending them one by one builds rope strings
  // that cost more to flatten than the rest of the row's work.
  const fields = entity.fields;
  const cells: string[] = new Array<string>(fields.length + 1);
  let buffer: string[] = [];
  let rows = 0;
  // One COPY in flight while the next batch is parsed: the database works on
  // batch k while this process validates batch k+1.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (buffer.length === 0) return;
    const data = buffer.join('\n') + '\n';
    buffer = [];
    await inFlight;
    // Rows of a rejected file are still staged so that their references and
    // keys are checked in the same round: a sender fixes everything at once.
    // Past the listed number of problems, more staging is wasted work.
    if (errors.total < MAX_LISTED_ERRORS) {
      inFlight = tx.copyFrom('stg', columns, data);
      // Handled here so a failure while the next batch is parsed cannot crash
      // the process; the next await still throws it.
      inFlight.catch(() => undefined);
    }
    options.onProgress?.(rows);
  };
  let fatal = false;
  for await (const batch of records) {
    if (options.signal?.aborted) throw CANCELLED();
    for (const item of batch) {
      rows++;
      if (item.error !== undefined) {
        errors.add({ line: item.line, reason: item.error });
        fatal ||= item.fatal === true;
        continue;
      }
      checkUnknown(item.record, item.line, errors, present);
      rowErrors.length = 0;
      const row = coerceRow(entity, item.record, item.line, rowErrors, item.source);
      for (const e of rowErrors) errors.add(e);
      if (rowErrors.length > 0) continue;
      cells[0] = String(item.line);
      for (let k = 0; k < fields.length; k++) cells[k + 1] = copyText(row[fields[k].name], fields[k].type);
      buffer.push(cells.join('\t'));
    }
    if (fatal) break;
    if (buffer.length >= batchSize) await flush();
  }
  await flush();
  await inFlight;
  return rows;
}

async function referenceErrors(tx: Queryable, entity: ImportEntity, errors: RowCollector): Promise<void> {
  for (const f of entity.fields) {
    if (!f.ref) continue;
    const c = stagingColumn(f);
    const missing = await tx.query<{ line: number; ref: string }>(
      `SELECT s.line, s.${c} AS ref FROM stg s
       WHERE s.${c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${ident(f.ref.table)} r WHERE r.external_id = s.${c})
       ORDER BY s.line LIMIT ${MAX_LISTED_ERRORS}`,
    );
    for (const m of missing) {
      errors.add({ line: m.line, field: f.name, reason: `refers to unknown ${f.ref.table.replace(/_/g, ' ')} ${quote(m.ref)}` });
    }
  }
}

async function stagedCheckErrors(tx: Queryable, entity: ImportEntity, errors: RowCollector): Promise<void> {
  for (const sql of entity.stagedChecks ?? []) {
    const rows = await tx.query<{ line: number; reason: string }>(`${sql} LIMIT ${MAX_LISTED_ERRORS}`);
    for (const r of rows) errors.add({ line: r.line, reason: r.reason });
  }
}

async function duplicateKeyErrors(tx: Queryable, entity: ImportEntity, errors: RowCollector): Promise<void> {
  const keyFields = entity.fields.filter((f) => (f.ref ? entity.key.includes(f.ref.column) : entity.key.includes(f.column ?? '')));
  const cols = keyFields.map(stagingColumn).join(', ');
  const dups = await tx.query<{ lines: number[] }>(
    `SELECT array_agg(line ORDER BY line) AS lines FROM stg GROUP BY ${cols} HAVING count(*) > 1 LIMIT ${MAX_LISTED_ERRORS}`,
  );
  for (const d of dups) {
    const [first, ...rest] = d.lines;
    for (const line of rest) errors.add({ line, reason: `repeats the key of line ${first}` });
  }
}

/** A field's default as SQL, `{customer}` read as the alias its customers join has (`customer` names it). */
const defaultSql = (f: ImportField, customer: string | undefined): string => f.default!.replace(/\{customer\}/g, customer ?? 'NULL');

function valueSql(f: ImportField, customer: string | undefined): string {
  const s = `s.${stagingColumn(f)}`;
  if (f.type === 'textList') return `COALESCE(ARRAY(SELECT jsonb_array_elements_text(${s})), ARRAY[]::text[])`;
  return f.default !== undefined ? `COALESCE(${s}, ${defaultSql(f, customer)})` : s;
}

/**
 * Builds the set-based upsert from staging into the entity's table, as two
 * statements: rows whose key is already there go through ON CONFLICT DO
 * UPDATE (only where something changed); new rows are a plain INSERT, which
 * spares a million-row load the speculative insertion ON CONFLICT costs per
 * row. `updates` is false when a conflict does nothing (pair keys): a key
 * repeated in the file then goes unnoticed and must be looked for first. New
 * rows take ids in the order the join yields them (file order in practice):
 * sorting a million staged rows by line cost more than a guaranteed order is worth.
 * `lock`, for an entity whose rows other writers lock (lockInIdOrder), runs
 * first: it locks the rows already there in id order, which the upsert would
 * lock in file order (100,000 emails sent again: about 0.4 s; 100,000 customers, 0.23 s).
 * An entity whose rows other writers add (addsInKeyOrder) adds its new rows in
 * key order, passing over those added meanwhile (ON CONFLICT DO NOTHING).
 * `onChange` runs the entity's own statement on the stored rows the file
 * changes in the columns it watches, before the upsert overwrites them.
 */
export function upsertSql(entity: ImportEntity, present: Set<string>): { lock: string | null; onChange: string | null; existing: string | null; fresh: string; updates: boolean } {
  const targets: string[] = [];
  const values: string[] = [];
  const joins: string[] = [];
  // Columns only new rows get: a default the table's own cannot compute.
  const newRowCols: string[] = [];
  const newRowVals: string[] = [];
  const derivedColumns = new Set((entity.derived ?? []).map((d) => d.column));
  const sent = (f: ImportField) => f.required || present.has(f.name);
  const customerIndex = entity.fields.findIndex((f) => f.ref?.table === 'customers' && sent(f));
  const customer = customerIndex >= 0 ? `r${customerIndex}` : undefined;
  entity.fields.forEach((f, i) => {
    // Optional columns missing from the whole file are left as they are, so a
    // sync that does not send (say) the collector never undoes an assignment.
    if (!sent(f)) {
      if (f.defaultsNewRows && !f.ref && !derivedColumns.has(f.column!)) {
        newRowCols.push(f.column!);
        newRowVals.push(defaultSql(f, customer));
      }
      return;
    }
    if (f.ref) {
      const alias = `r${i}`;
      joins.push(`LEFT JOIN ${ident(f.ref.table)} ${alias} ON ${alias}.external_id = s.${stagingColumn(f)}`);
      targets.push(f.ref.column);
      values.push(`${alias}.id`);
    } else if (!derivedColumns.has(f.column!)) {
      targets.push(f.column!);
      values.push(valueSql(f, customer));
    }
  });
  for (const d of entity.derived ?? []) {
    if (!d.dependsOn.some((n) => present.has(n) || entity.fields.find((f) => f.name === n)?.required)) continue;
    targets.push(d.column);
    values.push(d.sql.replace(/\{(\w+)\}/g, (_, name: string) => `s.${stagingColumn(entity.fields.find((f) => f.name === name)!)}`));
  }
  const updatable = targets.filter((t) => !entity.key.includes(t));
  // What an updated column becomes: the file's value, or a derived one's rule for stored rows.
  const updated = new Map(updatable.map((c) => [c, `EXCLUDED.${ident(c)}`]));
  for (const d of entity.derived ?? []) {
    if (!d.stored || present.has(d.stored.unlessSent) || !updated.has(d.column)) continue;
    updated.set(d.column, d.stored.sql.replace(/\{(\w+)\}/g, (_, name: string) => {
      const f = entity.fields.find((x) => x.name === name)!;
      return `${sent(f) ? 'EXCLUDED' : 't'}.${ident(f.column!)}`;
    }));
  }
  const hasUpdatedAt = TABLES_WITH_UPDATED_AT.has(entity.table);
  const insertCols = [...targets, ...(hasUpdatedAt ? ['updated_at'] : [])];
  const insertVals = [...values, ...(hasUpdatedAt ? ['now()'] : [])];
  const keyMatch = entity.key.map((k) => `x.${ident(k)} = ${values[targets.indexOf(k)]}`).join(' AND ');
  const exists = `EXISTS (SELECT 1 FROM ${ident(entity.table)} x WHERE ${keyMatch})`;
  // `tail`: the order the rows are added in and what a conflict does.
  const insert = (where: string, tail: string, cols = insertCols, vals = insertVals, returning = '1', answer = 'count(*) AS n FROM up') => `WITH up AS (
    INSERT INTO ${ident(entity.table)} AS t (${cols.map(ident).join(', ')})
    SELECT ${vals.join(', ')} FROM stg s ${joins.join(' ')} WHERE ${where}
    ${tail} RETURNING ${returning}
  ) SELECT ${answer}`;
  // A key sent twice fails the update ("cannot affect row a second time") only
  // if its first row changed something: sent first as stored, the row it meets
  // again is updated by the second without a word. So `sent` counts the staged
  // rows of the keys updated, which is `n` unless one came twice: a cost only
  // where rows changed, none for a clean file that changes nothing (up is empty).
  const existing = updatable.length === 0
    ? null
    : insert(exists, `ON CONFLICT (${entity.key.map(ident).join(', ')}) DO UPDATE SET ${[...updatable.map((c) => `${ident(c)} = ${updated.get(c)}`), ...(hasUpdatedAt ? ['updated_at = EXCLUDED.updated_at'] : [])].join(', ')}
       WHERE (${updatable.map((c) => `t.${ident(c)}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => updated.get(c)).join(', ')})`,
    insertCols, insertVals, entity.key.map((k) => `t.${ident(k)}`).join(', '),
    `(SELECT count(*) FROM up) AS n, (SELECT count(*) FROM stg s ${joins.join(' ')} JOIN up x ON ${keyMatch}) AS sent`);
  // FOR NO KEY UPDATE: what ON CONFLICT DO UPDATE takes, its SET leaving the key alone; counted, not sent back.
  const lock = entity.lockInIdOrder && updatable.length > 0
    ? `SELECT count(*) AS n FROM (SELECT 1 FROM stg s ${joins.join(' ')} JOIN ${ident(entity.table)} x ON ${keyMatch} ORDER BY x.id FOR NO KEY UPDATE OF x) locked`
    : null;
  // Only where nothing is updated: a key repeated in the file, which DO NOTHING would pass over, is then looked for first.
  const alongsideOthers = entity.addsInKeyOrder && updatable.length === 0
    ? `ORDER BY ${entity.key.map((k) => values[targets.indexOf(k)]).join(', ')} ON CONFLICT (${entity.key.map(ident).join(', ')}) DO NOTHING`
    : '';
  const fresh = insert(`NOT ${exists}`, alongsideOthers, [...insertCols, ...newRowCols], [...insertVals, ...newRowVals]);
  const watched = (entity.onChange?.columns ?? []).filter((c) => updatable.includes(c));
  const onChange = watched.length === 0 ? null : entity.onChange!.sql.replace('{changed}', () =>
    `SELECT x.id FROM stg s ${joins.join(' ')} JOIN ${ident(entity.table)} x ON ${keyMatch}
     WHERE (${watched.map((c) => `x.${ident(c)}`).join(', ')}) IS DISTINCT FROM (${watched.map((c) => values[targets.indexOf(c)]).join(', ')})`);
  return { lock, onChange, existing, fresh, updates: updatable.length > 0 };
}

// A key repeated in the file: ON CONFLICT DO UPDATE meeting the same key twice
// in one statement, or the plain INSERT of new rows meeting its own row.
const REPEATED_KEY = new Set(['21000', '23505']);
/** A key the update met twice, the first time changing nothing (upsertSql's `sent`). */
class KeySentTwice extends Error {}

function rejection(errors: RowCollector, rows: number) {
  errors.errors.sort((a, b) => a.line - b.line);
  const first = errors.errors[0];
  const summary = `${errors.total} problem${errors.total === 1 ? '' : 's'} in ${rows} row${rows === 1 ? '' : 's'}; first at line ${first.line}${first.field ? ` (${first.field})` : ''}: ${first.reason}`;
  return AR_ERR.IMPORT_REJECTED([summary], { errorCount: errors.total, errors: errors.errors });
}

/** Imports a stream of records of one entity in one transaction. */
export async function importRecords(
  db: Db,
  entity: ImportEntity,
  records: AsyncIterable<ParsedRecord[]>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { result, stale } = await db.transaction(async (tx) => {
    const stagingCols = entity.fields.map((f) => `${stagingColumn(f)} ${STAGING_TYPE[f.type]}`);
    // One import of an entity at a time: new rows are inserted without ON
    // CONFLICT, which is safe only if no other import adds the same keys
    // meanwhile (an entity others add rows of too says addsInKeyOrder).
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [importLock(entity.table)]);
    // No ON COMMIT DROP: PGlite keeps one session, so drop it explicitly too.
    await tx.query('DROP TABLE IF EXISTS stg');
    await tx.query(`CREATE TEMP TABLE stg (line integer NOT NULL, ${stagingCols.join(', ')}) ON COMMIT DROP`);
    const errors = new RowCollector();
    const present = new Set(entity.fields.filter((f) => f.required).map((f) => f.name));
    const rows = await stageRows(tx, entity, records, options, errors, present);
    if (rows === 0 && errors.total === 0) throw AR_ERR.IMPORT_EMPTY();
    const upsert = upsertSql(entity, present);
    // After staging, which may take long, so the other table's imports wait only from here.
    for (const table of entity.checkedBy ?? []) await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [importLock(table)]);
    await referenceErrors(tx, entity, errors);
    // Against stored rows, so only once every reference resolves.
    if (errors.total === 0) await stagedCheckErrors(tx, entity, errors);
    // A file that updates rows finds repeated keys through the upsert itself,
    // unless it is rejected anyway: then they are listed with the rest.
    if (!upsert.updates || errors.total > 0) await duplicateKeyErrors(tx, entity, errors);
    if (errors.total > 0) throw rejection(errors, rows);
    // A repeated key makes the upsert itself fail; only then are the lines
    // looked for, so a clean file of a million rows pays no GROUP BY.
    await tx.query('SAVEPOINT upsert');
    const counts = { inserted: 0, updated: 0 };
    try {
      if (upsert.lock) await tx.query(upsert.lock);
      if (upsert.onChange) await tx.query(upsert.onChange);
      if (upsert.existing) {
        const [{ n, sent }] = await tx.query<{ n: number; sent: number }>(upsert.existing);
        if (Number(sent) > Number(n)) throw new KeySentTwice();
        counts.updated = n;
      }
      [{ n: counts.inserted }] = await tx.query<{ n: number }>(upsert.fresh);
    } catch (err) {
      if (!(err instanceof KeySentTwice) && !REPEATED_KEY.has((err as { code?: string }).code ?? '')) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT upsert');
      await duplicateKeyErrors(tx, entity, errors);
      if (errors.total === 0) throw err;
      throw rejection(errors, rows);
    }
    const result: ImportResult = {
      entity: entity.name,
      rows,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: rows - counts.inserted - counts.updated,
    };
    // A cancel that came while the rows were checked or written: the job says cancelled, so nothing is.
    if (options.signal?.aborted) throw CANCELLED();
    await options.beforeCommit?.(tx, result);
    return { result, stale: counts.inserted > 0 && (await statisticsStale(tx, entity.table, counts.inserted + counts.updated)) };
  });
  // Fresh statistics after a bulk load: without them the planner picks nested
  // loops over tables it believes empty (PGlite has no autovacuum). After the
  // commit, not inside it: the transaction's own row counters reach the
  // statistics only once it ends, and landing after ANALYZE had reset them
  // they made the next small import analyse the table all over again.
  // Only an optimisation: failing (a connection lost) must not report a
  // committed import as failed; the next import finds the table stale again.
  if (stale) await analyse(db, entity.table);
  return result;
}
