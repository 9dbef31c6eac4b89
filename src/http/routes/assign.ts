// Search & Assign over HTTP: rules (credit managers edit them), preview of a
// run's diff, runs as jobs with progress, undo, stability settings, and one
// customer's assignments with their audit. Thin: the domain is src/assign.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Role } from '../../config.js';
import { errorResponses, IdParams, ProblemRef } from '../schemas/common.js';
import { deleteRule, getRule, listRules, loadRuleSet, saveRule } from '../../assign/rules.js';
import { previewPage } from '../../assign/plan-report.js';
import { getRun, listRuns, runChanges } from '../../assign/runs.js';
import { requestRun, runAfterChange } from '../../assign/jobs.js';
import { isJobsUnavailable } from '../../jobs/jobs.js';
import { undoRun } from '../../assign/undo.js';
import { loadSettings, readSettings, saveSettings } from '../../assign/settings.js';
import { scopeOf } from '../../assign/state.js';
import { customerAssignments } from '../../assign/audit.js';
import { readLocks, setLocks } from '../../assign/locks.js';
import { collectorScope } from '../request-scope.js';
import { refuseOutsidePortfolio } from '../portfolio.js';
import { IfMatchHeaders, ifMatchVersions, tagged } from '../if-match.js';
import {
  CustomerAssignmentsSchema, LocksBody, LocksSchema, PageQuery, PreviewBody, PreviewSchema, RuleBody, RuleSaveSchema, RuleSchema,
  RunBody, RunDetailSchema, RunSchema, SettingsPatchBody, SettingsSchema, UndoSchema,
} from '../../assign/schemas.js';

const RULE_EDITORS = { roles: ['analyst'] as Role[], action: 'edit assignment rules' };
const RUNNERS = { roles: ['analyst', 'platform'] as Role[], action: 'run assignment rules' };
const RuleRef = Type.Object({ id: Type.Integer(), name: Type.String(), priority: Type.Integer() });
const ExternalIdParams = Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 200 }) });

const assignRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, jobs } = app.services;
  const { db } = storage;

  /**
   * A rule change re-runs the whole portfolio when the settings say so: then
   * a queue that cannot take the run refuses the change before it is saved.
   */
  async function runsAfterRuleChange(): Promise<boolean> {
    const runs = (await loadSettings(db)).runOnRuleChange;
    if (runs) await jobs.assertReachable();
    return runs;
  }

  async function afterRuleChange(runs: boolean, change: string, requestedBy: string | null): Promise<{ runId?: number }> {
    if (!runs) return {};
    const { runId } = await runAfterChange(db, jobs, change, { trigger: 'rule_change', requestedBy });
    return { runId };
  }

  app.get('/v1/rules', {
    schema: {
      tags: ['rules'],
      summary: 'Assignment rules by priority, and the stages they run in',
      response: { 200: Type.Object({ items: Type.Array(RuleSchema), stages: Type.Array(Type.Array(RuleRef)) }), ...errorResponses },
    },
  }, async () => {
    const set = await loadRuleSet(db);
    return { items: await listRules(db), stages: set.stages.map((s) => s.map((r) => ({ id: r.id, name: r.name, priority: r.priority }))) };
  });

  app.get('/v1/rules/:id', {
    schema: { tags: ['rules'], summary: 'One assignment rule (ETag: its version, for If-Match on changes)', params: IdParams, response: { 200: RuleSchema, ...errorResponses } },
  }, async (request, reply) => tagged(reply, await getRule(db, request.params.id)));

  const ruleSaveDoc = 'Answers with the stage the rule runs in, warnings (e.g. a scenario driven by volatile criteria only) and the ' +
    'rules it conflicts with: same target, another value, with how many customers both select today and which rule wins by priority. ' +
    'A cycle of successive rules is refused with 409 AR_ERR_RULE_CONFLICT. Pointing a rule at a search with other criteria while ' +
    'an assignment run applies is refused with 409 AR_ERR_RUN_APPLYING and Retry-After, nothing saved. The ETag is the saved version.';

  app.post('/v1/rules', {
    config: RULE_EDITORS,
    schema: { tags: ['rules'], summary: 'Create a rule: a saved search plus actions', description: ruleSaveDoc, body: RuleBody, response: { 201: RuleSaveSchema, 409: ProblemRef, 503: ProblemRef, ...errorResponses } },
  }, async (request, reply) => {
    const runs = await runsAfterRuleChange();
    const saved = await saveRule(db, null, request.body);
    tagged(reply, saved.rule);
    return reply.status(201).send({ ...saved, ...(await afterRuleChange(runs, `Rule ${saved.rule.id} was saved`, request.actor)) });
  });

  app.put('/v1/rules/:id', {
    config: RULE_EDITORS,
    schema: {
      tags: ['rules'], summary: 'Replace a rule', description: ruleSaveDoc, params: IdParams, headers: IfMatchHeaders, body: RuleBody,
      response: { 200: RuleSaveSchema, 409: ProblemRef, 412: ProblemRef, 503: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    const runs = await runsAfterRuleChange();
    const saved = await saveRule(db, request.params.id, request.body, ifMatchVersions(request.headers['if-match']));
    tagged(reply, saved.rule);
    return { ...saved, ...(await afterRuleChange(runs, `Rule ${saved.rule.id} was saved`, request.actor)) };
  });

  app.delete('/v1/rules/:id', {
    config: RULE_EDITORS,
    schema: {
      tags: ['rules'],
      summary: 'Delete a rule (what it assigned stays; its groups stop being managed)',
      params: IdParams,
      headers: IfMatchHeaders,
      response: { 204: Type.Null(), 412: ProblemRef, 503: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    const runs = await runsAfterRuleChange();
    await deleteRule(db, request.params.id, ifMatchVersions(request.headers['if-match']));
    await afterRuleChange(runs, `Rule ${request.params.id} was deleted`, request.actor);
    return reply.status(204).send(null);
  });

  app.post('/v1/assign/preview', {
    config: RUNNERS,
    schema: {
      tags: ['assign'],
      summary: 'Dry run: the diff a run would apply, with reasons; writes nothing',
      description: 'Counts per change ("412 customers change collector"), the changes with old → new and the reason ' +
        '(rule and the criteria values), changes held back (locked by a person, dwell time, manual group member) and ' +
        'conflicting rules. Apply exactly this plan with POST /v1/assign/runs {"expectPlanHash": planHash}.',
      body: PreviewBody,
      response: { 200: PreviewSchema, 409: ProblemRef, ...errorResponses },
    },
  }, async (request) => {
    const { customers, ...page } = request.body;
    return previewPage(db, { scope: await scopeOf(db, customers) }, page);
  });

  app.post('/v1/assign/runs', {
    config: RUNNERS,
    schema: {
      tags: ['assign'],
      summary: 'Apply the rules (a job): whole portfolio in SQL, or the given customers in memory',
      description: 'Answers 202 at once; poll GET /v1/assign/runs/{id}. With expectPlanHash the run fails with ' +
        'AR_ERR_PLAN_CHANGED and writes nothing if the plan is no longer the previewed one.',
      body: RunBody,
      response: { 202: Type.Object({ runId: Type.Integer(), jobId: Type.String(), status: Type.String() }), 503: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    const scope = await scopeOf(db, request.body.customers);
    const { runId, jobId } = await requestRun(db, jobs, {
      trigger: scope.customerIds ? 'customer_change' : 'api', scope, expectPlanHash: request.body.expectPlanHash, requestedBy: request.actor,
    });
    const status = `/v1/assign/runs/${runId}`;
    return reply.status(202).header('location', status).send({ runId, jobId, status });
  });

  app.get('/v1/assign/runs', {
    schema: {
      tags: ['assign'],
      summary: 'Recent runs',
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }),
      response: { 200: Type.Object({ items: Type.Array(RunSchema) }), ...errorResponses },
    },
  }, async (request) => ({
    items: (await listRuns(db, request.query.limit)).map((r) => ({ ...r, progress: r.status === 'applied' || r.status === 'undone' ? 1 : 0, message: null })),
  }));

  app.get('/v1/assign/runs/:id', {
    schema: {
      tags: ['assign'],
      summary: 'A run: progress while it runs, then its summary and its changes (a page)',
      params: IdParams,
      querystring: PageQuery,
      response: { 200: RunDetailSchema, ...errorResponses },
    },
  }, async (request) => {
    const run = await getRun(db, request.params.id);
    // The run is recorded in the database; only its progress is read from the queue.
    const job = run.jobId && (run.status === 'queued' || run.status === 'running')
      ? await jobs.get(run.jobId).catch((err: unknown) => {
        if (!isJobsUnavailable(err)) throw err;
        return { progress: 0, message: 'progress unknown: the job queue (Redis) cannot be reached' };
      })
      : null;
    const finished = run.status === 'applied' || run.status === 'undone';
    const page = await runChanges(db, run.id, request.query);
    return {
      ...run,
      progress: finished ? 1 : (job?.progress ?? 0),
      message: job?.message ?? null,
      totalChanges: page.total,
      changes: page.items,
    };
  });

  app.post('/v1/assign/runs/:id/undo', {
    config: { roles: ['analyst'], action: 'undo assignment runs' },
    schema: {
      tags: ['assign'],
      summary: 'Undo a run: restore the values it replaced, except those changed since (reported)',
      params: IdParams,
      response: { 200: UndoSchema, 409: ProblemRef, ...errorResponses },
    },
  }, async (request) => undoRun(db, request.params.id, { requestedBy: request.actor }));

  app.get('/v1/assign/settings', {
    schema: {
      tags: ['assign'],
      summary: 'Dwell times, hysteresis margins, run on rule change (ETag: their version, for If-Match on changes)',
      response: { 200: SettingsSchema, ...errorResponses },
    },
  }, async (_request, reply) => tagged(reply, await readSettings(db)).settings);

  app.put('/v1/assign/settings', {
    config: { roles: ['analyst'], action: 'change assignment settings' },
    schema: {
      tags: ['assign'],
      summary: 'Change some settings (a null margin restores the default); the ETag is the saved version',
      headers: IfMatchHeaders,
      body: SettingsPatchBody,
      response: { 200: SettingsSchema, 412: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => tagged(reply, await saveSettings(db, request.body, ifMatchVersions(request.headers['if-match']))).settings);

  app.get('/v1/customers/:externalId/assignments', {
    schema: {
      tags: ['assign'],
      summary: "A customer's assignments: current values, locks, who set what since when, every change with reasons",
      params: ExternalIdParams,
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        explain: Type.Boolean({ default: false, description: 'also say why each rule selects the customer or not today' }),
      }),
      response: { 200: CustomerAssignmentsSchema, ...errorResponses },
    },
  }, async (request) => {
    await refuseOutsidePortfolio(db, request, request.params.externalId);
    return customerAssignments(db, request.params.externalId, request.query);
  });

  app.get('/v1/customers/:externalId/locks', {
    schema: {
      tags: ['assign'],
      summary: 'What rules may not change on a customer (ETag: the locks\' version, for If-Match on changes)',
      params: ExternalIdParams,
      response: { 200: LocksSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    await refuseOutsidePortfolio(db, request, request.params.externalId);
    return tagged(reply, await readLocks(db, request.params.externalId));
  });

  app.put('/v1/customers/:externalId/locks', {
    config: { roles: ['analyst', 'collector'], action: 'lock assignments' },
    schema: {
      tags: ['assign'],
      summary: 'Lock or unlock what rules may change on a customer (manual override); the ETag is the saved version',
      description: 'An analyst key locks any customer; a collector key (bound to a collector) only the customers of ' +
        'its portfolio (403 for others), and unlocks only what a collector locked (403 naming an analyst\'s, an admin\'s ' +
        'or an unaudited lock, nothing changed). Each field it locks or unlocks is recorded with the key that asked, the time and ' +
        'the reason (GET …/locks, and the history of GET …/assignments); locking a field already locked records nothing.',
      params: ExternalIdParams,
      headers: IfMatchHeaders,
      body: LocksBody,
      response: { 200: LocksSchema, 412: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    // A collector overrides rules on their own portfolio only; analysts on any customer.
    const { collector } = collectorScope(request, undefined, 'lock assignments');
    const saved = await setLocks(db, request.params.externalId, request.body.lock ?? [], request.body.unlock ?? [], {
      asCollector: collector ?? undefined, expected: ifMatchVersions(request.headers['if-match']), actor: request.actor, reason: request.body.reason,
    });
    return tagged(reply, saved);
  });
};

export default assignRoutes;
