// The registry as a query-builder UI loads it (GET /v1/criteria/fields): the
// field list in react-querybuilder's shape, with for each field only the
// operators whose JsonLogic the saved-search parser accepts for its type.

import type { FieldDef, FieldRegistry, FieldType } from './registry.js';

export interface QueryBuilderOption {
  name: string;
  label: string;
}

export interface QueryBuilderField {
  name: string;
  label: string;
  description: string;
  type: FieldType;
  source: FieldDef['source'];
  nullable: boolean;
  unit?: string;
  inputType?: 'number' | 'text' | 'date';
  valueEditorType: 'text' | 'select' | 'multiselect' | 'checkbox';
  values?: QueryBuilderOption[];
  operators: QueryBuilderOption[];
}

const OPERATOR_LABELS: Record<string, string> = {
  '=': '=', '!=': '!=', '<': '<', '>': '>', '<=': '<=', '>=': '>=',
  contains: 'contains', beginsWith: 'begins with', endsWith: 'ends with', doesNotContain: 'does not contain',
  in: 'in', notIn: 'not in', between: 'between', notBetween: 'not between', null: 'has no value', notNull: 'has a value',
};

/** react-querybuilder operator names whose JsonLogic export the parser accepts, per field type. */
const OPERATORS_BY_TYPE: Record<FieldType, string[]> = {
  number: ['=', '!=', '<', '>', '<=', '>=', 'between', 'notBetween', 'in', 'notIn', 'null', 'notNull'],
  date: ['=', '!=', '<', '>', '<=', '>=', 'between', 'notBetween', 'null', 'notNull'],
  string: ['=', '!=', '<', '>', '<=', '>=', 'contains', 'beginsWith', 'endsWith', 'doesNotContain', 'in', 'notIn', 'null', 'notNull'],
  boolean: ['=', '!=', 'null', 'notNull'],
  // Membership is written {"in": ["vip", {"var": "groups"}]}: "contains" in the builder.
  stringList: ['contains', 'doesNotContain', 'null', 'notNull'],
};

const ENUM_OPERATORS = ['=', '!=', 'in', 'notIn', 'null', 'notNull'];

function editorOf(def: FieldDef): Pick<QueryBuilderField, 'inputType' | 'valueEditorType'> {
  if (def.enumValues) return { valueEditorType: 'select' };
  switch (def.type) {
    case 'number':
      return { inputType: 'number', valueEditorType: 'text' };
    case 'date':
      return { inputType: 'date', valueEditorType: 'text' };
    case 'boolean':
      return { valueEditorType: 'checkbox' };
    default:
      return { inputType: 'text', valueEditorType: 'text' };
  }
}

export function queryBuilderFields(registry: FieldRegistry): QueryBuilderField[] {
  return [...registry.values()].map((def) => {
    const names = def.enumValues && def.type === 'string' ? ENUM_OPERATORS : OPERATORS_BY_TYPE[def.type];
    const operators = names.filter((n) => def.nullable || (n !== 'null' && n !== 'notNull'));
    return {
      name: def.name,
      label: def.label,
      description: def.description,
      type: def.type,
      source: def.source,
      nullable: def.nullable,
      ...(def.unit === undefined ? {} : { unit: def.unit }),
      ...editorOf(def),
      ...(def.enumValues ? { values: def.enumValues.map((v) => ({ name: v, label: v })) } : {}),
      operators: operators.map((name) => ({ name, label: OPERATOR_LABELS[name] })),
    };
  });
}
