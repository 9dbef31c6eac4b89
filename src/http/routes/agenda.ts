// The collectors' agenda: GET /v1/agenda, closing actions, and the planning
// job. A collector's key sees only the agenda of the collector it is bound to.
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AR_ERR } from '../../errors.js';
import { DbId, IdParams, ProblemRef, errorResponses } from '../schemas/common.js';
import {
  AGENDA_PLAN_JOB, DEFAULT_AGENDA_POLICY, accountsTable, agendaTasks, byAccount, tasksTable, closeAction, closeSuggestion, collectorIdOf, planningDay, readAgenda,
  scopedCustomerIds, type AgendaPlanJobData, type AgendaPolicy,
} from '../../agenda/index.js';
import { ExportFormatParam, exportContent, formatOf, sendTable } from '../table-export.js';
import { exportName } from '../export-name.js';
import type { Db } from '../../db/sql.js';
import { Nullable } from '../../util/nullable.js';
import { QueuedJob, sendQueued } from '../queued.js';
import { collectorScope, DateParam, dayNoLaterThan, dayOrToday, refuseNoCollector } from '../request-scope.js';

/** Who and what an agenda request covers: its collector, day, view and customers (a group's, one customer). */
async function agendaQuery(db: Db, policy: AgendaPolicy, request: FastifyRequest, query: Static<typeof AgendaQuerystring>) {
  refuseNoCollector(request, query, 'read the agenda');
  const { collector } = collectorScope(request, query.collector, 'read the agenda');
  const date = dayOrToday(query.date);
  const collectorId = collector === null ? null : await collectorIdOf(db, collector);
  const customerIds = await scopedCustomerIds(db, { group: query.group, customer: query.customer, collectorId, noCollector: query.noCollector });
  return { collectorId, collector, date, policy, agenda: query.agenda, customerIds };
}

// Planning stores the day's actions and cancels the others: a plan for a day
// years ahead would replace the collectors' agenda with one nobody can act on.
const PLAN_DAYS_AHEAD = 31;
const planDay = (date: string) =>
  dayNoLaterThan(date, PLAN_DAYS_AHEAD, (latest, day) => `date must be at most ${PLAN_DAYS_AHEAD} days ahead (${latest}), got "${day}"`);

// A suggestion is closed as of a day it stands on, one a collector has
// reached: a promise not yet broken cannot be followed up already, and once
// closed an episodic suggestion is never planned again. Tomorrow (UTC) is
// today somewhere.
const closingDay = (date: string | undefined) =>
  dayNoLaterThan(date, 1, (latest, day) => `date must not be after ${latest}: a suggestion is closed on the day it stands, got "${day}"`);

const ReasonSchema = Type.Object({
  factor: Type.String(),
  text: Type.String(),
  value: Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()])),
  weight: Type.Optional(Type.Number()),
  invoiceIds: Type.Optional(Type.Array(DbId())),
  level: Type.Optional(Type.Integer()),
  channel: Type.Optional(Type.String()),
  template: Type.Optional(Nullable(Type.String())),
}, { additionalProperties: true });

const OtherBalancesSchema = Type.Array(Type.Object({ currency: Type.String(), open: Type.Number(), overdue: Type.Number() }), {
  description: 'what the customer owes in each currency other than the balance currency, left out of its amounts; by currency',
});

const AgendaItemSchema = Type.Object({
  id: Nullable(Type.Integer({ description: 'action id; null for a suggestion not yet planned (the next planning run stores it)' })),
  state: Type.Union([Type.Literal('planned'), Type.Literal('suggested')]),
  dedupeKey: Nullable(Type.String()),
  origin: Type.String({ description: 'scenario | qualification | ml | risk | manual' }),
  kind: Type.String({ description: 'scenario_step, promise_broken, dispute_follow_up, drift_review, missed_debit, answer_email, insolvency, credit_limit_exceeded, ...' }),
  type: Type.String({ description: 'call, email, letter, sms, review, follow_up, answer_email, incentive' }),
  task: Type.Boolean({ description: 'false for automatic scenario steps the platform sends' }),
  dueDate: Type.String(),
  reason: Type.String(),
  reasons: Type.Array(ReasonSchema),
  priority: Type.Object({
    score: Type.Number(), amountAtStake: Type.Number(), urgency: Type.Number(), risk: Type.Number(), text: Type.String(),
  }),
  customer: Type.Object({ externalId: Type.String(), name: Type.String(), segment: Nullable(Type.String()) }),
  collector: Nullable(Type.String()),
  amounts: Type.Object({
    atStake: Type.Number({ description: 'in `currency`, the task\'s own' }), currency: Type.String(),
    customerOpen: Type.Number(), customerOverdue: Type.Number(), balanceCurrency: Type.String({ description: 'the currency of customerOpen and customerOverdue' }),
    otherBalances: OtherBalancesSchema,
  }),
  invoices: Type.Array(Type.Object({
    externalId: Type.String(), number: Type.String(), openAmount: Type.Number(), dueDate: Type.String(), daysOverdue: Type.Integer(),
  })),
});

const AgendaSchema = Type.Object({
  date: Type.String(),
  collector: Nullable(Type.String()),
  items: Type.Array(AgendaItemSchema),
  automatic: Type.Array(AgendaItemSchema),
  counts: Type.Object({ tasks: Type.Integer(), planned: Type.Integer(), suggested: Type.Integer(), automatic: Type.Integer() }),
  plan: Type.Object({
    source: Type.Union([Type.Literal('stored'), Type.Literal('live')], {
      description: 'stored: read from the last planning run of the portfolio, current for this day, the customers whose data changed since planned live beside it '
        + '(customersPlannedLive); live: the whole agenda planned now',
    }),
    plannedAt: Nullable(Type.String({ description: 'when the planning run read its data (stored)' })),
    staleBecause: Nullable(Type.String({ description: 'why the stored plan was not read (live)' })),
    customersPlannedLive: Nullable(Type.Integer({
      minimum: 0,
      description: 'stored: how many of the answer\'s customers were planned live, their data having changed since the run (0: all as stored); null when live',
    })),
  }),
});

const AccountsSchema = Type.Object({
  date: Type.String(),
  collector: Nullable(Type.String()),
  accounts: Type.Array(Type.Object({
    customer: Type.Object({ externalId: Type.String(), name: Type.String(), segment: Nullable(Type.String()) }),
    collector: Nullable(Type.String()),
    priority: Type.Number({ description: 'its most pressing task\'s priority score' }),
    tasks: Type.Integer(),
    late: Type.Integer({ description: 'tasks due before the day' }),
    waitingDays: Type.Integer({ description: 'days the oldest task has waited; 0 when none is late' }),
    topics: Type.Array(Type.String(), { description: 'the kinds of its tasks, most pressing first, each once' }),
    balances: Type.Object({ currency: Type.String(), open: Type.Number(), overdue: Type.Number(), others: OtherBalancesSchema }),
    items: Type.Array(Type.Object({
      id: Nullable(DbId()), dedupeKey: Nullable(Type.String()), state: Type.Union([Type.Literal('planned'), Type.Literal('suggested')]),
      origin: Type.String(), kind: Type.String(), type: Type.String(), dueDate: Type.String(), reason: Type.String(), priority: Type.Number(),
    })),
  })),
  counts: Type.Object({ accounts: Type.Integer(), tasks: Type.Integer() }),
});

const AgendaQuerystring = Type.Object({
  collector: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'collector externalId' })),
  // A switch, not a value of collector: an externalId may be any text, `(unassigned)` included.
  noCollector: Type.Optional(Type.Boolean({ description: 'only the customers with no collector (the reports\' (unassigned) group); not with collector' })),
  date: Type.Optional(DateParam),
  agenda: Type.Union([Type.Literal('all'), Type.Literal('collection'), Type.Literal('risk')], {
    default: 'all',
    description: 'collection: reminders, status follow-ups, model suggestions and manual actions; risk: credit limit and '
      + 'insurance cover overruns, insolvency proceedings, risk-score downgrades, company changes, limit reviews; all: both',
  }),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'only the members of this customer group (externalId), e.g. the risky customers' })),
  customer: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'only this customer (externalId): everything to cover with it' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'in JSON; the files have every row' }),
  format: ExportFormatParam('csv: every row (a task, or an account of the call list) in order, one line each; xlsx: the same rows as an Excel workbook'),
}, { additionalProperties: false });

const TASK_CSV = 'rank,due_date,state,kind,type,customer_external_id,customer_name,collector,amount_at_stake,currency,invoices,reason,action_id,priority';
const ACCOUNT_CSV = 'rank,customer_external_id,customer_name,customer_segment,collector,tasks,late,waiting_days,topics,balance_currency,open_amount,overdue_amount,other_currencies,first_task,priority';

/**
 * agenda-COL-01-2026-12-07, agenda-2026-12-07 for the whole portfolio; the risk or collection agenda alone says so
 * (agenda-risk-…), and so does every scope asked for (no-collector, group-…, customer-…), as the reports' files do.
 */
const fileStem = (name: string, q: { collector: string | null; date: string; agenda: string }, query: Static<typeof AgendaQuerystring>) =>
  exportName(q.agenda === 'all' ? name : `${name}-${q.agenda}`, { ...query, collector: q.collector }, q.date);

const ClosedSchema = Type.Object({ id: Type.Integer(), status: Type.String(), doneAt: Type.String() });

const PlanResultSchema = Type.Object({
  date: Type.String(),
  suggestions: Type.Integer(),
  automatic: Type.Integer(),
  tasks: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  cancelled: Type.Integer(),
  byKind: Type.Record(Type.String(), Type.Integer()),
  jobId: Type.String(),
});

export interface AgendaRouteOptions {
  /** The same policy the plan job runs with. */
  policy?: AgendaPolicy;
}

const agendaRoutes: FastifyPluginAsyncTypebox<AgendaRouteOptions> = async (app, opts) => {
  const { storage, jobs } = app.services;
  const policy = opts.policy ?? DEFAULT_AGENDA_POLICY;

  app.get('/v1/agenda', {
    config: { roles: ['collector', 'platform', 'analyst'], action: 'read agendas' },
    schema: {
      tags: ['agenda'],
      summary: 'Next actions with their reasons, highest priority first',
      description: 'Planned actions and fresh suggestions (scenario steps, follow-ups of invoice statuses, model ' +
        'suggestions) due by `date`, ranked by amount at stake × urgency × risk. A collector key sees only its own ' +
        'agenda; other roles see the whole portfolio unless they name a collector. Automatic scenario steps are listed ' +
        'apart: the platform sends them. Model outputs are kept as of their last run only: a drift review or an incentive ' +
        'is suggested from the day of the model\'s last run, so the agenda of an earlier day does not show it.',
      querystring: AgendaQuerystring,
      response: { 200: { description: 'The agenda', content: exportContent(AgendaSchema, TASK_CSV) }, ...errorResponses },
    },
  }, async (request, reply) => {
    const q = await agendaQuery(storage.db, policy, request, request.query);
    const format = formatOf(request, reply, request.query.format);
    if (format === 'json') return readAgenda(storage.db, { ...q, limit: request.query.limit });
    const { tasks } = await agendaTasks(storage.db, q);
    return sendTable(reply, format, fileStem('agenda', q, request.query), 'agenda', tasksTable(tasks));
  });

  app.get('/v1/agenda/accounts', {
    config: { roles: ['collector', 'platform', 'analyst'], action: 'read agendas' },
    schema: {
      tags: ['agenda'],
      summary: 'The agenda as a call list: one entry per customer, with every task to cover with it',
      description: 'The same tasks as GET /v1/agenda, grouped by customer so that one conversation covers a dispute, a ' +
        'broken promise and a credit limit at once. Accounts are ranked by their most pressing task (the amount at stake ' +
        'in one account is not added up across its topics), then by their number of tasks. `limit` counts accounts.',
      querystring: AgendaQuerystring,
      response: { 200: { description: 'The call list', content: exportContent(AccountsSchema, ACCOUNT_CSV) }, ...errorResponses },
    },
  }, async (request, reply) => {
    const q = await agendaQuery(storage.db, policy, request, request.query);
    const format = formatOf(request, reply, request.query.format);
    const { tasks } = await agendaTasks(storage.db, q);
    const accounts = byAccount(tasks, q.date);
    if (format !== 'json') return sendTable(reply, format, fileStem('call-list', q, request.query), 'call list', accountsTable(accounts));
    return {
      date: q.date, collector: q.collector,
      accounts: accounts.slice(0, request.query.limit),
      counts: { accounts: accounts.length, tasks: tasks.length },
    };
  });

  for (const [verb, status] of [['done', 'done'], ['cancel', 'cancelled']] as const) {
    app.post(`/v1/actions/:id/${verb}`, {
      config: { roles: ['collector', 'platform'], action: `mark actions ${status}` },
      schema: {
        tags: ['agenda'],
        summary: verb === 'done' ? 'Mark an action done' : 'Cancel an action (not relevant)',
        description: 'A collector may close only the actions assigned to them. A closed scenario step counts as handled; ' +
          'a closed recurring follow-up comes back after its delay if the situation lasts.',
        params: IdParams,
        response: { 200: ClosedSchema, 409: ProblemRef, ...errorResponses },
      },
    }, async (request) => {
      const { collector, restricted } = collectorScope(request, undefined, `mark actions ${status}`);
      const asCollector = restricted ? await collectorIdOf(storage.db, collector!) : undefined;
      return closeAction(storage.db, request.params.id, status, { policy, asCollector });
    });

    app.post(`/v1/agenda/suggestions/${verb}`, {
      config: { roles: ['collector', 'platform'], action: `mark suggestions ${status}` },
      schema: {
        tags: ['agenda'],
        summary: `${verb === 'done' ? 'Mark done' : 'Cancel'} a suggestion not planned yet (an agenda item with no id)`,
        description: 'The suggestion is checked against the current data as of `date`, stored, and closed; the answer ' +
          'carries the new action id. 404 when it does not stand on `date` (today by default: send the day of the agenda it was read on).',
        body: Type.Object({
          dedupeKey: Type.String({ minLength: 1, maxLength: 300 }),
          date: Type.Optional(DateParam),
        }, { additionalProperties: false }),
        response: { 200: ClosedSchema, 409: ProblemRef, ...errorResponses },
      },
    }, async (request) => {
      const { collector, restricted } = collectorScope(request, undefined, `mark suggestions ${status}`);
      const asCollector = restricted ? await collectorIdOf(storage.db, collector!) : undefined;
      const date = closingDay(request.body.date);
      return closeSuggestion(storage.db, request.body.dedupeKey, status, { date, policy, asCollector });
    });
  }

  app.post('/v1/agenda/plan', {
    config: { roles: ['platform'], action: 'plan the agenda' },
    schema: {
      tags: ['agenda'],
      summary: 'Plan the whole portfolio: store suggestions as actions, cancel the ones no longer needed',
      description: 'Idempotent: running it twice plans nothing twice. The date is at most 31 days ahead, and not before the last day ' +
        'the portfolio was planned for (409: an earlier day would cancel what was planned since); without one, today or the day ' +
        'planned ahead for, whichever is later. Send `Prefer: respond-async` to get 202 and a job to poll.',
      headers: Type.Object({ prefer: Type.Optional(Type.String()) }),
      body: Type.Optional(Type.Object({ date: Type.Optional(DateParam) }, { additionalProperties: false })),
      response: {
        200: PlanResultSchema,
        202: QueuedJob,
        409: ProblemRef,
        503: ProblemRef,
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const asked = request.body?.date;
    const date = await planningDay(storage.db, asked === undefined ? undefined : planDay(asked));
    const jobId = await jobs.enqueue<AgendaPlanJobData>(AGENDA_PLAN_JOB, { date });
    if (/respond-async/i.test(request.headers.prefer ?? '')) {
      return sendQueued(reply, jobId);
    }
    const info = await jobs.waitFor(jobId);
    if (info.state !== 'completed') {
      throw AR_ERR.UNAVAILABLE([`The planning job ${jobId} ${info.state}: ${info.error?.message ?? 'no detail'}`]);
    }
    return { ...(info.result as object), jobId } as Static<typeof PlanResultSchema>;
  });
};

export default agendaRoutes;
