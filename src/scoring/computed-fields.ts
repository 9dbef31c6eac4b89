// Writes model outputs as computed fields, set-based: COPY into a temporary
// table, then one upsert. Each row names the model version that produced it.
import type { Db } from '../db/sql.js';
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

const esc = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
const cell = (v: unknown) => (v === null || v === undefined ? '\\N' : esc(String(v)));

function line(r: ComputedFieldRow): string {
  const num = typeof r.value === 'number' && Number.isFinite(r.value) ? r.value : null;
  const text = typeof r.value === 'string' ? r.value : null;
  const bool = typeof r.value === 'boolean' ? r.value : null;
  return [r.entityType, r.entityId, r.name, num, text, bool, r.confidence, JSON.stringify(r.reasons), r.modelVersion].map(cell).join('\t') + '\n';
}

const COLUMNS = ['entity_type', 'entity_id', 'name', 'value_num', 'value_text', 'value_bool', 'confidence', 'reasons', 'model_version'];

export async function writeComputedFields(db: Db, rows: ComputedFieldRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  await db.transaction(async (tx) => {
    await tx.query('DROP TABLE IF EXISTS cf_stage');
    await tx.query(`CREATE TEMP TABLE cf_stage (entity_type text, entity_id int, name text, value_num float8, value_text text,
      value_bool boolean, confidence float8, reasons jsonb, model_version text) ON COMMIT DROP`);
    for (let i = 0; i < rows.length; i += 20_000) {
      await tx.copyFrom('cf_stage', COLUMNS, rows.slice(i, i + 20_000).map(line).join(''));
    }
    await tx.query(`INSERT INTO computed_fields AS t (${COLUMNS.join(', ')}, computed_at)
      SELECT ${COLUMNS.join(', ')}, now() FROM cf_stage
      ON CONFLICT (entity_type, name, entity_id) DO UPDATE SET
        value_num = EXCLUDED.value_num, value_text = EXCLUDED.value_text, value_bool = EXCLUDED.value_bool,
        confidence = EXCLUDED.confidence, reasons = EXCLUDED.reasons, model_version = EXCLUDED.model_version,
        computed_at = EXCLUDED.computed_at`);
  });
  return rows.length;
}

/** Invoices no longer open keep no forecast: a stale one would mislead rules and the agenda. */
export async function dropSettledInvoiceFields(db: Db): Promise<void> {
  await db.query(`DELETE FROM computed_fields cf USING invoices i
    WHERE cf.entity_type = 'invoice' AND cf.entity_id = i.id AND i.open_amount = 0`);
}
