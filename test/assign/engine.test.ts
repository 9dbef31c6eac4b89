// Search & Assign engine on both databases: actions, manual locks, dwell time,
// successive rules, conflicts, preview = apply, undo.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { previewPlan } from '../../src/assign/plan.js';
import { createRun, executeRun, getRun, runForJob, setRunJob } from '../../src/assign/runs.js';
import { undoRun } from '../../src/assign/undo.js';
import { customerAssignments } from '../../src/assign/audit.js';
import { saveSettings } from '../../src/assign/settings.js';
import { addCustomer, addOpenInvoice, addRule, addToGroup, customerRow, DAY, seedReferences, setModelField, snapshot } from './factories.js';

const RESET = `TRUNCATE customers, assignment_rules, saved_searches, assignment_runs, assignment_changes,
  assignment_rule_members, assignment_member_changes, collectors, dunning_scenarios, customer_groups RESTART IDENTITY CASCADE`;

async function apply(db: TestStorage['db'], now = new Date(), customerIds?: number[]) {
  const runId = await createRun(db, { trigger: 'api', scope: customerIds ? { customerIds } : {} });
  const summary = await executeRun(db, runId, { now });
  return { runId, summary };
}

describe.each(await backends())('when rules run on %s', (backend) => {
  let s: TestStorage;
  beforeAll(async () => {
    s = await openTestStorage(backend);
  });
  afterAll(async () => s?.close());
  beforeEach(async () => {
    await s.db.query(RESET);
    await s.db.query(`UPDATE assignment_settings SET dwell_days = '{}', hysteresis = '{}', run_on_rule_change = false`);
    await seedReferences(s.db);
  });

  it('applies a portfolio run with no rule at all, changing nothing', async () => {
    const id = await addCustomer(s.db, 'N1', { segment: 'small' });
    const before = await customerRow(s.db, id);
    const { summary } = await apply(s.db);
    expect(summary.changes).toBe(0);
    expect(await customerRow(s.db, id)).toEqual(before);
  });

  it('applies every kind of action to the customers the search selects', async () => {
    const key = await addCustomer(s.db, 'K1', { segment: 'key' });
    const other = await addCustomer(s.db, 'S1', { segment: 'small' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [
      { type: 'setDunningScenario', dunningScenario: 'standard' },
      { type: 'setCollector', collector: 'col-a' },
      { type: 'addToGroup', group: 'vip' },
      { type: 'setInternalActor', actor: 'salesRep', value: 'Jane' },
      { type: 'setInternalActor', actor: 'adv', value: 'Paul' },
      { type: 'switchFeature', feature: 'latePenalties', enabled: true },
      { type: 'switchFeature', feature: 'interactiveEmails', enabled: false },
    ]);
    const { summary } = await apply(s.db);
    expect(await customerRow(s.db, key)).toEqual({
      externalId: 'K1', collector: 'col-a', dunningScenario: 'standard', salesRep: 'Jane', adv: 'Paul',
      interactiveEmails: false, latePenalties: true, recoveryFee: false, ndCover: false, groups: ['vip:rule'],
    });
    expect((await customerRow(s.db, other)).collector).toBeNull();
    expect(summary.customersChanged).toBe(1);
    expect(summary.sentences).toContain('1 customer changes collector');
  });

  it('takes customers out of a rule-driven group when they no longer match, but never a manual member', async () => {
    const a = await addCustomer(s.db, 'A', { riskScore: 90 });
    const b = await addCustomer(s.db, 'B', { riskScore: 90 });
    await addToGroup(s.db, b, 'risky', 'manual');
    await saveSettings(s.db, { dwellDays: { groups: 0 } });
    await addRule(s.db, { '>': [{ var: 'riskScore' }, 80] }, [{ type: 'addToGroup', group: 'risky' }]);
    await apply(s.db);
    expect((await customerRow(s.db, a)).groups).toEqual(['risky:rule']);
    await s.db.query('UPDATE customers SET risk_score = 10');
    const { summary } = await apply(s.db);
    expect((await customerRow(s.db, a)).groups).toEqual([]);
    expect((await customerRow(s.db, b)).groups).toEqual(['risky:manual']);
    expect(summary.sentences).toEqual(['1 customer leaves group risky']);
  });

  it('attributes a leave to the group\'s rule when the rule that added the customer is gone', async () => {
    const id = await addCustomer(s.db, 'G', { riskScore: 10 });
    await s.db.query(`INSERT INTO group_members (group_id, customer_id, source, rule_id)
      SELECT id, $1, 'rule', 9999 FROM customer_groups WHERE external_id = 'risky'`, [id]);
    const rule = await addRule(s.db, { '>': [{ var: 'riskScore' }, 80] }, [{ type: 'addToGroup', group: 'risky' }]);
    const plan = await previewPlan(s.db);
    expect(plan.changes).toEqual([expect.objectContaining({ externalId: 'G', field: 'group:risky', new: false, ruleId: rule.rule.id, leaving: true })]);
  });

  it('removes rule members with removeFromGroup and reports manual members it may not touch', async () => {
    const a = await addCustomer(s.db, 'A', { segment: 'key' });
    const b = await addCustomer(s.db, 'B', { segment: 'key' });
    await addToGroup(s.db, a, 'watch', 'rule');
    await addToGroup(s.db, b, 'watch', 'manual');
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'removeFromGroup', group: 'watch' }]);
    const plan = await previewPlan(s.db);
    expect(plan.changes.map((c) => [c.externalId, c.field, c.new])).toEqual([['A', 'group:watch', false]]);
    expect(plan.held.map((h) => [h.externalId, h.outcome])).toEqual([['B', 'manualMember']]);
  });

  it('never changes a field a person locked, and says so', async () => {
    const locked = await addCustomer(s.db, 'L', { segment: 'key', collector: 'col-b', locked: ['collector'] });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [
      { type: 'setCollector', collector: 'col-a' },
      { type: 'setDunningScenario', dunningScenario: 'standard' },
    ]);
    const plan = await previewPlan(s.db);
    expect(plan.held).toEqual([expect.objectContaining({ externalId: 'L', field: 'collector', outcome: 'locked' })]);
    expect(plan.held[0].because).toMatch(/^skipped: locked by a person/);
    await apply(s.db);
    expect(await customerRow(s.db, locked)).toMatchObject({ collector: 'col-b', dunningScenario: 'standard' });
  });

  it('holds a scenario for its dwell time before a rule may change it again', async () => {
    const id = await addCustomer(s.db, 'D', { segment: 'key', riskScore: 10 });
    const t0 = new Date('2026-03-01T02:00:00Z');
    await addOpenInvoice(s.db, id, 500, 0, new Date(t0.getTime() - DAY));
    await addRule(s.db, { '<': [{ var: 'riskScore' }, 50] }, [{ type: 'setDunningScenario', dunningScenario: 'standard' }], { priority: 2 });
    await addRule(s.db, { '>=': [{ var: 'riskScore' }, 50] }, [{ type: 'setDunningScenario', dunningScenario: 'risky' }], { priority: 1 });
    await apply(s.db, t0);
    await s.db.query('UPDATE customers SET risk_score = 70 WHERE id = $1', [id]);
    const early = await previewPlan(s.db, { now: new Date(t0.getTime() + 3 * DAY) });
    expect(early.changes).toEqual([]);
    expect(early.held).toEqual([expect.objectContaining({ outcome: 'dwell', heldUntil: new Date(t0.getTime() + 30 * DAY).toISOString() })]);
    await apply(s.db, new Date(t0.getTime() + 31 * DAY));
    expect((await customerRow(s.db, id)).dunningScenario).toBe('risky');
  });

  it('does not hold a value set before the customer had any invoice: nothing was dunned under it yet', async () => {
    const id = await addCustomer(s.db, 'E', { segment: 'key', riskScore: 10 });
    const t0 = new Date('2026-03-01T02:00:00Z');
    await addRule(s.db, { '<': [{ var: 'riskScore' }, 50] }, [{ type: 'setDunningScenario', dunningScenario: 'standard' }], { priority: 2 });
    await addRule(s.db, { '>=': [{ var: 'riskScore' }, 50] }, [{ type: 'setDunningScenario', dunningScenario: 'risky' }], { priority: 1 });
    await apply(s.db, t0);
    // The invoices arrive after the first run, and with them the customer's real risk.
    await addOpenInvoice(s.db, id, 500, 20, new Date(t0.getTime() + DAY));
    await s.db.query('UPDATE customers SET risk_score = 70 WHERE id = $1', [id]);
    const audit = await customerAssignments(s.db, 'E', { limit: 10, explain: false });
    expect(audit.state).toEqual([expect.objectContaining({ field: 'dunningScenario', value: 'standard', heldUntil: null })]);
    const early = await previewPlan(s.db, { now: new Date(t0.getTime() + 3 * DAY) });
    expect(early.held).toEqual([]);
    expect(early.changes).toEqual([expect.objectContaining({ externalId: 'E', field: 'dunningScenario', old: 'standard', new: 'risky' })]);
  });

  it('runs successive rules in one run: a group built by one rule feeds another', async () => {
    const hot = await addCustomer(s.db, 'H');
    const calm = await addCustomer(s.db, 'C');
    await setModelField(s.db, hot, 'driftScore', 0.9);
    await setModelField(s.db, calm, 'driftScore', 0.1);
    // Created first with the best priority, so only the dependency can order them.
    const reader = await addRule(s.db, { in: ['high-risk', { var: 'groups' }] }, [{ type: 'setCollector', collector: 'col-legal' }], { priority: 1 });
    const builder = await addRule(s.db, { '>': [{ var: 'driftScore' }, 0.7] }, [{ type: 'addToGroup', group: 'high-risk' }], { priority: 2 });
    expect([reader.stage, builder.stage]).toEqual([1, 1]);
    const plan = await previewPlan(s.db);
    expect(plan.summary.stages.map((st) => st.map((r) => r.id))).toEqual([[builder.rule.id], [reader.rule.id]]);
    await apply(s.db);
    expect(await customerRow(s.db, hot)).toMatchObject({ collector: 'col-legal', groups: ['high-risk:rule'] });
    expect(await customerRow(s.db, calm)).toMatchObject({ collector: null, groups: [] });
  });

  // Brief 000: "a standard scenario, then, once the customer is over xx days late, another one with level-2 actions only".
  it('runs a rule that reads the scenario it replaces, once: the next run leaves the customer where it put them', async () => {
    const late = await addCustomer(s.db, 'L1', { scenario: 'standard' });
    const early = await addCustomer(s.db, 'L2', { scenario: 'standard' });
    await addOpenInvoice(s.db, late, 1000, 75);
    await addOpenInvoice(s.db, early, 1000, 10);
    await addRule(s.db, { and: [{ '==': [{ var: 'dunningScenario' }, 'standard'] }, { '>': [{ var: 'maxDaysOverdue' }, 60] }] }, [{ type: 'setDunningScenario', dunningScenario: 'legal' }]);
    expect((await apply(s.db)).summary.changes).toBe(1);
    expect([(await customerRow(s.db, late)).dunningScenario, (await customerRow(s.db, early)).dunningScenario]).toEqual(['legal', 'standard']);
    expect((await apply(s.db)).summary.changes).toBe(0);
  });

  // Its group lasts only while it selects: a member it moves out of its criteria would leave at the next run.
  it('makes no join for a rule reading the scenario it replaces when its move takes the customer out of it, in one run', async () => {
    const moved = await addCustomer(s.db, 'L3', { scenario: 'risky' });
    const member = await addCustomer(s.db, 'L4', { scenario: 'risky' });
    const rule = await addRule(s.db, { '==': [{ var: 'dunningScenario' }, 'risky'] },
      [{ type: 'setDunningScenario', dunningScenario: 'legal' }, { type: 'addToGroup', group: 'vip' }]);
    await addToGroup(s.db, member, 'vip', 'rule');
    for (const scope of [{}, { customerIds: [moved, member] }]) {
      const plan = await previewPlan(s.db, { scope });
      expect(plan.changes.map((c) => [c.externalId, c.field, c.new, c.ruleId])).toEqual([
        ['L3', 'dunningScenario', 'legal', rule.rule.id], ['L4', 'dunningScenario', 'legal', rule.rule.id], ['L4', 'group:vip', false, rule.rule.id],
      ]);
    }
    await apply(s.db);
    expect(await customerRow(s.db, moved)).toMatchObject({ dunningScenario: 'legal', groups: [] });
    expect((await apply(s.db)).summary.changes).toBe(0);
  });

  // It reads the value a rule before it sets in the same run, not the one from before the run: the
  // default's scenario then its group, in one run, where the reader saw the default only at the next.
  it('lets a rule reading the scenario it replaces read the one a rule before it sets, in one run', async () => {
    const id = await addCustomer(s.db, 'L5', { riskScore: 80 });
    const byRisk = await addRule(s.db, { '>': [{ var: 'riskScore' }, 70] }, [{ type: 'setDunningScenario', dunningScenario: 'risky' }], { priority: 1 });
    const reader = await addRule(s.db, { '==': [{ var: 'dunningScenario' }, 'risky'] },
      [{ type: 'setDunningScenario', dunningScenario: 'legal' }, { type: 'addToGroup', group: 'watch' }], { priority: 2 });
    const plan = await previewPlan(s.db);
    expect(plan.changes.map((c) => [c.field, c.new])).toEqual([['dunningScenario', 'risky'], ['group:watch', true]]);
    expect(plan.conflicts.map((c) => [c.winner.id, c.loser.id])).toEqual([[byRisk.rule.id, reader.rule.id]]);
    await apply(s.db);
    expect(await customerRow(s.db, id)).toMatchObject({ dunningScenario: 'risky', groups: ['watch:rule'] });
    expect((await apply(s.db)).summary.changes).toBe(0);
  });

  // The default's rule itself moves the customer out of its criteria (a collector it replaces): at
  // the next run it no longer selects them, and the scenario rule after it wins. It wins in this run.
  it('lets a rule that stays selecting a customer win over one whose move takes the customer out of it, in one run', async () => {
    const id = await addCustomer(s.db, 'L6', { segment: 'sme', collector: 'col-b' });
    await addRule(s.db, { and: [{ '==': [{ var: 'segment' }, 'sme'] }, { '==': [{ var: 'collector' }, 'col-b'] }] },
      [{ type: 'setDunningScenario', dunningScenario: 'standard' }, { type: 'setCollector', collector: 'col-a' }], { priority: 1 });
    await addRule(s.db, { or: [{ '==': [{ var: 'collector' }, 'col-a'] }, { '==': [{ var: 'dunningScenario' }, 'standard'] }] },
      [{ type: 'setDunningScenario', dunningScenario: 'legal' }], { priority: 2 });
    await apply(s.db);
    expect(await customerRow(s.db, id)).toMatchObject({ dunningScenario: 'legal', collector: 'col-a' });
    expect((await apply(s.db)).summary.changes).toBe(0);
  });

  // Read by their entry criteria, the two groups are bands (collector col-a, col-b), but the first
  // rule's move takes the customer out of it: it joins no band, so high's rule is not kept waiting.
  it('does not keep a band waiting for a rule whose move takes the customer out of it, in one run', async () => {
    const id = await addCustomer(s.db, 'L7', { collector: 'col-a', riskScore: 80 });
    await addRule(s.db, { '==': [{ var: 'collector' }, 'col-a'] }, [{ type: 'setCollector', collector: 'col-b' }, { type: 'addToGroup', group: 'watch' }], { priority: 1 });
    await addRule(s.db, { and: [{ '>': [{ var: 'riskScore' }, 70] }, { '==': [{ var: 'collector' }, 'col-b'] }] },
      [{ type: 'addToGroup', group: 'high-risk' }, { type: 'setDunningScenario', dunningScenario: 'legal' }], { priority: 2 });
    await apply(s.db);
    expect(await customerRow(s.db, id)).toMatchObject({ collector: 'col-b', dunningScenario: 'legal', groups: ['high-risk:rule'] });
    expect((await apply(s.db)).summary.changes).toBe(0);
  });

  it('reports conflicting rules with the customers concerned and the winner by priority', async () => {
    await addCustomer(s.db, 'X', { segment: 'key', sector: 'energy' });
    await addCustomer(s.db, 'Y', { segment: 'key', sector: 'retail' });
    const bySegment = await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }], { priority: 5 });
    const bySector = await addRule(s.db, { '==': [{ var: 'sector' }, 'energy'] }, [{ type: 'setCollector', collector: 'col-b' }], { priority: 2 });
    expect(bySector.conflicts).toEqual([expect.objectContaining({ ruleId: bySegment.rule.id, overlap: 1, winner: { ruleId: bySector.rule.id, ruleName: bySector.rule.name } })]);
    const plan = await previewPlan(s.db);
    expect(plan.conflicts).toEqual([{
      field: 'collector',
      winner: { id: bySector.rule.id, name: bySector.rule.name, priority: 2, value: 'col-b' },
      loser: { id: bySegment.rule.id, name: bySegment.rule.name, priority: 5, value: 'col-a' },
      customers: 1,
      sample: ['X'],
    }]);
    const x = plan.changes.find((c) => c.externalId === 'X')!;
    expect(x.new).toBe('col-b');
    expect(x.overruled).toEqual([{ ruleId: bySegment.rule.id, value: 'col-a' }]);
  });

  it('previews without writing anything, and applies exactly the previewed plan', async () => {
    for (let i = 0; i < 6; i++) {
      const id = await addCustomer(s.db, `P${i}`, { segment: i % 2 ? 'key' : 'small', riskScore: i * 20 });
      await addOpenInvoice(s.db, id, 1000 * (i + 1), i * 15);
    }
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    await addRule(s.db, { '>': [{ var: 'maxDaysOverdue' }, 30] }, [{ type: 'addToGroup', group: 'watch' }, { type: 'switchFeature', feature: 'recoveryFee', enabled: true }]);
    const before = await snapshot(s.db);
    const preview = await previewPlan(s.db);
    expect(await snapshot(s.db)).toBe(before);
    expect(preview.changes.length).toBeGreaterThan(0);
    const runId = await createRun(s.db, { trigger: 'api', expectPlanHash: preview.hash });
    await executeRun(s.db, runId);
    const run = await getRun(s.db, runId);
    expect(run).toMatchObject({ status: 'applied', planHash: preview.hash });
    const audit = await s.db.query<{ customerId: number; field: string; old: unknown; new: unknown }>(
      `SELECT customer_id AS "customerId", field, old_value AS old, new_value AS new FROM assignment_changes WHERE run_id = $1 ORDER BY customer_id, field`,
      [runId],
    );
    expect(audit).toEqual(preview.changes.map((c) => ({ customerId: c.customerId, field: c.field, old: c.old, new: c.new })));
    expect((await previewPlan(s.db)).changes).toEqual([]);
  });

  it('refuses to apply a plan other than the one previewed', async () => {
    await addCustomer(s.db, 'K', { segment: 'key' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    const preview = await previewPlan(s.db);
    await addCustomer(s.db, 'K2', { segment: 'key' });
    const runId = await createRun(s.db, { trigger: 'api', expectPlanHash: preview.hash });
    await expect(executeRun(s.db, runId)).rejects.toMatchObject({ code: 'AR_ERR_PLAN_CHANGED' });
    expect(await getRun(s.db, runId)).toMatchObject({ status: 'failed', error: { code: 'AR_ERR_PLAN_CHANGED' } });
    expect((await customerRow(s.db, 1)).collector).toBeNull();
  });

  it('records when a run finished, after its planning, not when its transaction began', async () => {
    await addCustomer(s.db, 'K', { segment: 'key' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    const runId = await createRun(s.db, { trigger: 'api' });
    let planned = 0;
    await executeRun(s.db, runId, {
      progress: async (fraction) => {
        if (fraction < 0.9) return;
        planned = Date.now();
        // Applying takes a while on a portfolio.
        await new Promise((resolve) => setTimeout(resolve, 30));
      },
    });
    expect(Date.parse((await getRun(s.db, runId)).finishedAt!)).toBeGreaterThanOrEqual(planned + 20);
  });

  it('takes over the run an attempt left running when its worker died, rather than leaving it running for ever', async () => {
    await addCustomer(s.db, 'K', { segment: 'key' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    const left = await createRun(s.db, { trigger: 'nightly' });
    await setRunJob(s.db, left, 'nightly-job');
    await s.db.query(`UPDATE assignment_runs SET status = 'running', started_at = now() WHERE id = $1`, [left]);
    // The refresh's retried attempt, with the job id of the one that died.
    const retry = await runForJob(s.db, 'nightly-job', { trigger: 'nightly', scope: {} });
    expect(retry).toBe(left);
    await executeRun(s.db, retry);
    expect(await s.db.query('SELECT id, status FROM assignment_runs')).toEqual([{ id: left, status: 'applied' }]);
    expect((await customerRow(s.db, 1)).collector).toBe('col-a');
  });

  // BullMQ runs a job again when its worker died after the run applied, before the job was marked completed.
  it('answers a retried job with the run its earlier attempt applied, rather than running the rules again', async () => {
    await addCustomer(s.db, 'K', { segment: 'key' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    const applied = await runForJob(s.db, 'nightly-job', { trigger: 'nightly', scope: {} });
    expect(await executeRun(s.db, applied)).toMatchObject({ changes: 1 });
    const retry = await runForJob(s.db, 'nightly-job', { trigger: 'nightly', scope: {} });
    expect(retry).toBe(applied);
    expect(await executeRun(s.db, retry)).toMatchObject({ changes: 1 });
    expect(await s.db.query('SELECT id, status FROM assignment_runs')).toEqual([{ id: applied, status: 'applied' }]);
  });

  it('applies a run once when two attempts execute it at once, both answering with its summary', async () => {
    await addCustomer(s.db, 'K', { segment: 'key' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    const runId = await createRun(s.db, { trigger: 'nightly' });
    const [a, b] = await Promise.all([executeRun(s.db, runId), executeRun(s.db, runId)]);
    expect(a.changes).toBe(1);
    expect(b).toEqual(a);
    expect(await getRun(s.db, runId)).toMatchObject({ status: 'applied', summary: { changes: 1 } });
  });

  it('moves a customer between groups of one field as one move: the join waits for the leave the dwell time holds', async () => {
    const id = await addCustomer(s.db, 'B1', { riskScore: 10 });
    const t0 = new Date('2026-03-01T02:00:00Z');
    await addOpenInvoice(s.db, id, 500, 0, new Date(t0.getTime() - DAY));
    await addRule(s.db, { '<': [{ var: 'riskScore' }, 50] }, [{ type: 'addToGroup', group: 'low-risk' }]);
    await addRule(s.db, { '>=': [{ var: 'riskScore' }, 50] }, [{ type: 'addToGroup', group: 'risky' }]);
    // Another field's group is no part of the move: it follows the data at once.
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'addToGroup', group: 'vip' }]);
    await apply(s.db, t0);
    expect((await customerRow(s.db, id)).groups).toEqual(['low-risk:rule']);
    await s.db.query(`UPDATE customers SET risk_score = 70, segment = 'key' WHERE id = $1`, [id]);
    const early = new Date(t0.getTime() + 3 * DAY);
    for (const scope of [{}, { customerIds: [id] }]) {
      const plan = await previewPlan(s.db, { now: early, scope });
      expect(plan.changes.map((c) => c.field)).toEqual(['group:vip']);
      const heldUntil = new Date(t0.getTime() + 7 * DAY).toISOString();
      expect(plan.held).toEqual([
        expect.objectContaining({ field: 'group:low-risk', wanted: false, outcome: 'dwell', heldUntil }),
        expect.objectContaining({ field: 'group:risky', wanted: true, outcome: 'dwell', heldUntil, because: expect.stringContaining('group low-risk') }),
      ]);
    }
    await apply(s.db, early);
    expect((await customerRow(s.db, id)).groups).toEqual(['low-risk:rule', 'vip:rule']);
    await apply(s.db, new Date(t0.getTime() + 8 * DAY));
    expect((await customerRow(s.db, id)).groups).toEqual(['risky:rule', 'vip:rule']);
  });

  it('moves a customer into a group that shares a field with the band it leaves, but is no band of it, at once', async () => {
    const id = await addCustomer(s.db, 'B2', { riskScore: 10 });
    const t0 = new Date('2026-03-01T02:00:00Z');
    await addOpenInvoice(s.db, id, 500, 0, new Date(t0.getTime() - DAY));
    const owing = { '>': [{ var: 'openAmount' }, 0] };
    await addRule(s.db, { and: [{ '<': [{ var: 'riskScore' }, 50] }, owing] }, [{ type: 'addToGroup', group: 'low-risk' }]);
    await addRule(s.db, { and: [{ '>=': [{ var: 'riskScore' }, 50] }, owing] }, [{ type: 'addToGroup', group: 'risky' }]);
    // Reads the open amount too, and may hold a customer of either band: no band of theirs.
    await addRule(s.db, { '>=': [{ var: 'openAmount' }, 1000] }, [{ type: 'addToGroup', group: 'watch' }]);
    await apply(s.db, t0);
    expect((await customerRow(s.db, id)).groups).toEqual(['low-risk:rule']);
    await s.db.query('UPDATE customers SET risk_score = 70 WHERE id = $1', [id]);
    await addOpenInvoice(s.db, id, 2000, 0, new Date(t0.getTime() - DAY));
    const early = new Date(t0.getTime() + 3 * DAY);
    for (const scope of [{}, { customerIds: [id] }]) {
      const plan = await previewPlan(s.db, { now: early, scope });
      expect(plan.changes.map((c) => c.field)).toEqual(['group:watch']);
      expect(plan.held.map((h) => [h.field, h.outcome])).toEqual([['group:low-risk', 'dwell'], ['group:risky', 'dwell']]);
    }
    await apply(s.db, early);
    expect((await customerRow(s.db, id)).groups).toEqual(['low-risk:rule', 'watch:rule']);
  });

  describe('when bands have hysteresis margins that reach into the band beside', () => {
    // Brief: low below 40, medium 40 to 70, high from 70, a margin of 5 on the risk score.
    async function bands() {
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low' });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }] }, [{ type: 'addToGroup', group: 'watch' }], { name: 'medium' });
      await addRule(s.db, { '>=': [risk, 70] }, [{ type: 'addToGroup', group: 'high-risk' }], { name: 'high' });
    }
    const setRisk = (id: number, risk: number) => s.db.query('UPDATE customers SET risk_score = $2 WHERE id = $1', [id, risk]);

    it('keeps a member in its band without joining the one beside until it leaves its own, on both plans', async () => {
      await saveSettings(s.db, { hysteresis: { riskScore: 5 }, dwellDays: { groups: 0 } });
      const id = await addCustomer(s.db, 'HB1', { riskScore: 38 });
      await bands();
      // Up to 45 it stays low (kept), then medium down to 35 (kept), then low again: one band at each step.
      const path: [number, string][] = [[38, 'low-risk'], [42, 'low-risk'], [44, 'low-risk'], [46, 'watch'], [42, 'watch'], [38, 'watch'], [36, 'watch'], [34, 'low-risk']];
      for (const [i, [risk, band]] of path.entries()) {
        await setRisk(id, risk);
        const sql = await previewPlan(s.db);
        const memory = await previewPlan(s.db, { scope: { customerIds: [id] } });
        expect(memory.changes).toEqual(sql.changes);
        expect(memory.memberships).toEqual(sql.memberships);
        await apply(s.db, new Date(), i % 2 ? [id] : undefined);
        expect((await customerRow(s.db, id)).groups, `at ${risk}`).toEqual([`${band}:rule`]);
      }
      // The explanation judges as a run does: medium's criteria hold at 42, but it waits for low.
      await setRisk(id, 42);
      const rules = (await customerAssignments(s.db, 'HB1', { limit: 5, explain: true })).rules!;
      expect(rules.map((r) => [r.matches, r.member])).toEqual([[true, true], [false, false], [false, false]]);
      expect(rules[1].summary).toMatch(/^waits: one band at a time, group low-risk first/);
      // The preview lists the join that waits among its held changes, in the explanation's words, on both plans.
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.changes).toEqual([]);
        expect(plan.held).toEqual([{
          customerId: id, externalId: 'HB1', field: 'group:watch', current: false, wanted: true, ruleId: rules[1].ruleId, outcome: 'oneBand',
          because: 'waits: one band at a time, group low-risk first (a band beside this rule\'s): rule "medium" wanted group watch member',
        }]);
        expect(plan.summary.held).toEqual({ locked: 0, dwell: 0, manualMember: 0, oneBand: 1 });
      }
    });

    // Medium reads a group another rule builds, so it runs in a later stage than low; a rule reading
    // low-risk ran beside it, on low's join, which medium's member then dropped.
    it('settles the band before a rule reading it runs, when a band beside is matched in a later stage', async () => {
      await saveSettings(s.db, { hysteresis: { riskScore: 5 }, dwellDays: { groups: 0 } });
      const id = await addCustomer(s.db, 'HB3', { riskScore: 50, segment: 'key' });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low' });
      await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'addToGroup', group: 'vip' }], { name: 'vip' });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }, { in: ['vip', { var: 'groups' }] }] },
        [{ type: 'addToGroup', group: 'watch' }], { name: 'medium' });
      await addRule(s.db, { in: ['low-risk', { var: 'groups' }] }, [{ type: 'setDunningScenario', dunningScenario: 'standard' }], { name: 'gentle' });
      await apply(s.db);
      expect((await customerRow(s.db, id)).groups).toEqual(['vip:rule', 'watch:rule']);
      // At 38 low's criteria hold and medium keeps its member (down to 35): it stays in medium.
      await setRisk(id, 38);
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.summary.stages.map((st) => st.map((r) => r.name))).toEqual([['low', 'vip'], ['medium'], ['gentle']]);
        expect(plan.changes).toEqual([]);
        expect(plan.held.map((h) => [h.field, h.outcome])).toEqual([['group:low-risk', 'oneBand']]);
      }
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ groups: ['vip:rule', 'watch:rule'], dunningScenario: null });
      // Out of medium at 34: low, and the rule reading it, in one run.
      await setRisk(id, 34);
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ groups: ['low-risk:rule', 'vip:rule'], dunningScenario: 'standard' });
    });

    // The reader of low's scenario writes the collector medium reads: it cannot wait for medium
    // (a cycle), so it reads what low's rule writes as it was before the run, its scenario as its group.
    it('does not let a rule that cannot wait for the band beside read the scenario of a band join that waits', async () => {
      await saveSettings(s.db, { hysteresis: { riskScore: 5 }, dwellDays: { groups: 0 } });
      const id = await addCustomer(s.db, 'HB5', { riskScore: 50, collector: 'col-a', scenario: 'standard' });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }, { type: 'setDunningScenario', dunningScenario: 'risky' }], { name: 'low' });
      await addRule(s.db, { '==': [{ var: 'dunningScenario' }, 'risky'] },
        [{ type: 'addToGroup', group: 'risky' }, { type: 'setCollector', collector: 'col-a' }], { name: 'risky scenario' });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }, { '==': [{ var: 'collector' }, 'col-a'] }] },
        [{ type: 'addToGroup', group: 'watch' }], { name: 'medium' });
      await apply(s.db);
      // At 38 medium keeps its member (down to 35): low's join and scenario wait, so nothing reads them.
      await setRisk(id, 38);
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.summary.stages.map((st) => st.map((r) => r.name))).toEqual([['low'], ['risky scenario'], ['medium']]);
        expect(plan.changes).toEqual([]);
        expect(plan.held.map((h) => [h.field, h.outcome])).toEqual([['dunningScenario', 'oneBand'], ['group:low-risk', 'oneBand']]);
      }
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ groups: ['watch:rule'], dunningScenario: 'standard' });
    });

    // The reader of low-risk sets the scenario that builds vip, which medium reads: it cannot wait
    // for medium (a cycle). A customer in no band, whom low's rule (first by priority) selects, joins
    // low whatever medium matches: the reader reads that join, and the run settles at once.
    it('lets a rule that cannot wait for the band beside read a join that stands, in one run', async () => {
      const id = await addCustomer(s.db, 'HB6', { riskScore: 30 });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low' });
      await addRule(s.db, { in: ['low-risk', { var: 'groups' }] }, [{ type: 'setDunningScenario', dunningScenario: 'legal' }], { name: 'gentle' });
      await addRule(s.db, { '==': [{ var: 'dunningScenario' }, 'legal'] }, [{ type: 'addToGroup', group: 'vip' }], { name: 'legal vip' });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }, { in: ['vip', { var: 'groups' }] }] },
        [{ type: 'addToGroup', group: 'watch' }], { name: 'medium' });
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.summary.stages.map((st) => st.map((r) => r.name))).toEqual([['low'], ['gentle'], ['legal vip'], ['medium']]);
        expect(plan.changes.map((c) => [c.field, c.new])).toEqual([['dunningScenario', 'legal'], ['group:low-risk', true], ['group:vip', true]]);
      }
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ groups: ['low-risk:rule', 'vip:rule'], dunningScenario: 'legal' });
      expect((await previewPlan(s.db)).changes).toEqual([]);
    });

    // A member of low kept at 42 (margin 5) whose scenario low's rule replaces once the lock is gone:
    // that move takes it out of low's criteria, so low's rule joins no band and keeps medium's waiting
    // for nothing. The customer leaves low and joins medium in the same run, not one run later.
    it('does not keep a band waiting for a kept member whose move takes it out of its own band, in one run', async () => {
      await saveSettings(s.db, { hysteresis: { riskScore: 5 } });
      const id = await addCustomer(s.db, 'HB8', { riskScore: 30, scenario: 'standard', locked: ['dunningScenario'] });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { and: [{ '<': [risk, 40] }, { '==': [{ var: 'dunningScenario' }, 'standard'] }] },
        [{ type: 'addToGroup', group: 'low-risk' }, { type: 'setDunningScenario', dunningScenario: 'risky' }], { name: 'low', priority: 1 });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }] }, [{ type: 'addToGroup', group: 'watch' }], { name: 'medium', priority: 2 });
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ dunningScenario: 'standard', groups: ['low-risk:rule'] });
      await s.db.query(`UPDATE customers SET locked_fields = '{}' WHERE id = $1`, [id]);
      await setRisk(id, 42);
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.changes.map((c) => [c.field, c.new])).toEqual([['dunningScenario', 'risky'], ['group:low-risk', false], ['group:watch', true]]);
        expect(plan.held).toEqual([]);
      }
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ dunningScenario: 'risky', groups: ['watch:rule'] });
      expect((await apply(s.db)).summary.changes).toBe(0);
    });

    // The same cycle with medium's rule first by priority: it could come first in oneBandEach, but it
    // selects no customer low's rule selects by the score (a field no rule writes), unless one of
    // them keeps the customer by its margin. The reader reads low's join at 30 in this run too.
    it('lets a rule that cannot wait for the band beside read a join that stands, though the band beside comes first by priority', async () => {
      await saveSettings(s.db, { hysteresis: { riskScore: 5 } });
      const id = await addCustomer(s.db, 'HB9', { riskScore: 30 });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low', priority: 4 });
      await addRule(s.db, { in: ['low-risk', { var: 'groups' }] }, [{ type: 'setDunningScenario', dunningScenario: 'legal' }], { name: 'gentle', priority: 2 });
      await addRule(s.db, { '==': [{ var: 'dunningScenario' }, 'legal'] }, [{ type: 'addToGroup', group: 'vip' }], { name: 'legal vip', priority: 3 });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }, { in: ['vip', { var: 'groups' }] }] },
        [{ type: 'addToGroup', group: 'watch' }], { name: 'medium', priority: 1 });
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.changes.map((c) => [c.field, c.new])).toEqual([['dunningScenario', 'legal'], ['group:low-risk', true], ['group:vip', true]]);
      }
      await apply(s.db);
      expect(await customerRow(s.db, id)).toMatchObject({ groups: ['low-risk:rule', 'vip:rule'], dunningScenario: 'legal' });
      expect((await previewPlan(s.db)).changes).toEqual([]);
    });

    // The same cycle through groups, on a leave: out of low at 50, the reader's group and what
    // it builds leave with it in that run, rather than medium joining on the vip they gave.
    it('lets a rule that cannot wait for the band beside read a leave that stands, in one run', async () => {
      const id = await addCustomer(s.db, 'HB7', { riskScore: 30 });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low' });
      await addRule(s.db, { in: ['low-risk', { var: 'groups' }] }, [{ type: 'addToGroup', group: 'risky' }], { name: 'low is risky' });
      await addRule(s.db, { in: ['risky', { var: 'groups' }] }, [{ type: 'addToGroup', group: 'vip' }], { name: 'risky vip' });
      await addRule(s.db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }, { in: ['vip', { var: 'groups' }] }] },
        [{ type: 'addToGroup', group: 'watch' }], { name: 'medium' });
      await apply(s.db);
      await apply(s.db);
      expect((await customerRow(s.db, id)).groups).toEqual(['low-risk:rule', 'risky:rule', 'vip:rule']);
      await setRisk(id, 50);
      await apply(s.db);
      expect((await customerRow(s.db, id)).groups).toEqual([]);
      for (const scope of [{}, { customerIds: [id] }]) expect((await previewPlan(s.db, { scope })).changes).toEqual([]);
    });

    // A later rule taking customers out of low adds to no band: nothing it matches drops high's join.
    it('lets a later stage read a band joined as planned when the only rule left for the band beside takes customers out of it', async () => {
      const id = await addCustomer(s.db, 'HB4', { riskScore: 72 });
      const risk = { var: 'riskScore' };
      await addRule(s.db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low' });
      await addRule(s.db, { '>=': [risk, 70] }, [{ type: 'addToGroup', group: 'high-risk' }], { name: 'high' });
      await addRule(s.db, { in: ['high-risk', { var: 'groups' }] },
        [{ type: 'addToGroup', group: 'vip' }, { type: 'removeFromGroup', group: 'low-risk' }], { name: 'watch high' });
      for (const scope of [{}, { customerIds: [id] }]) {
        const plan = await previewPlan(s.db, { scope });
        expect(plan.summary.stages.map((st) => st.map((r) => r.name))).toEqual([['low', 'high'], ['watch high']]);
        expect(plan.changes.map((c) => [c.field, c.new])).toEqual([['group:high-risk', true], ['group:vip', true]]);
      }
      await apply(s.db);
      expect((await customerRow(s.db, id)).groups).toEqual(['high-risk:rule', 'vip:rule']);
      expect((await previewPlan(s.db)).changes).toEqual([]);
    });

    it('drops a move the dwell time holds when the score comes back into the band the customer is in', async () => {
      await saveSettings(s.db, { hysteresis: { riskScore: 5 } });
      const id = await addCustomer(s.db, 'HB2', { riskScore: 38 });
      const t0 = new Date('2026-03-01T02:00:00Z');
      await addOpenInvoice(s.db, id, 500, 0, new Date(t0.getTime() - DAY));
      await bands();
      await apply(s.db, t0);
      const at = async (days: number, risk: number) => {
        await setRisk(id, risk);
        const now = new Date(t0.getTime() + days * DAY);
        const [sql, memory] = [await previewPlan(s.db, { now }), await previewPlan(s.db, { now, scope: { customerIds: [id] } })];
        expect(memory.held).toEqual(sql.held);
        return sql;
      };
      // Kept in low: nothing to move; medium's join waits for low.
      const kept = await at(3, 42);
      expect(kept.changes).toEqual([]);
      expect(kept.held.map((h) => [h.field, h.outcome])).toEqual([['group:watch', 'oneBand']]);
      // Out of low: leave and join are one move, which the dwell time holds.
      expect((await at(4, 47)).held.map((h) => [h.field, h.outcome])).toEqual([['group:low-risk', 'dwell'], ['group:watch', 'dwell']]);
      await apply(s.db, new Date(t0.getTime() + 4 * DAY));
      // Back below 40 while the move waited: it stays in low, the move is dropped; medium, whose
      // loosened criteria still hold (down to 35), waits for low.
      const back = await at(5, 38);
      expect(back.changes).toEqual([]);
      expect(back.held.map((h) => [h.field, h.outcome])).toEqual([['group:watch', 'oneBand']]);
      await apply(s.db, new Date(t0.getTime() + 8 * DAY));
      expect((await customerRow(s.db, id)).groups).toEqual(['low-risk:rule']);
      await at(9, 47);
      await apply(s.db, new Date(t0.getTime() + 9 * DAY));
      expect((await customerRow(s.db, id)).groups).toEqual(['watch:rule']);
    });
  });

  it('undoes a run, except what changed since, which it reports', async () => {
    const a = await addCustomer(s.db, 'A', { segment: 'key', collector: 'col-b' });
    const b = await addCustomer(s.db, 'B', { segment: 'key' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }, { type: 'addToGroup', group: 'vip' }]);
    const { runId } = await apply(s.db);
    await s.db.query(`UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = 'col-legal') WHERE id = $1`, [b]);
    const undo = await undoRun(s.db, runId);
    expect(undo.restored).toBe(3);
    expect(undo.notRestored).toEqual([{ externalId: 'B', field: 'collector', why: 'changed since by a person or an import (now "col-legal")' }]);
    expect(await customerRow(s.db, a)).toMatchObject({ collector: 'col-b', groups: [] });
    expect(await customerRow(s.db, b)).toMatchObject({ collector: 'col-legal', groups: [] });
    expect(await getRun(s.db, runId)).toMatchObject({ status: 'undone', undoneByRunId: undo.undoRunId });
    await expect(undoRun(s.db, runId)).rejects.toMatchObject({ code: 'AR_ERR_RUN_NOT_UNDOABLE' });
  });

  it('credits the undo, not the rule, with the value it restored, in the customer\'s assignment state', async () => {
    await addCustomer(s.db, 'A', { segment: 'key', collector: 'col-b' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }], { name: 'Key accounts → col-a' });
    const { runId } = await apply(s.db);
    const { undoRunId } = await undoRun(s.db, runId);
    const { state } = await customerAssignments(s.db, 'A', { limit: 5, explain: false });
    // col-b was there before any rule: the rule set col-a, which the undo took back.
    expect(state).toEqual([expect.objectContaining({ field: 'collector', value: 'col-b', ruleId: null, ruleName: null, runId: undoRunId, undoesRunId: runId })]);
    // Nor does its change, in the list or the history: the undone change keeps the rule, and says who undid it.
    const { changes, history } = await customerAssignments(s.db, 'A', { limit: 5, explain: false });
    expect(changes.map((c) => [c.runKind, c.ruleName, c.undoneByRunId])).toEqual([['undo', null, null], ['apply', 'Key accounts → col-a', undoRunId]]);
    expect(history[0]).toMatchObject({ kind: 'assignment', runId: undoRunId, ruleName: null, because: `undo of run ${runId}: back to "col-b"` });
  });

  it('undoes who is inside a rule with hysteresis, so the next run judges them by the strict criteria again', async () => {
    await saveSettings(s.db, { hysteresis: { riskScore: 10 } });
    const inside = await addCustomer(s.db, 'H1', { riskScore: 60 });
    const already = await addCustomer(s.db, 'H2', { riskScore: 70 });
    await addRule(s.db, { '>': [{ var: 'riskScore' }, 50] }, [{ type: 'setInternalActor', actor: 'adv', value: 'Paul' }]);
    await apply(s.db, new Date(), [already]);
    const { runId } = await apply(s.db);
    await undoRun(s.db, runId);
    // 45 is in the band only a member is kept in (above 40); H1 is no member any more, H2 still is.
    await s.db.query('UPDATE customers SET risk_score = 45 WHERE id = ANY($1::int[])', [[inside, already]]);
    const { summary } = await apply(s.db);
    expect(summary.changes).toBe(0);
    expect((await customerRow(s.db, inside)).adv).toBeNull();
    expect((await customerRow(s.db, already)).adv).toBe('Paul');
    // The explanation judges as the run did: H2 by the loosened criteria it is kept by.
    const why = async (externalId: string) => (await customerAssignments(s.db, externalId, { limit: 5, explain: true })).rules![0];
    expect(await why('H1')).toMatchObject({ matches: false, member: false });
    expect(await why('H2')).toMatchObject({ matches: true, member: true, summary: expect.stringContaining('40') });
  });

  it('undoes membership rule by rule, leaving what a later run changed for other rules', async () => {
    await saveSettings(s.db, { hysteresis: { riskScore: 10 } });
    const id = await addCustomer(s.db, 'H3', { riskScore: 60 });
    await addRule(s.db, { '>': [{ var: 'riskScore' }, 50] }, [{ type: 'setInternalActor', actor: 'adv', value: 'Paul' }]);
    await addRule(s.db, { '>': [{ var: 'riskScore' }, 65] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Jane' }]);
    const { runId } = await apply(s.db);
    await s.db.query('UPDATE customers SET risk_score = 70 WHERE id = $1', [id]);
    await apply(s.db);
    await undoRun(s.db, runId);
    expect(await customerRow(s.db, id)).toMatchObject({ adv: null, salesRep: 'Jane' });
    const members = async () => (await s.db.query<{ ruleIds: number[] }>('SELECT rule_ids AS "ruleIds" FROM assignment_rule_members WHERE customer_id = $1', [id]))[0]?.ruleIds;
    const [second] = await s.db.query<{ id: number }>("SELECT id FROM assignment_rules ORDER BY id DESC LIMIT 1");
    expect(await members()).toEqual([second.id]);
    // Out of the first rule since the undo: 45 (above 40, below 50) does not let it in again.
    await s.db.query('UPDATE customers SET risk_score = 45 WHERE id = $1', [id]);
    expect((await apply(s.db)).summary.changes).toBe(0);
    expect((await customerRow(s.db, id)).adv).toBeNull();
  });

  it('undoes runs newest first: once the later run is undone, the earlier one restores what it replaced', async () => {
    const a = await addCustomer(s.db, 'A', { segment: 'key', collector: 'col-b' });
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }], { priority: 2 });
    const first = await apply(s.db);
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-legal' }], { priority: 1 });
    const second = await apply(s.db);
    expect((await customerRow(s.db, a)).collector).toBe('col-legal');
    expect(await undoRun(s.db, second.runId)).toMatchObject({ restored: 1, notRestored: [] });
    expect((await customerRow(s.db, a)).collector).toBe('col-a');
    // The undo put back the value the first run set: it is no later change of it.
    expect(await undoRun(s.db, first.runId)).toMatchObject({ restored: 1, notRestored: [] });
    expect((await customerRow(s.db, a)).collector).toBe('col-b');
  });

  it('undoes who is inside a rule newest first too: a later run undone no longer keeps the earlier one\'s member', async () => {
    await saveSettings(s.db, { hysteresis: { riskScore: 10 } });
    const id = await addCustomer(s.db, 'H4', { riskScore: 60 });
    await addRule(s.db, { '>': [{ var: 'riskScore' }, 50] }, [{ type: 'setInternalActor', actor: 'adv', value: 'Paul' }]);
    const first = await apply(s.db);
    await s.db.query('UPDATE customers SET risk_score = 30 WHERE id = $1', [id]);
    const second = await apply(s.db);
    await undoRun(s.db, second.runId);
    await undoRun(s.db, first.runId);
    expect((await customerRow(s.db, id)).adv).toBeNull();
    // No member since the undos: 45 (above 40, below 50) does not let it in.
    await s.db.query('UPDATE customers SET risk_score = 45 WHERE id = $1', [id]);
    expect((await apply(s.db)).summary.changes).toBe(0);
    expect((await customerRow(s.db, id)).adv).toBeNull();
  });

  it('evaluates changed customers in memory exactly as the portfolio run does in SQL', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const id = await addCustomer(s.db, `M${i}`, { segment: i % 3 ? 'key' : 'small', riskScore: i % 4 === 0 ? null : i * 12 });
      if (i % 2) await setModelField(s.db, id, 'driftScore', i / 8);
      if (i % 3 === 0) await addToGroup(s.db, id, 'vip');
      ids.push(id);
    }
    await addRule(s.db, { and: [{ '>': [{ var: 'driftScore' }, 0.3] }, { '!': { in: ['vip', { var: 'groups' }] } }] }, [{ type: 'addToGroup', group: 'high-risk' }]);
    await addRule(s.db, { or: [{ in: ['high-risk', { var: 'groups' }] }, { '>': [{ var: 'riskScore' }, 50] }] }, [{ type: 'setDunningScenario', dunningScenario: 'risky' }]);
    await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
    const sql = await previewPlan(s.db);
    const some = [ids[1], ids[3], ids[4], ids[7]];
    const memory = await previewPlan(s.db, { scope: { customerIds: some } });
    expect(memory.changes).toEqual(sql.changes.filter((c) => some.includes(c.customerId)));
    expect(memory.changes.length).toBeGreaterThan(2);
  });
});
