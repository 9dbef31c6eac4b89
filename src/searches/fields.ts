// The customer field registry in the shapes query-builder UIs load:
// react-querybuilder (a list of fields with operators and value editors) and
// react-awesome-query-builder (config.fields keyed by name). Each operator
// says how it is written in JsonLogic, the form saved searches are stored in.
import type { FieldDef, FieldRegistry } from '../criteria/index.js';

export interface OperatorDoc {
  name: string;
  label: string;
  /** How the operator is written in JsonLogic. */
  jsonLogic: string;
}

const op = (name: string, label: string, jsonLogic: string): OperatorDoc => ({ name, label, jsonLogic });

const ORDER = [
  op('<', '<', '{"<": [{"var": f}, v]}'), op('<=', '<=', '{"<=": [{"var": f}, v]}'),
  op('>', '>', '{">": [{"var": f}, v]}'), op('>=', '>=', '{">=": [{"var": f}, v]}'),
  op('between', 'between', '{"<=": [a, {"var": f}, b]}'), op('notBetween', 'not between', '{"!": {"<=": [a, {"var": f}, b]}}'),
];
const EQUAL = [op('=', '=', '{"==": [{"var": f}, v]}'), op('!=', '!=', '{"!=": [{"var": f}, v]}')];
const LISTS = [op('in', 'in', '{"in": [{"var": f}, [v1, v2]]}'), op('notIn', 'not in', '{"!": {"in": [{"var": f}, [v1, v2]]}}')];
const TEXT = [
  op('contains', 'contains', '{"in": [v, {"var": f}]}'), op('doesNotContain', 'does not contain', '{"!": {"in": [v, {"var": f}]}}'),
  op('beginsWith', 'begins with', '{"startsWith": [{"var": f}, v]}'), op('endsWith', 'ends with', '{"endsWith": [{"var": f}, v]}'),
];
const NULLS = [op('null', 'has no value', '{"==": [{"var": f}, null]}'), op('notNull', 'has a value', '{"!=": [{"var": f}, null]}')];
const MEMBER = [
  op('contains', 'includes', '{"in": [v, {"var": f}]}'), op('doesNotContain', 'does not include', '{"!": {"in": [v, {"var": f}]}}'),
];

export function operatorsFor(def: FieldDef, values?: string[]): OperatorDoc[] {
  const nulls = def.nullable ? NULLS : [];
  switch (def.type) {
    case 'number':
    case 'date':
      return [...EQUAL, ...ORDER, ...(def.type === 'number' ? LISTS : []), ...nulls];
    case 'boolean':
      return [...EQUAL, ...nulls];
    case 'string':
      return values ? [...EQUAL, ...LISTS, ...nulls] : [...EQUAL, ...LISTS, ...TEXT, ...nulls];
    case 'stringList':
      return MEMBER;
  }
}

export interface FieldOptions {
  /** Known values from the data (collectors, scenarios, groups), beside the registry's enums. */
  values: Record<string, string[]>;
  hysteresis: Record<string, number>;
}

function describeField(def: FieldDef, options: FieldOptions) {
  const values = def.enumValues ?? options.values[def.name];
  return {
    name: def.name,
    label: def.label,
    description: def.description,
    type: def.type,
    source: def.source,
    nullable: def.nullable,
    ...(def.unit ? { unit: def.unit } : {}),
    ...(options.hysteresis[def.name] !== undefined ? { hysteresis: options.hysteresis[def.name] } : {}),
    values,
  };
}

export function reactQueryBuilderFields(registry: FieldRegistry, options: FieldOptions) {
  return [...registry.values()].map((def) => {
    const { values, ...base } = describeField(def, options);
    const operators = operatorsFor(def, values);
    return {
      ...base,
      inputType: def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text',
      valueEditorType: def.type === 'boolean' ? 'checkbox' : values ? 'select' : 'text',
      ...(values ? { values: values.map((v) => ({ name: v, label: v })) } : {}),
      operators,
      defaultOperator: operators[0].name,
    };
  });
}

const RAQB_TYPES: Record<FieldDef['type'], string> = { number: 'number', string: 'text', boolean: 'boolean', date: 'date', stringList: 'multiselect' };

export function awesomeQueryBuilderFields(registry: FieldRegistry, options: FieldOptions) {
  const fields: Record<string, unknown> = {};
  for (const def of registry.values()) {
    const { values, name, label, type: fieldType, ...rest } = describeField(def, options);
    const type = def.type === 'string' && values ? 'select' : RAQB_TYPES[def.type];
    fields[name] = {
      label,
      type,
      valueSources: ['value'],
      ...(values ? { fieldSettings: { listValues: values.map((v) => ({ value: v, title: v })) } } : {}),
      ...(def.type === 'date' ? { fieldSettings: { valueFormat: 'YYYY-MM-DD' } } : {}),
      ...(def.type === 'stringList' ? { operators: ['multiselect_contains'] } : {}),
      fieldType,
      ...rest,
    };
  }
  return fields;
}
