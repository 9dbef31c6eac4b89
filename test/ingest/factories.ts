// Small builders of import files.
export const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export function csv(rows: Record<string, unknown>[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export const customer = (i: number, extra: object = {}) => ({
  externalId: `C${i}`, name: `Customer ${i}`, country: 'US', segment: i % 2 ? 'standard' : 'small', riskScore: 20 + i, ...extra,
});

export const invoice = (i: number, customerIdx: number, extra: object = {}) => ({
  externalId: `INV${i}`, customerExternalId: `C${customerIdx}`, number: `F-${i}`,
  issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 100 + i, ...extra,
});

export const event = (i: number, extra: object = {}) => ({
  externalId: `EV${i}`, customerExternalId: 'C1', kind: 'risk_score_change', occurredAt: '2026-10-01T09:00:00Z', value: 40, ...extra,
});
