import { describe, expect, it } from 'vitest';
import { generateWorld, worldStats } from '../../src/world/index.js';
import { smallWorld } from './factories.js';

describe('when the default world is generated (My Company North America)', () => {
  it('matches the brief: ~700 M USD a year, ~12 % of invoices late, ~2 % over 30 days (~1.5 M USD), drifts of every kind', () => {
    const stats = worldStats(generateWorld());
    expect(stats.customers).toBe(2000);
    expect(stats.turnoverLast12Months).toBeGreaterThan(600e6);
    expect(stats.turnoverLast12Months).toBeLessThan(800e6);
    expect(stats.top2PercentTurnoverShare).toBeGreaterThan(0.2);
    expect(stats.lateRate).toBeGreaterThan(0.1);
    // 16 % of the world's customers drift (four kinds at 4 %, for evaluation
    // power, far above a real portfolio) and most of them pay late: they lift
    // the brief's 12 % by about three points.
    expect(stats.lateRate).toBeLessThan(0.16);
    expect(stats.over30Rate).toBeGreaterThan(0.015);
    expect(stats.over30Rate).toBeLessThan(0.028);
    expect(stats.overdueOver30Amount).toBeGreaterThan(1.0e6);
    expect(stats.overdueOver30Amount).toBeLessThan(2.2e6);
    for (const count of Object.values(stats.driftCounts)) {
      expect(count).toBeGreaterThan(0.025 * 2000);
      expect(count).toBeLessThan(0.065 * 2000);
    }
    expect(stats.noisyStable).toBeGreaterThan(0.025 * 2000);
    expect(stats.insolvencies).toBeGreaterThan(0);
  });
});

describe('when statistics are computed', () => {
  it('counts late invoices from settled and due dates', () => {
    const world = smallWorld();
    const stats = worldStats(world);
    const end = world.truth.period.endDate;
    const due = world.rows.invoices.filter((i) => i.kind === 'invoice' && i.dueDate < end);
    const late = due.filter((i) => (i.settledDate ?? end) > i.dueDate).length;
    expect(stats.lateRate).toBeCloseTo(late / due.length, 3);
    expect(stats.rows.invoices).toBe(world.rows.invoices.length);
  });
});
