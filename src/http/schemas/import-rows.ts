// OpenAPI documentation of import rows, generated from the entity list.
import { Type, type TSchema } from 'typebox';
import { Day, Instant } from './common.js';
import type { FieldType, ImportEntity, ImportField } from '../../ingest/entities.js';
import { MAX_JSON_BYTES } from '../../ingest/coerce.js';

function fieldSchema(f: ImportField): TSchema {
  const opts = { description: f.description };
  const base: Record<FieldType, () => TSchema> = {
    text: () => (f.enum ? Type.Union(f.enum.map((v) => Type.Literal(v)), opts) : Type.String({ ...opts, maxLength: f.maxLength })),
    int: () => Type.Integer({ ...opts, minimum: f.min, maximum: f.max }),
    money: () => Type.Number({ ...opts, minimum: f.min }),
    float: () => Type.Number({ ...opts, minimum: f.min, maximum: f.max }),
    bool: () => Type.Boolean(opts),
    date: () => Day(f.description),
    timestamp: () => Instant(f.description),
    textList: () => Type.Array(Type.String({ maxLength: f.maxLength }), { description: `${f.description} (at most ${f.maxItems} items)`, maxItems: f.maxItems }),
    json: () => {
      const json = { description: `${f.description} (at most ${MAX_JSON_BYTES / 1024} KiB as JSON)` };
      if (f.jsonShape === 'array') return Type.Array(Type.Unknown(), json);
      return f.jsonShape === 'object' ? Type.Object({}, { ...json, additionalProperties: true }) : Type.Unknown(json);
    },
  };
  const schema = base[f.type]();
  return f.required ? schema : Type.Optional(Type.Union([schema, Type.Null()], opts));
}

const pascal = (s: string) => s.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

export function importRowSchema(entity: ImportEntity): TSchema {
  const props: Record<string, TSchema> = {};
  for (const f of entity.fields) props[f.name] = fieldSchema(f);
  return Type.Object(props, { $id: `Import${pascal(entity.name)}`, description: entity.description, additionalProperties: false });
}
