// A credit manager saves new criteria for a rule with hysteresis while a run
// applies. The run judges members by the criteria it read, and writes them
// after: the save must not meet it half way, and must not hang for the length
// of the run either. Refused at once with when to send it again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auth } from '../helpers/app.js';
import { postgresReachable } from '../helpers/storage.js';
import { createRun, executeRun } from '../../src/assign/runs.js';
import { lockApplies } from '../../src/assign/apply-lock.js';
import { buildAssignTestApp, type AssignTestApp } from './app.js';
import { addCustomer, customerRow, riskyRuleWithHysteresis } from './factories.js';

const RESET = `TRUNCATE customers, assignment_rules, saved_searches, assignment_runs, assignment_changes,
  assignment_rule_members, assignment_member_changes, collectors, dunning_scenarios, customer_groups RESTART IDENTITY CASCADE`;

/** The answer, or 'still waiting' past the time a refusal takes. */
const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))]);

describe.skipIf(!(await postgresReachable()))('when new criteria are saved while a run applies, on PostgreSQL', () => {
  let t: AssignTestApp;
  let ruleId: number;
  let searchId: number;
  const db = () => t.storage.db;
  const runId = async () => createRun(db(), { trigger: 'api' });
  const put = async (url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'PUT', url, headers: auth('analyst'), payload });

  /** A run stopped inside its apply transaction until `release` is called. */
  async function runHeldOpen() {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => { entered = resolve; });
    const done = executeRun(db(), await runId(), {
      progress: async () => {
        entered();
        await gate;
      },
    });
    await inside;
    return { release, done };
  }

  beforeAll(async () => {
    t = await buildAssignTestApp('postgres');
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await db().query(RESET);
    const rule = await riskyRuleWithHysteresis(db());
    [ruleId, searchId] = [rule.id, rule.searchId];
  });

  it('refuses the search at once with 409 and Retry-After, saving nothing, and takes it once the run is over', async () => {
    const id = await addCustomer(db(), 'E1', { riskScore: 55 });
    await executeRun(db(), await runId());
    const run = await runHeldOpen();
    const res = await within(3000, put(`/v1/searches/${searchId}`, { name: 'Risky', criteria: { '>': [{ var: 'riskScore' }, 60] } }));
    run.release();
    await run.done;
    expect(res).not.toBe('still waiting');
    if (res === 'still waiting') return;
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.json()).toMatchObject({ code: 'AR_ERR_RUN_APPLYING', retryAfter: Number(res.headers['retry-after']) });
    // Nothing saved: the old criteria, and the member they let in, stay.
    const [search] = await db().query<{ criteria: unknown }>('SELECT criteria FROM saved_searches WHERE id = $1', [searchId]);
    expect(search.criteria).toEqual({ '>': [{ var: 'riskScore' }, 50] });
    expect(await db().query('SELECT rule_ids FROM assignment_rule_members WHERE customer_id = $1', [id])).toEqual([{ rule_ids: [ruleId] }]);

    const again = await put(`/v1/searches/${searchId}`, { name: 'Risky', criteria: { '>': [{ var: 'riskScore' }, 60] } });
    expect(again.statusCode).toBe(200);
    expect((await executeRun(db(), await runId())).sentences).toEqual(['1 customer leaves group risky']);
    expect((await customerRow(db(), id)).groups).toEqual([]);
  });

  it('refuses a rule pointed at another search the same way, and saves a rename at once', async () => {
    const other = (await t.app.inject({
      method: 'POST', url: '/v1/searches', headers: auth('analyst'), payload: { name: 'Riskier', criteria: { '>': [{ var: 'riskScore' }, 60] } },
    })).json();
    const [rule] = (await t.app.inject({ method: 'GET', url: '/v1/rules', headers: auth('analyst') })).json().items;
    const { name, priority, actions } = rule;
    const run = await runHeldOpen();
    const moved = await within(3000, put(`/v1/rules/${ruleId}`, { name, priority, actions, searchId: other.id }));
    // Criteria as they were: nothing for the run to meet half way.
    const renamed = await within(3000, put(`/v1/searches/${searchId}`, { name: 'Risky, renamed', criteria: { '>': [{ var: 'riskScore' }, 50] } }));
    run.release();
    await run.done;
    expect([moved, renamed]).not.toContain('still waiting');
    if (moved === 'still waiting' || renamed === 'still waiting') return;
    expect([moved.statusCode, moved.json().code]).toEqual([409, 'AR_ERR_RUN_APPLYING']);
    expect(renamed.statusCode).toBe(200);
    const [stored] = await db().query<{ search_id: number }>('SELECT search_id FROM assignment_rules WHERE id = $1', [ruleId]);
    expect(stored.search_id).toBe(searchId);
  });

  describe('when it says when to send them again', () => {
    const newCriteria = () => put(`/v1/searches/${searchId}`, { name: 'Risky', criteria: { '>': [{ var: 'riskScore' }, 60] } });
    /** A finished run of this kind that took `seconds`, an hour ago or more recently. */
    const pastRun = async (kind: 'apply' | 'undo', seconds: number, endedMinutesAgo: number) => db().query(
      `INSERT INTO assignment_runs (kind, trigger, status, started_at, finished_at)
       VALUES ($1, 'api', 'applied', now() - make_interval(mins => $2) - make_interval(secs => $3), now() - make_interval(mins => $2))`,
      [kind, endedMinutesAgo, seconds],
    );

    it('reads the last run, not an undo made since, for how long the run takes', async () => {
      await pastRun('apply', 60, 30);
      // Undone 10 minutes ago, in a fraction of a second: an undo says nothing of a run's length.
      await pastRun('undo', 0.2, 10);
      const run = await runHeldOpen();
      const res = await newCriteria();
      run.release();
      await run.done;
      expect(res.statusCode).toBe(409);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(50);
    });

    it('names the run applying, not one left marked running by a process that stopped', async () => {
      await pastRun('apply', 60, 30);
      const [stale] = await db().query<{ id: number }>(
        `INSERT INTO assignment_runs (kind, trigger, status, started_at) VALUES ('apply', 'api', 'running', now() - interval '1 hour') RETURNING id`,
      );
      const run = await runHeldOpen();
      const [{ id: applying }] = await db().query<{ id: number }>(`SELECT id FROM assignment_runs WHERE status = 'running' AND id <> $1`, [stale.id]);
      const res = await newCriteria();
      run.release();
      await run.done;
      expect(res.json()).toMatchObject({ code: 'AR_ERR_RUN_APPLYING', runId: applying });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(50);
    });

    it('reads the last undo for how long an undo takes, and names no run', async () => {
      await pastRun('apply', 2, 30);
      await pastRun('undo', 40, 10);
      // An undo applying: the apply lock held, no run of its own committed yet.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => { entered = resolve; });
      const undo = db().transaction(async (tx) => {
        await lockApplies(tx);
        entered();
        await gate;
      });
      await inside;
      const res = await newCriteria();
      release();
      await undo;
      expect(res.json()).toMatchObject({ code: 'AR_ERR_RUN_APPLYING', runId: null });
      expect(res.json().detail).toMatch(/^an undo is applying/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(30);
    });
  });
});
