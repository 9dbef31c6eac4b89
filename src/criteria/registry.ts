// The field registry: the one list of what a saved search over customers may
// filter on. The real customer list lives in src/fields/; this file only says
// what a field is, so that the parser, both compilers, the API and the docs
// read the same definition.

export type FieldType = 'number' | 'string' | 'boolean' | 'date' | 'stringList';

export const FIELD_TYPES: readonly FieldType[] = ['number', 'string', 'boolean', 'date', 'stringList'];

export interface FieldDef {
  /** Name used in `{"var": name}` and as the key of the in-memory record. */
  name: string;
  type: FieldType;
  nullable: boolean;
  /**
   * SQL expression producing the value in a row context, e.g. `c.open_amount`
   * or `cf_drift.value_num`. Trusted: written by developers, never by users.
   */
  sql: string;
  source: 'column' | 'derived' | 'model';
  label: string;
  description: string;
  /** Known values of a string or stringList field; literals outside it are refused. */
  enumValues?: string[];
  unit?: string;
}

export type FieldRegistry = ReadonlyMap<string, FieldDef>;

/** Names a compiler can embed safely and a person can type: `daysLate`, `open_amount`. */
export const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Property names that reach the prototype chain; never a field, never a path segment. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Builds a registry from a list, refusing names the criteria language could
 * not address (dots would read as paths) or that collide.
 */
export function defineFieldRegistry(defs: readonly FieldDef[]): FieldRegistry {
  const registry = new Map<string, FieldDef>();
  for (const def of defs) {
    if (!FIELD_NAME_PATTERN.test(def.name) || FORBIDDEN_SEGMENTS.has(def.name)) {
      throw new Error(`field name "${def.name}" must match ${FIELD_NAME_PATTERN} and not be a prototype key`);
    }
    if (registry.has(def.name)) throw new Error(`field "${def.name}" is defined twice`);
    if (!FIELD_TYPES.includes(def.type)) throw new Error(`field "${def.name}" has unknown type "${def.type}"`);
    if (def.sql.trim() === '') throw new Error(`field "${def.name}" has no SQL expression`);
    registry.set(def.name, Object.freeze({ ...def }));
  }
  return registry;
}
