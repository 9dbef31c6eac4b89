import { describe, expect, it } from 'vitest';
import { parseCriteria, type FieldRegistry } from '../../src/criteria/index.js';
import { CUSTOMER_FIELDS } from '../../src/fields/registry.js';
import { reactQueryBuilderFields } from '../../src/searches/fields.js';
import { testRegistry } from './factories.js';

/** The fields as GET /v1/criteria/fields serves them (react-querybuilder's shape), with no data-known values. */
const queryBuilderFields = (registry: FieldRegistry) => reactQueryBuilderFields(registry, { values: {}, hysteresis: {} });
type QueryBuilderField = ReturnType<typeof queryBuilderFields>[number];

/** What react-querybuilder's formatQuery(…, 'jsonlogic') writes for each operator. */
function jsonLogicOf(operator: string, field: QueryBuilderField): unknown {
  const v = { var: field.name };
  const sample: Record<string, unknown> = { number: 5, string: field.values?.[0]?.name ?? 'ab', date: '2025-01-31', boolean: true, stringList: 'vip' };
  const x = sample[field.type];
  const y = field.type === 'number' ? 9 : field.type === 'date' ? '2025-03-01' : x;
  switch (operator) {
    case '=':
      return { '==': [v, x] };
    case 'contains':
      return { in: [x, v] };
    case 'doesNotContain':
      return { '!': { in: [x, v] } };
    case 'beginsWith':
      return { startsWith: [v, x] };
    case 'endsWith':
      return { endsWith: [v, x] };
    case 'in':
      return { in: [v, [x, y]] };
    case 'notIn':
      return { '!': { in: [v, [x, y]] } };
    case 'between':
      return { '<=': [x, v, y] };
    case 'notBetween':
      return { '!': { '<=': [x, v, y] } };
    case 'null':
      return { '==': [v, null] };
    case 'notNull':
      return { '!=': [v, null] };
    default:
      return { [operator]: [v, x] };
  }
}

describe('when a query builder loads the fields', () => {
  const fields = queryBuilderFields(testRegistry);

  it('lists every registry field once', () => {
    expect(fields.map((f) => f.name)).toEqual([...testRegistry.keys()]);
  });

  it.each([
    ['the test registry', testRegistry],
    ['the customer registry', CUSTOMER_FIELDS],
  ])('offers only operators whose JsonLogic saved searches accept, for %s', (_name, registry) => {
    for (const field of queryBuilderFields(registry)) {
      for (const { name } of field.operators) {
        expect(() => parseCriteria(jsonLogicOf(name, field), registry), `${field.name} ${name}`).not.toThrow();
      }
    }
  });

  it('offers the values of an enumerated field', () => {
    expect(fields.find((f) => f.name === 'segment')).toMatchObject({ valueEditorType: 'select', values: expect.arrayContaining([{ name: 'key', label: 'key' }]) });
  });
});
