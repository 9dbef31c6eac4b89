// A small customer registry and table for criteria tests: one field of each
// type and source, including a derived SQL expression and a numeric(14,2)
// column, so the compilers meet the casts real fields need.

import { defineFieldRegistry, type FieldDef } from '../../src/criteria/index.js';

const field = (f: Pick<FieldDef, 'name' | 'type' | 'sql'> & Partial<FieldDef>): FieldDef => ({
  nullable: true,
  source: 'column',
  label: f.name,
  description: `test field ${f.name}`,
  ...f,
});

export const SEGMENTS = ['key', 'strategic', 'standard', 'small'];
export const GROUPS = ['vip', 'risky', 'new', 'legal'];

export const testRegistry = defineFieldRegistry([
  field({ name: 'openAmount', type: 'number', sql: 'c.invoiced - c.paid', source: 'derived', unit: 'EUR' }),
  field({ name: 'daysLate', type: 'number', sql: 'c.days_late', source: 'derived' }),
  field({ name: 'lateProbability', type: 'number', sql: 'c.late_probability', source: 'model' }),
  field({ name: 'creditLimit', type: 'number', sql: 'c.credit_limit' }),
  field({ name: 'segment', type: 'string', sql: 'c.segment', enumValues: SEGMENTS }),
  field({ name: 'name', type: 'string', sql: 'c.name' }),
  field({ name: 'strategic', type: 'boolean', sql: 'c.strategic' }),
  field({ name: 'dueDate', type: 'date', sql: 'c.due_date' }),
  field({ name: 'lastPaymentDate', type: 'date', sql: 'c.last_payment_date' }),
  field({ name: 'groups', type: 'stringList', sql: 'c.groups' }),
]);

/** One row of the test table; the in-memory record is derived from it as the registry says. */
export interface CustomerRow {
  id: number;
  invoiced: number | null;
  paid: number | null;
  days_late: number | null;
  late_probability: number | null;
  credit_limit: number | null;
  segment: string | null;
  name: string | null;
  strategic: boolean | null;
  due_date: string | null;
  last_payment_date: string | null;
  groups: string[] | null;
}

export const TABLE_COLUMNS = `
  id int PRIMARY KEY,
  invoiced float8, paid float8, days_late int, late_probability float8, credit_limit numeric(14,2),
  segment text, name text, strategic boolean, due_date date, last_payment_date date, groups text[]`;

/**
 * Customers whose numbers sit at float8's edges: huge, subnormal, infinite,
 * NaN. Chosen so the registry expressions themselves (invoiced − paid) cannot
 * overflow in PostgreSQL: that would be the registry's fault, not the criteria's.
 */
export function extremeRows(firstId: number): CustomerRow[] {
  const edges: Partial<CustomerRow>[] = [
    { invoiced: 1e308, paid: 0, late_probability: 1.5e-320 },
    { invoiced: -1e308, paid: 1, late_probability: -1e308 },
    { invoiced: 8.98846567431158e307, paid: -1, late_probability: 2 ** -1022 },
    { invoiced: 1e-310, paid: 0, late_probability: 1e300 },
    { invoiced: Number.POSITIVE_INFINITY, paid: 0, late_probability: Number.NEGATIVE_INFINITY },
    { invoiced: Number.NaN, paid: 0, late_probability: Number.NaN },
    { invoiced: 1e154, paid: 1e-154, late_probability: 1e-154 },
  ];
  return edges.map((e, i) => ({
    id: firstId + i, invoiced: null, paid: null, days_late: 2_147_483_647, late_probability: null, credit_limit: 999_999_999_999.99,
    segment: 'key', name: 'Edge', strategic: true, due_date: '2025-01-01', last_payment_date: null, groups: ['vip'], ...e,
  }));
}

export function recordOf(row: CustomerRow): Record<string, unknown> {
  return {
    id: row.id,
    openAmount: row.invoiced === null || row.paid === null ? null : row.invoiced - row.paid,
    daysLate: row.days_late,
    lateProbability: row.late_probability,
    creditLimit: row.credit_limit,
    segment: row.segment,
    name: row.name,
    strategic: row.strategic,
    dueDate: row.due_date,
    lastPaymentDate: row.last_payment_date,
    groups: row.groups,
  };
}

export function customer(overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    openAmount: 12_500,
    daysLate: 42,
    lateProbability: 0.7,
    creditLimit: 50_000,
    segment: 'key',
    name: 'ACME Corp',
    strategic: true,
    dueDate: '2025-03-01',
    lastPaymentDate: '2025-01-15',
    groups: ['vip'],
    ...overrides,
  };
}
