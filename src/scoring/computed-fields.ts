// Writes model outputs as computed fields, set-based: COPY into a temporary
// table, then one upsert. Each row names the model version that produced it.
import { copyCell, type Db, type Queryable } from '../db/sql.js';
import type { Reason } from '../ml/model.js';

export interface ComputedFieldRow {
  entityType: 'customer' | 'invoice' | 'inbound';
  entityId: number;
  name: string;
  value: number | string | boolean | null;
  confidence: number | null;
  reasons: Reason[];
  modelVersion: string;
}

const cell = copyCell;

/**
 * A stored number as JSON can carry it: float8 columns take NaN and ±Infinity,
 * which other writers may leave and no response schema can serialise.
 */
export const finiteOrNull = (n: number | null | undefined): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** One row in COPY text format, the columns of COLUMNS in order. */
export function copyLine(r: ComputedFieldRow): string {
  const v = r.value;
  const num = typeof v === 'number' && Number.isFinite(v) ? v : null;
  const text = typeof v === 'string' ? v : null;
  const bool = typeof v === 'boolean' ? v : null;
  // Most rows carry no reasons: '[]' is what JSON.stringify gives them.
  const reasons = r.reasons.length === 0 ? '[]' : JSON.stringify(r.reasons);
  return `${cell(r.entityType)}\t${cell(r.entityId)}\t${cell(r.name)}\t${cell(num)}\t${cell(text)}\t${cell(bool)}\t${cell(finiteOrNull(r.confidence))}\t${cell(reasons)}\t${cell(r.modelVersion)}\n`;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Rows encoded as COPY text the moment they are produced, into buffers outside
 * the JavaScript heap. A rescoring slice's rows, reasons and all, would
 * otherwise stay alive until written (the slice after, with write-behind), and
 * the young-generation collector copied them and their strings on every pass.
 */
export class CopyLines {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(0);
  private used = 0;
  rows = 0;

  static of(rows: readonly ComputedFieldRow[]): CopyLines {
    const lines = new CopyLines();
    lines.add(rows);
    return lines;
  }

  add(rows: readonly ComputedFieldRow[]): void {
    for (const r of rows) this.write(copyLine(r));
    this.rows += rows.length;
  }

  private write(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.buf.length - this.used < s.length * 3) this.next(s.length * 3);
    this.used += this.buf.write(s, this.used);
  }

  private next(atLeast: number): void {
    if (this.used > 0) this.chunks.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.used = 0;
  }

  /** The encoded rows; nothing may be added after. */
  finish(): Buffer[] {
    if (this.used > 0) this.chunks.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(0);
    this.used = 0;
    return this.chunks;
  }
}

export const COLUMNS = ['entity_type', 'entity_id', 'name', 'value_num', 'value_text', 'value_bool', 'confidence', 'reasons', 'model_version'];

export async function writeComputedFields(db: Db, rows: ComputedFieldRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  await db.transaction((tx) => writeComputedFieldsIn(tx, rows));
  return rows.length;
}

/** writeComputedFields inside a transaction the caller holds, for a write that must commit with others. */
export async function writeComputedFieldsIn(tx: Queryable, rows: readonly ComputedFieldRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query('DROP TABLE IF EXISTS cf_stage');
  await tx.query(`CREATE TEMP TABLE cf_stage (entity_type text, entity_id int, name text, value_num float8, value_text text,
    value_bool boolean, confidence float8, reasons jsonb, model_version text) ON COMMIT DROP`);
  await tx.copyFrom('cf_stage', COLUMNS, CopyLines.of(rows).finish());
  await tx.query(`INSERT INTO computed_fields AS t (${COLUMNS.join(', ')}, computed_at)
    SELECT ${COLUMNS.join(', ')}, now() FROM cf_stage
    ON CONFLICT (entity_type, name, entity_id) DO UPDATE SET
      value_num = EXCLUDED.value_num, value_text = EXCLUDED.value_text, value_bool = EXCLUDED.value_bool,
      confidence = EXCLUDED.confidence, reasons = EXCLUDED.reasons, model_version = EXCLUDED.model_version,
      computed_at = EXCLUDED.computed_at`);
}

export interface SliceScope {
  /** Customer ids lo..hi (inclusive) whose fields, and whose invoices' fields, are replaced. */
  customers: [number, number];
  customerFields: string[];
  invoiceFields: string[];
}

/**
 * Replaces a slice's model outputs in one transaction: delete what the models
 * wrote before, COPY the new rows straight into the table. A whole-portfolio
 * run is mostly fresh rows, where this is several times faster than an upsert.
 */
export async function replaceComputedFields(db: Db, scope: SliceScope, rows: readonly ComputedFieldRow[] | CopyLines): Promise<number> {
  const [lo, hi] = scope.customers;
  const lines = rows instanceof CopyLines ? rows : CopyLines.of(rows);
  const count = lines.rows;
  const data = lines.finish();
  await db.transaction(async (tx) => {
    if (scope.customerFields.length > 0) {
      await tx.query(
        `DELETE FROM computed_fields WHERE entity_type = 'customer' AND entity_id BETWEEN $1 AND $2 AND name = ANY($3::text[])`,
        [lo, hi, scope.customerFields],
      );
    }
    if (scope.invoiceFields.length > 0) {
      // The slice's invoice ids probed one by one through (entity_type,
      // entity_id); the names are a filter, not an index condition, on
      // purpose: as an index condition on the primary key they made the planner
      // walk every invoice field of the portfolio, or every name x id pair,
      // once per slice (quadratic over a nightly run).
      await tx.query(
        `DELETE FROM computed_fields WHERE entity_type = 'invoice' AND array_position($3::text[], name) IS NOT NULL
           AND entity_id = ANY(ARRAY(SELECT id FROM invoices WHERE customer_id BETWEEN $1 AND $2))`,
        [lo, hi, scope.invoiceFields],
      );
    }
    if (data.length > 0) await tx.copyFrom('computed_fields', COLUMNS, data);
  });
  return count;
}

export interface StoredField {
  name: string;
  value: number | string | boolean | null;
  confidence: number | null;
  reasons: unknown;
  modelVersion: string;
  computedAt: string;
}

/** The computed fields of many entities of one type, by entity id, each list by name. */
export async function readComputedFields(db: Db, entityType: ComputedFieldRow['entityType'], ids: number[]): Promise<Map<number, StoredField[]>> {
  const byEntity = new Map<number, StoredField[]>();
  if (ids.length === 0) return byEntity;
  const rows = await db.query<{
    entity_id: number; name: string; value_num: number | null; value_text: string | null; value_bool: boolean | null;
    confidence: number | null; reasons: unknown; model_version: string; computed_at: Date | string;
  }>(
    `SELECT entity_id, name, value_num, value_text, value_bool, confidence, reasons, model_version, computed_at
     FROM computed_fields WHERE entity_type = $1 AND entity_id = ANY($2::int[]) ORDER BY entity_id, name`,
    [entityType, ids],
  );
  for (const r of rows) {
    const fields = byEntity.get(r.entity_id) ?? [];
    fields.push({
      name: r.name,
      value: finiteOrNull(r.value_num) ?? r.value_text ?? r.value_bool ?? null,
      confidence: finiteOrNull(r.confidence),
      reasons: r.reasons,
      modelVersion: r.model_version,
      computedAt: new Date(r.computed_at).toISOString(),
    });
    byEntity.set(r.entity_id, fields);
  }
  return byEntity;
}

/** The computed fields of one entity, by name. */
export async function computedFieldsOf(db: Db, entityType: ComputedFieldRow['entityType'], entityId: number): Promise<StoredField[]> {
  return (await readComputedFields(db, entityType, [entityId])).get(entityId) ?? [];
}
