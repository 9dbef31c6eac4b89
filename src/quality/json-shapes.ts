// Stored JSON values of another shape than their field declares (an offer's
// terms or an event's payload that is not an object). Imports refuse them
// since 707610c; the migration 20261213000000_json_field_shapes turned the
// empty arrays into {}, and the rest has no object it could become without
// inventing keys. Readers take such a value as holding none of the keys they
// read; this lists them for the platform to send again.
import { Type, type Static } from 'typebox';
import type { Db } from '../db/sql.js';
import { ENTITIES } from '../ingest/entities.js';

/** Rows named per entity, field and kind: enough to find them at the platform. */
export const EXTERNAL_IDS_SHOWN = 100;

export const OffShapeJson = Type.Object({
  entity: Type.String({ description: 'the import entity, as in POST /v1/import/:entity' }),
  field: Type.String(),
  shape: Type.Union([Type.Literal('object'), Type.Literal('array')], { description: 'what the field holds' }),
  got: Type.String({ description: "what the rows hold instead, as jsonb_typeof names it: 'number', 'string', 'boolean', 'array', 'object' or 'null'" }),
  count: Type.Integer(),
  externalIds: Type.Array(Type.String(), { description: `the first ${EXTERNAL_IDS_SHOWN} of them, in import order` }),
});
type Item = Static<typeof OffShapeJson>;

/** Every JSON field that declares a shape, from the import's own list. */
const SHAPED = ENTITIES.flatMap((e) => e.fields
  .filter((f) => f.jsonShape !== undefined && f.column !== undefined)
  .map((f) => ({ entity: e.name, table: e.table, field: f.name, column: f.column!, shape: f.jsonShape! })));

function shapeSql({ entity, table, field, column, shape }: (typeof SHAPED)[number]): string {
  return `SELECT '${entity}' AS entity, '${field}' AS field, '${shape}' AS shape, g.got, g.count,
    ARRAY(SELECT external_id FROM ${table} WHERE jsonb_typeof(${column}) = g.got ORDER BY id LIMIT ${EXTERNAL_IDS_SHOWN}) AS "externalIds"
  FROM (SELECT jsonb_typeof(${column}) AS got, count(*)::int AS count FROM ${table} WHERE jsonb_typeof(${column}) <> '${shape}' GROUP BY 1) g`;
}

/** One item per entity, field and kind of value held off its shape; none when every row has its shape. */
export async function listOffShapeJson(db: Db): Promise<Item[]> {
  return db.query<Item>(`${SHAPED.map(shapeSql).join('\nUNION ALL\n')}\nORDER BY entity, field, got`);
}
