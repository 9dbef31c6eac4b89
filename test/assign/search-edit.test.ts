// A credit manager edits the saved search a rule with hysteresis uses (or
// points the rule at another): the new criteria apply from the next run. Hysteresis keeps members through data
// jitter, not through the edit: a customer the old criteria let in is judged
// by the new ones as if entering, and an undo of a run from before the edit
// does not bring the old basis back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auth } from '../helpers/app.js';
import { backends } from '../helpers/storage.js';
import { createRun, executeRun } from '../../src/assign/runs.js';
import { undoRun } from '../../src/assign/undo.js';
import { buildAssignTestApp, type AssignTestApp } from './app.js';
import { addCustomer, customerRow, riskyRuleWithHysteresis } from './factories.js';

const RESET = `TRUNCATE customers, assignment_rules, saved_searches, assignment_runs, assignment_changes,
  assignment_rule_members, assignment_member_changes, collectors, dunning_scenarios, customer_groups RESTART IDENTITY CASCADE`;

describe.each(await backends())('when the saved search of a rule with hysteresis is edited, on %s', (backend) => {
  let t: AssignTestApp;
  let searchId: number;
  const db = () => t.storage.db;
  const run = async () => executeRun(db(), await createRun(db(), { trigger: 'api' }));
  const groupsOf = async (id: number) => (await customerRow(db(), id)).groups;
  const edit = (name: string, threshold: number) => t.app.inject({
    method: 'PUT', url: `/v1/searches/${searchId}`, headers: auth('analyst'),
    payload: { name, criteria: { '>': [{ var: 'riskScore' }, threshold] } },
  });

  beforeAll(async () => {
    t = await buildAssignTestApp(backend);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await db().query(RESET);
    searchId = (await riskyRuleWithHysteresis(db())).searchId;
  });

  it('judges members by the new criteria at the next run, not kept by the loosened old ones', async () => {
    const entered = await addCustomer(db(), 'E1', { riskScore: 55 });
    const high = await addCustomer(db(), 'E2', { riskScore: 75 });
    await run();
    expect([await groupsOf(entered), await groupsOf(high)]).toEqual([['risky:rule'], ['risky:rule']]);
    const res = await edit('Risky', 60);
    expect(res.statusCode).toBe(200);
    // 55 is above 50, the new threshold loosened by the margin, but was never judged by "above 60".
    expect((await run()).sentences).toEqual(['1 customer leaves group risky']);
    expect([await groupsOf(entered), await groupsOf(high)]).toEqual([[], ['risky:rule']]);
    // From then on hysteresis works on the new criteria: 55 keeps the member who entered above 60.
    await db().query('UPDATE customers SET risk_score = 55');
    expect((await run()).changes).toBe(0);
    expect(await groupsOf(high)).toEqual(['risky:rule']);
  });

  it('keeps the basis when the edit leaves the criteria as they were (a new name)', async () => {
    const kept = await addCustomer(db(), 'K1', { riskScore: 55 });
    await run();
    await db().query('UPDATE customers SET risk_score = 45 WHERE id = $1', [kept]);
    expect((await edit('Risky, renamed', 50)).statusCode).toBe(200);
    expect((await run()).changes).toBe(0);
    expect(await groupsOf(kept)).toEqual(['risky:rule']);
  });

  it('judges members by the new criteria when the rule is pointed at another search', async () => {
    const entered = await addCustomer(db(), 'S1', { riskScore: 55 });
    await run();
    const other = (await t.app.inject({
      method: 'POST', url: '/v1/searches', headers: auth('analyst'), payload: { name: 'Riskier', criteria: { '>': [{ var: 'riskScore' }, 60] } },
    })).json();
    const [rule] = (await t.app.inject({ method: 'GET', url: '/v1/rules', headers: auth('analyst') })).json().items;
    const { id, name, priority, actions } = rule;
    const res = await t.app.inject({ method: 'PUT', url: `/v1/rules/${id}`, headers: auth('analyst'), payload: { name, priority, actions, searchId: other.id } });
    expect(res.statusCode).toBe(200);
    expect((await run()).sentences).toEqual(['1 customer leaves group risky']);
    expect(await groupsOf(entered)).toEqual([]);
  });

  it('does not bring the old basis back when a run from before the edit is undone', async () => {
    const id = await addCustomer(db(), 'U1', { riskScore: 70 });
    await run();
    await db().query('UPDATE customers SET risk_score = 30 WHERE id = $1', [id]);
    const leftRunId = await createRun(db(), { trigger: 'api' });
    await executeRun(db(), leftRunId);
    expect(await groupsOf(id)).toEqual([]);
    expect((await edit('Risky', 52)).statusCode).toBe(200);
    await undoRun(db(), leftRunId);
    expect(await groupsOf(id)).toEqual(['risky:rule']);
    // 45 is above 42 (52 loosened), but the customer was judged by "above 50", not "above 52".
    await db().query('UPDATE customers SET risk_score = 45 WHERE id = $1', [id]);
    expect((await run()).sentences).toEqual(['1 customer leaves group risky']);
  });
});
