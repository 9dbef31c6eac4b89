// The planning run: load facts, plan, materialise into `actions`. As a job
// ('agenda.plan') for the whole portfolio: nightly after rescoring, after an
// import, or on demand (POST /v1/agenda/plan). Idempotent, so retries are safe.
import type { Db } from '../db/sql.js';
import { advanceServiceState } from '../db/service-state.js';
import type { JobHandler } from '../jobs/types.js';
import { AR_ERR } from '../errors.js';
import { isIsoDate, todayIso } from './dates.js';
import { loadPlanningFacts, type PlanningScope } from './facts.js';
import { materialiseSuggestions, type MaterialiseResult } from './materialise.js';
import { planAgenda } from './plan.js';
import type { AgendaPolicy } from './policy.js';
import { discardStagedPlan, stagePlan, startPlanRun, storePlan } from './stored-plan.js';
import type { IsoDate, PlanningFacts, Suggestion, SuggestionKind } from './types.js';

export const AGENDA_PLAN_JOB = 'agenda.plan';

export interface AgendaPlanJobData {
  /** Planning date, YYYY-MM-DD; when absent, today (UTC) or the later day planned ahead for. */
  date?: IsoDate;
}

export interface AgendaPlanResult extends MaterialiseResult {
  date: IsoDate;
  suggestions: number;
  /** Automatic scenario steps due: shown on agendas, sent by the platform, not stored. */
  automatic: number;
  byKind: Partial<Record<SuggestionKind, number>>;
}

// The last day the whole portfolio was planned for (service_state): planning
// an earlier day finds none of its suggestions and cancels what was planned.
const LAST_PLANNED_KEY = 'agenda-last-planned';

async function lastPlannedDay(db: Db): Promise<IsoDate | null> {
  const [row] = await db.query<{ value: { date: IsoDate } }>('SELECT value FROM service_state WHERE key = $1', [LAST_PLANNED_KEY]);
  return row?.value.date ?? null;
}

/**
 * The day to plan the portfolio for. One asked for is refused (409) before
 * the last day planned; with none, today or the day the portfolio was
 * planned ahead for, whichever is later (nightly, after an import).
 */
export async function planningDay(db: Db, asked?: IsoDate, today: IsoDate = todayIso()): Promise<IsoDate> {
  const last = await lastPlannedDay(db);
  if (asked === undefined) return last !== null && last > today ? last : today;
  if (last !== null && asked < last) {
    throw AR_ERR.CONFLICT([`The agenda was last planned for ${last}: planning ${asked}, an earlier day, would cancel the actions planned since; plan ${last} or later`]);
  }
  return asked;
}

/**
 * Customers a portfolio run plans at a time. Memory holds one chunk's facts
 * and suggestions (the whole portfolio at once peaked at 2.5 GB at 100,000
 * customers, over the 1 GiB the service keeps for its bulk jobs), while each
 * chunk costs its own dozen range-scoped queries, a materialising transaction
 * and a COPY: 5,000 is a twentieth of 100,000 customers, so those round trips
 * stay a small part of the run.
 */
export const PLAN_CHUNK_CUSTOMERS = 5000;

const MIN_ID = -2147483648;
const MAX_ID = 2147483647;

export interface PlanOptions {
  date: IsoDate;
  scope: PlanningScope;
  policy: AgendaPolicy;
  /** Customers a portfolio run plans at a time (PLAN_CHUNK_CUSTOMERS). */
  chunkCustomers?: number;
}

type Planned = Omit<AgendaPlanResult, 'date'>;

/** Loads, plans and materialises `scope`; `stage` sees its suggestions and facts before they are dropped. */
async function planScope(
  db: Db, options: { date: IsoDate; policy: AgendaPolicy }, scope: PlanningScope,
  stage?: (suggestions: Suggestion[], facts: PlanningFacts) => Promise<void>,
): Promise<Planned> {
  const facts = await loadPlanningFacts(db, { asOf: options.date, scope, policy: options.policy });
  const suggestions = planAgenda(facts, options.policy);
  const written = await materialiseSuggestions(db, suggestions, scope);
  await stage?.(suggestions, facts);
  const byKind: Partial<Record<SuggestionKind, number>> = {};
  for (const s of suggestions) if (s.task) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
  return { suggestions: suggestions.length, automatic: suggestions.filter((s) => !s.task).length, byKind, ...written };
}

function add(a: Planned, b: Planned): Planned {
  const byKind = { ...a.byKind };
  for (const [kind, n] of Object.entries(b.byKind) as [SuggestionKind, number][]) byKind[kind] = (byKind[kind] ?? 0) + n;
  return {
    suggestions: a.suggestions + b.suggestions, automatic: a.automatic + b.automatic, byKind,
    tasks: a.tasks + b.tasks, inserted: a.inserted + b.inserted, updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged, cancelled: a.cancelled + b.cancelled,
  };
}

/**
 * The portfolio, a chunk of customers at a time by id: ranges that tile every
 * id, so that each chunk's cancelling covers whatever customer its range
 * holds (one with nothing to suggest any more too), as the portfolio's covered
 * every customer. Everything the planner computes over more than one customer
 * is per customer (insolvency, closures, overruns) or read whole by each chunk
 * (rates, scenarios), so a chunk plans its customers as the whole run would.
 * Each chunk's items are staged; the stored plan is swapped in at the end.
 */
async function planPortfolio(db: Db, options: PlanOptions): Promise<Planned> {
  const size = options.chunkCustomers ?? PLAN_CHUNK_CUSTOMERS;
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunkCustomers must be a whole number from 1, got ${size}`);
  // Before any fact is read: what committed after it may be missing from the plan.
  const run = await startPlanRun(db);
  // From the first chunk written, the day's actions are in the table: a run for an earlier day would cancel them
  // (planningDay), after this one failed part way too.
  await advanceServiceState(db, LAST_PLANNED_KEY, 'date', options.date, 'date');
  let total: Planned = { suggestions: 0, automatic: 0, byKind: {}, tasks: 0, inserted: 0, updated: 0, unchanged: 0, cancelled: 0 };
  try {
    for (let from = MIN_ID; ; ) {
      const [last] = await db.query<{ id: number }>('SELECT id FROM customers WHERE id >= $1 ORDER BY id OFFSET $2 LIMIT 1', [from, size - 1]);
      const to = last ? last.id : MAX_ID;
      const chunk = await planScope(db, options, { kind: 'range', from, to }, (suggestions, facts) => stagePlan(db, run, suggestions, facts));
      total = add(total, chunk);
      if (to === MAX_ID) break;
      from = to + 1;
    }
    // The agenda reads a page of it while nothing it read has changed (stored-plan.ts).
    await storePlan(db, { ...run, date: options.date, policy: options.policy });
  } catch (e) {
    await discardStagedPlan(db, run).catch(() => undefined);
    throw e;
  }
  return total;
}

export async function planAndMaterialise(db: Db, options: PlanOptions): Promise<AgendaPlanResult> {
  const planned = options.scope.kind === 'portfolio' ? await planPortfolio(db, options) : await planScope(db, options, options.scope);
  return { date: options.date, ...planned };
}

export function makeAgendaPlanHandler(db: Db, policy: AgendaPolicy): JobHandler<AgendaPlanJobData, AgendaPlanResult> {
  return async (ctx) => {
    const asked = ctx.data?.date;
    if (asked !== undefined && !isIsoDate(asked)) throw AR_ERR.VALIDATION([`date must be a calendar day as YYYY-MM-DD, got ${JSON.stringify(asked)}`]);
    const date = await planningDay(db, asked);
    await ctx.progress(0, `planning the agenda as of ${date}`);
    const result = await planAndMaterialise(db, { date, scope: { kind: 'portfolio' }, policy });
    await ctx.progress(1, `${result.inserted} planned, ${result.updated} updated, ${result.cancelled} cancelled`);
    return result;
  };
}
