// The report formulas on their own, with numbers worked out by hand.
import { describe, it, expect } from 'vitest';
import { cashForecastTable, cei, countBackDso, standardDso, statusesTable, tableCsv, toCsv, trendMonths, type CashForecastReport } from '../../src/reports/index.js';

const statusesCsv = (r: Parameters<typeof statusesTable>[0]) => tableCsv(statusesTable(r));
import { statusesRow, type StatusesReport } from '../../src/reports/statuses.js';

describe('when the count-back DSO walks back through sales', () => {
  it('stops pro rata in the month that exhausts the receivables', () => {
    // 1,000 of receivables; this month sold 600 in 15 days, the one before 800 in 30 days.
    // 15 days + 400 / 800 × 30 = 15 + 15 = 30.
    expect(countBackDso(1000, [{ sales: 600, days: 15 }, { sales: 800, days: 30 }])).toEqual({ days: 30, complete: true, walked: 2 });
  });

  it('says so when the receivables exceed every month it may walk', () => {
    expect(countBackDso(5000, [{ sales: 1000, days: 31 }, { sales: 1000, days: 30 }])).toEqual({ days: 61, complete: false, walked: 2 });
  });

  it('is zero with nothing to collect', () => {
    expect(countBackDso(0, [{ sales: 1000, days: 31 }])).toEqual({ days: 0, complete: true, walked: 0 });
  });
});

describe('when the standard DSO has no sales in its window', () => {
  it('is null rather than infinite', () => {
    expect(standardDso(500, 0, 90)).toBeNull();
    // 500 / 1,500 × 90 = 30
    expect(standardDso(500, 1500, 90)).toBe(30);
  });
});

describe('when the CEI has nothing collectable', () => {
  it('is null', () => {
    // beginning 0 + sales 1,000 − ending current 1,000 = 0 collectable
    expect(cei(0, 1000, 1000, 1000)).toBeNull();
    // (2,000 + 1,000 − 1,500) / (2,000 + 1,000 − 1,000) = 1,500 / 2,000 = 75 %
    expect(cei(2000, 1000, 1500, 1000)).toBe(75);
  });
});

describe('when a trend ends mid-month', () => {
  it('ends its last month on the as-of date and the others on their last day', () => {
    expect(trendMonths('2026-03-15', 3).map((m) => [m.month, m.start, m.end, m.days])).toEqual([
      ['2026-01', '2026-01-01', '2026-01-31', 31],
      ['2026-02', '2026-02-01', '2026-02-28', 28],
      ['2026-03', '2026-03-01', '2026-03-15', 15],
    ]);
  });

  it('crosses a year boundary', () => {
    expect(trendMonths('2026-01-31', 2).map((m) => m.month)).toEqual(['2025-12', '2026-01']);
  });
});

describe('when a report is exported as CSV', () => {
  it('quotes separators and defuses cells a spreadsheet would run as formulas', () => {
    const csv = toCsv([{ header: 'group', value: (r: { g: string; n: number }) => r.g }, { header: 'amount', value: (r) => r.n }], [
      { g: 'North, East', n: -12.5 },
      { g: '=HYPERLINK("x")', n: 3 },
    ]);
    expect(csv).toBe('group,amount\r\n"North, East",-12.5\r\n"\'=HYPERLINK(""x"")",3\r\n');
  });
});

describe('when the statuses report holds a status outside the platform\'s list', () => {
  const report = (...byStatus: [string, number][][]) => ({
    trend: byStatus.map((row, i) => statusesRow(`2026-0${i + 1}`, `2026-0${i + 1}-28`, 'all', new Map(row.map(([status, amount]) => [status, { amount, count: 1 }])))),
  }) as unknown as StatusesReport;
  const table = (csv: string) => {
    const [header, ...rows] = csv.trim().split('\r\n').map((line) => line.split(','));
    return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
  };

  it('gives it a column pair after the known ones, as the JSON lists it, zero in rows without it', () => {
    const csv = statusesCsv(report([['dispute', 100], ['legacy_hold', 40]], [['unqualified', 10]]));
    const header = csv.split('\r\n')[0].split(',');
    expect(header.slice(-4)).toEqual(['unqualified_amount', 'unqualified_count', 'legacy_hold_amount', 'legacy_hold_count']);
    expect(table(csv).map((r) => [r.overdue_amount, r.dispute_amount, r.legacy_hold_amount, r.legacy_hold_count])).toEqual([['140', '100', '40', '1'], ['10', '0', '0', '0']]);
  });

  it('names it status_* where its name is a column already', () => {
    const header = statusesCsv(report([['overdue', 5]])).split('\r\n')[0].split(',');
    expect(header.filter((h) => h.startsWith('overdue_'))).toEqual(['overdue_amount', 'overdue_count']);
    expect(header.slice(-2)).toEqual(['status_overdue_amount', 'status_overdue_count']);
  });

  it('adds no column when every status is known', () => {
    const header = statusesCsv(report([['dispute', 100]])).split('\r\n')[0];
    expect(header.endsWith('unqualified_amount,unqualified_count')).toBe(true);
  });
});

describe('when the cash forecast is exported', () => {
  const group = (name: string, afterHorizon: number) => ({
    group: name, openInvoices: 2, totalOpen: 1000, afterHorizon,
    weeks: [
      { weekStart: '2026-03-03', weekEnd: '2026-03-09', expectedAmount: 500, cumulativeShare: 0.5 },
      { weekStart: '2026-03-10', weekEnd: '2026-03-16', expectedAmount: 1000 - 500 - afterHorizon, cumulativeShare: (1000 - afterHorizon) / 1000 },
    ],
  });
  const report = (groups: CashForecastReport['groups']): CashForecastReport => ({
    asOf: '2026-03-03', groupBy: 'collector', filters: { collector: null, segment: null, group: null, currency: 'USD', noCollector: false, noSegment: false }, method: '', modelVersion: 'm', groups,
  });

  it('ends each group with what falls after the horizon, so its rows add up to what is open, as in the JSON', () => {
    const lines = tableCsv(cashForecastTable(report([group('alice', 300), group('bob', 0)]))).trim().split('\r\n');
    expect(lines).toEqual([
      'group,week_start,week_end,expected_amount,cumulative_share',
      'alice,2026-03-03,2026-03-09,500,0.5',
      'alice,2026-03-10,2026-03-16,200,0.7',
      // Open-ended: from the day after the last week on.
      'alice,2026-03-17,,300,1',
      'bob,2026-03-03,2026-03-09,500,0.5',
      'bob,2026-03-10,2026-03-16,500,1',
      'bob,2026-03-17,,0,1',
    ]);
  });
});
