// The chain that keeps everything a collector sees up to date, nightly and
// after imports: triage new inbound emails, rescore (model outputs →
// computed fields), then run the
// assignment rules (which read those fields), then plan the agenda (which
// reads both). Each step is its own idempotent function; this job runs them in
// order so a rule never reads yesterday's scores.
import { silentLogger, type Logger } from '../ml/registry/types.js';
import type { Db, Queryable } from '../db/sql.js';
import type { JobContext, JobHandler, JobRunner } from '../jobs/types.js';
import { withAdvisoryLock } from '../db/advisory-lock.js';
import type { ModelServer } from '../ml/registry/index.js';
import type { RescoreResult } from '../scoring/rescore.js';
import type { ModelMonitor } from '../ml/monitoring/monitor.js';
import { rescoreWatchingInputs, type InputDriftSummary } from './input-drift.js';
import { today } from '../scoring/catalogue.js';
import { runForJob, type RunSummary, type Trigger } from '../assign/runs.js';
import { executeRetryingConflicts } from '../assign/retry.js';
import { planAndMaterialise, planningDay, type AgendaPlanResult, type AgendaPolicy } from '../agenda/index.js';
import { servedForRescore, tryServed } from './served.js';
import { databaseMoment, recordCompletedRefresh, recordQueuedRefresh, refreshCovering } from './refresh-requests.js';
import { triageNewMessages, type TriageResult } from '../inbound/triage.js';
import { INBOUND_MODEL } from '../inbound/catalogue.js';
import type { Predictor } from '../ml/model.js';
import type { InboundRequest, InboundTriage } from '../ml/inbound/index.js';

export const REFRESH_JOB = 'pipeline.refresh';
export const NIGHTLY_REFRESH_SCHEDULER = 'nightly-refresh';

/**
 * Entities that change no score: collectors, scenarios and groups are read as
 * they are. Exchange rates do move something: the valued balances rules read
 * (reportingOpenAmount), so they set off a refresh like data.
 */
const REFERENCE_ENTITIES = new Set(['collectors', 'dunning-scenarios', 'customer-groups']);

/** Whether an import of this entity sets off a refresh (when it changes rows). */
export const importRefreshes = (entity: string): boolean => !REFERENCE_ENTITIES.has(entity);

export interface RefreshJobData {
  /** What set it off, for the audit of the assignment run. */
  trigger?: 'nightly' | 'import' | 'manual';
  asOf?: string;
  /** When an import asked for it (database clock): a refresh started since covers it. */
  requestedAt?: string;
}

export type RefreshResult =
  | { inbound: TriageResult | null; scoring: RescoreResult; inputDrift: InputDriftSummary[]; assignment: (RunSummary & { runId: number }) | null; agenda: AgendaPlanResult }
  /** Asked for before another refresh started, which read its data and completed. */
  | { coveredBy: string };

/** The assignment run a refresh makes records what set the refresh off. */
const RUN_TRIGGER: Record<NonNullable<RefreshJobData['trigger']>, Trigger> = {
  nightly: 'nightly',
  import: 'customer_change',
  manual: 'manual',
};

/**
 * Rescoring replaces each slice's fields (delete, then COPY): two refreshes at
 * once collide on computed_fields_pkey, and their rule runs and agendas would
 * interleave. A second refresh waits for the first, then runs: skipping it
 * would lose data that landed after the first had read it. One that only
 * needed what the first read is skipped by the coverage check, made once the
 * lock is held.
 */
const REFRESH_LOCK = REFRESH_JOB;

/** With a monitor, each rescoring's inputs of every served model are checked for drift (input-drift.ts). */
export function makeRefreshHandler(db: Db, server: ModelServer, policy: AgendaPolicy, monitor?: ModelMonitor): JobHandler<RefreshJobData, RefreshResult> {
  return (ctx) => withAdvisoryLock(db, REFRESH_LOCK, () => refreshOnce(db, server, policy, monitor, ctx), { signal: ctx.signal });
}

async function refreshOnce(db: Db, server: ModelServer, policy: AgendaPolicy, monitor: ModelMonitor | undefined, ctx: JobContext<RefreshJobData>): Promise<RefreshResult> {
  const asOf = ctx.data.asOf ?? today();
  const coveredBy = ctx.data.requestedAt ? await refreshCovering(db, ctx.data.requestedAt) : null;
  if (coveredBy) return { coveredBy };
  const started = await databaseMoment(db);
  await server.refresh();
  const triage = tryServed<Predictor<InboundRequest, InboundTriage>>(server, INBOUND_MODEL);
  const inbound = triage ? await triageNewMessages(db, triage) : null;
  const { scoring, inputDrift } = await rescoreWatchingInputs(db, servedForRescore(server), monitor, {
    asOf,
    signal: ctx.signal,
    onProgress: (f, m) => ctx.progress(0.6 * f, m),
  });
  // Stopped by a lock or a write landing while it applies, the run is retried here, not at the next refresh.
  const runId = await runForJob(db, ctx.id, { trigger: RUN_TRIGGER[ctx.data.trigger ?? 'nightly'], scope: {} });
  const assignment = await executeRetryingConflicts(db, runId, { jobId: ctx.id, signal: ctx.signal, progress: (f, m) => ctx.progress(0.6 + 0.3 * f, m) });
  await ctx.progress(0.9, 'planning the agenda');
  // Planned ahead (POST /v1/agenda/plan with a later day): that day again, or today would cancel its actions.
  const agenda = await planAndMaterialise(db, { date: await planningDay(db, undefined, asOf), scope: { kind: 'portfolio' }, policy });
  await recordCompletedRefresh(db, started);
  return { inbound, scoring, inputDrift, assignment, agenda };
}

/**
 * Queues a refresh of everything committed by now: any refresh that starts
 * after this moment and completes answers it (refresh-requests.ts), so asking
 * again costs at most one more run.
 */
export async function requestRefresh(
  db: Queryable,
  jobs: Pick<JobRunner, 'enqueue'>,
  trigger: 'import' | 'manual',
  log: Logger = silentLogger,
): Promise<string> {
  const requested = await databaseMoment(db);
  const jobId = await jobs.enqueue(REFRESH_JOB, { trigger, requestedAt: requested.at } satisfies RefreshJobData);
  // Only spares the sweep a refresh of its own: unrecorded, it costs one more
  // run, so the refresh queued stands and the request succeeds.
  await recordQueuedRefresh(db, requested, jobId).catch((err: unknown) =>
    log.warn({ err, jobId }, 'the refresh was queued but not recorded: the refresh sweep may queue one more'));
  return jobId;
}

/**
 * The nightly refresh on `cron`; with none (NIGHTLY_CRON=off) the schedule is
 * removed: BullMQ keeps it in Redis across restarts, and an earlier start's
 * would still fire.
 */
export function scheduleNightlyRefresh(jobs: Pick<JobRunner, 'schedule' | 'unschedule'>, cron: string | null): Promise<void> {
  if (cron === null) return jobs.unschedule(NIGHTLY_REFRESH_SCHEDULER);
  return jobs.schedule(NIGHTLY_REFRESH_SCHEDULER, cron, REFRESH_JOB, { trigger: 'nightly' } satisfies RefreshJobData);
}
