import { describe, expect, it } from 'vitest';
import { findEntity } from '../../src/ingest/entities.js';
import { coerceRow, type RowError } from '../../src/ingest/coerce.js';
import { copyCell } from '../../src/db/sql.js';

const invoices = findEntity('invoices')!;
const base = { externalId: 'I-1', customerExternalId: 'C-1', number: 'F1', issueDate: '2024-01-31', dueDate: '2024-03-01', amount: 10 };

function dueDateErrors(dueDate: string): RowError[] {
  const errors: RowError[] = [];
  coerceRow(invoices, { ...base, dueDate }, 2, errors);
  return errors.filter((e) => e.field === 'dueDate');
}

describe('date cells', () => {
  it.each(['2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30', '1999-01-01'])('accepts %s', (d) => {
    expect(dueDateErrors(d)).toEqual([]);
  });
  it.each(['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-05', '26-01-05', '2026-01-05T00:00', ''])(
    'refuses %j',
    (d) => {
      const errors = dueDateErrors(d);
      expect(errors).toHaveLength(1);
      expect(errors[0].reason).toMatch(d === '' ? /required/ : /date YYYY-MM-DD/);
    },
  );
});

describe('COPY cells', () => {
  it('escapes what COPY text format reads as syntax and nothing else', () => {
    expect(copyCell('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyCell('plain text, "quoted"')).toBe('plain text, "quoted"');
    expect(copyCell(null)).toBe('\\N');
    expect(copyCell(undefined)).toBe('\\N');
    expect(copyCell(12.5)).toBe('12.5');
    expect(copyCell(false)).toBe('false');
  });
});
