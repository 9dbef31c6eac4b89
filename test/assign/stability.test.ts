// Model jitter around a threshold must not flip assignments: with hysteresis,
// 20 nightly runs of noisy drift scores change each customer at most once.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { createRun, executeRun } from '../../src/assign/runs.js';
import { saveSettings } from '../../src/assign/settings.js';
import { addCustomer, addRule, seedReferences, setModelField } from './factories.js';

const CUSTOMERS = 8;
const RUNS = 20;
// Noise smaller than the 0.05 margin of driftScore, around the 0.7 threshold.
const noise = fc.sample(fc.array(fc.array(fc.double({ min: -0.045, max: 0.045, noNaN: true }), { minLength: RUNS, maxLength: RUNS }), { minLength: CUSTOMERS, maxLength: CUSTOMERS }), { seed: 42, numRuns: 1 })[0];

describe.each(await backends())('when drift scores jitter around a rule threshold on %s', (backend) => {
  let s: TestStorage;
  let ids: number[];
  beforeAll(async () => {
    s = await openTestStorage(backend);
  });
  afterAll(async () => s?.close());
  beforeEach(async () => {
    await s.db.query(`TRUNCATE customers, assignment_rules, saved_searches, assignment_runs, assignment_changes,
      assignment_rule_members, collectors, dunning_scenarios, customer_groups RESTART IDENTITY CASCADE`);
    await seedReferences(s.db);
    // Dwell time off: only hysteresis stands between jitter and a flip.
    await s.db.query(`UPDATE assignment_settings SET dwell_days = '{"groups": 0}', hysteresis = '{}'`);
    ids = [];
    for (let i = 0; i < CUSTOMERS; i++) ids.push(await addCustomer(s.db, `J${i}`));
    await addRule(s.db, { '>': [{ var: 'driftScore' }, 0.7] }, [{ type: 'addToGroup', group: 'watch' }]);
  });

  async function changesOverRuns(): Promise<Map<number, number>> {
    for (let run = 0; run < RUNS; run++) {
      for (const [i, id] of ids.entries()) await setModelField(s.db, id, 'driftScore', 0.7 + noise[i][run]);
      await executeRun(s.db, await createRun(s.db, { trigger: 'nightly' }));
    }
    const rows = await s.db.query<{ id: number; n: number }>('SELECT customer_id AS id, count(*)::int AS n FROM assignment_changes GROUP BY 1');
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  it('changes each customer at most once', async () => {
    const changes = await changesOverRuns();
    for (const id of ids) expect(changes.get(id) ?? 0).toBeLessThanOrEqual(1);
  });

  it('would flip them back and forth without a margin', async () => {
    await saveSettings(s.db, { hysteresis: { driftScore: 0 } });
    const changes = await changesOverRuns();
    expect(Math.max(...ids.map((id) => changes.get(id) ?? 0))).toBeGreaterThan(3);
  });
});
