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
import { planMoment, storePlan } from './stored-plan.js';
import type { IsoDate, SuggestionKind } from './types.js';

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

export async function planAndMaterialise(
  db: Db,
  options: { date: IsoDate; scope: PlanningScope; policy: AgendaPolicy },
): Promise<AgendaPlanResult> {
  const portfolio = options.scope.kind === 'portfolio';
  // Before any fact is read: what committed after it may be missing from the plan.
  const moment = portfolio ? await planMoment(db) : null;
  const facts = await loadPlanningFacts(db, { asOf: options.date, scope: options.scope, policy: options.policy });
  const suggestions = planAgenda(facts, options.policy);
  const written = await materialiseSuggestions(db, suggestions, options.scope);
  if (moment) {
    await advanceServiceState(db, LAST_PLANNED_KEY, 'date', options.date, 'date');
    // The agenda reads a page of it while nothing it read has changed (stored-plan.ts).
    await storePlan(db, { date: options.date, moment, policy: options.policy, suggestions, facts });
  }
  const byKind: Partial<Record<SuggestionKind, number>> = {};
  for (const s of suggestions) if (s.task) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
  return {
    date: options.date,
    suggestions: suggestions.length,
    automatic: suggestions.filter((s) => !s.task).length,
    byKind,
    ...written,
  };
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
