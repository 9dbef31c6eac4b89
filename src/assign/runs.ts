// Runs: a plan applied in one transaction, recorded change by change. The plan
// is computed again inside the apply transaction (under an advisory lock, so
// two runs never interleave) by the same code as the preview; a caller who
// approved a preview passes its planHash and the run refuses to apply anything
// else (AR_ERR_PLAN_CHANGED) if data or rules moved in between.
import { AR_ERR, isArError } from '../errors.js';
import { isoSql, type Db, type Queryable } from '../db/sql.js';
import { changeCounts, planWithFacts, type ConflictReport, type HeldChange, type PlannedChange, type PlanSummary } from './plan.js';
import { quotedValues, reasonsJson } from './plan-report.js';
import { SqlMatcher } from './match.js';
import { changeKey, recordStaged, stageChanges, writeChanges, writeMemberships, type AlreadyJoined } from './write.js';
import { UNDO_NO_RULE, type Scope } from './state.js';
import { becauseOf } from './describe.js';
import { lockApplies, runLockKey } from './apply-lock.js';

/** `manual`: a refresh someone asked for (the demo's first start, an operator), not the nightly schedule. */
export type Trigger = 'api' | 'nightly' | 'manual' | 'rule_change' | 'customer_change' | 'undo';

export interface RunRequest {
  trigger: Trigger;
  scope?: Scope;
  expectPlanHash?: string | null;
  requestedBy?: string | null;
}

/** Kept with the run: the plan summary, and the first held changes and conflicts. */
export interface RunSummary extends Partial<PlanSummary> {
  conflictReport?: ConflictReport[];
  heldSample?: HeldChange[];
  /** Joins planned that an import of group members made while the run applied: neither written nor audited by the run. */
  alreadyJoined?: number;
  restored?: number;
  notRestored?: { externalId: string; field: string; why: string }[];
}

export interface RunRecord {
  id: number;
  kind: 'apply' | 'undo';
  trigger: Trigger;
  scope: Scope;
  status: 'queued' | 'running' | 'applied' | 'failed' | 'undone';
  jobId: string | null;
  planHash: string | null;
  expectedPlanHash: string | null;
  summary: RunSummary;
  error: { code: string; message: string } | null;
  undoesRunId: number | null;
  undoneByRunId: number | null;
  requestedBy: string | null;
  /** 1; 2, 3 for the retries of a run that stopped on a conflict (retry.ts). */
  attempt: number;
  retryOfRunId: number | null;
  /** The run that retried this one, when it stopped on a conflict. */
  retriedByRunId: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const SAMPLE = 200;
const SELECT = `SELECT id, kind, trigger, scope, status, job_id AS "jobId", plan_hash AS "planHash",
  expected_plan_hash AS "expectedPlanHash", summary, error, undoes_run_id AS "undoesRunId",
  undone_by_run_id AS "undoneByRunId", requested_by AS "requestedBy", attempt, retry_of_run_id AS "retryOfRunId",
  (SELECT r.id FROM assignment_runs r WHERE r.retry_of_run_id = assignment_runs.id) AS "retriedByRunId",
  ${isoSql('created_at')} AS "createdAt", ${isoSql('started_at')} AS "startedAt", ${isoSql('finished_at')} AS "finishedAt" FROM assignment_runs`;

export async function createRun(q: Queryable, req: RunRequest, kind: 'apply' | 'undo' = 'apply'): Promise<number> {
  const [{ id }] = await q.query<{ id: number }>(
    `INSERT INTO assignment_runs (kind, trigger, scope, expected_plan_hash, requested_by) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING id`,
    [kind, req.trigger, JSON.stringify(req.scope ?? {}), req.expectPlanHash ?? null, req.requestedBy ?? null],
  );
  return id;
}

export async function setRunJob(q: Queryable, runId: number, jobId: string): Promise<void> {
  await q.query('UPDATE assignment_runs SET job_id = $2 WHERE id = $1', [runId, jobId]);
}

/**
 * The run a job's attempt executes. An attempt whose worker died (BullMQ
 * retries the job as stalled) left its run queued or running, and nothing
 * would ever finish it: the retry takes that run over instead of starting
 * another. One that died after its run applied (a refresh stopped while it
 * planned the agenda, or before BullMQ marked it completed) is answered with
 * that run: another would run the rules again, and the refresh would name a
 * run that changed nothing instead of the one that did. A failed run is not
 * reopened: the retry starts a new one.
 */
export async function runForJob(db: Db, jobId: string, req: RunRequest): Promise<number> {
  return db.transaction(async (tx) => {
    // Two attempts at once (a worker that lost its BullMQ lock) take over one run, not one each.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assignment-run-of-job:${jobId}`]);
    const [left] = await tx.query<{ id: number }>(
      `SELECT id FROM assignment_runs WHERE job_id = $1 AND status <> 'failed' ORDER BY id DESC LIMIT 1`,
      [jobId],
    );
    if (left) return left.id;
    const id = await createRun(tx, req);
    await setRunJob(tx, id, jobId);
    return id;
  });
}

export async function getRun(q: Queryable, id: number): Promise<RunRecord> {
  const [run] = await q.query<RunRecord>(`${SELECT} WHERE id = $1`, [id]);
  if (!run) throw AR_ERR.NOT_FOUND(['Run', String(id)]);
  return run;
}

export async function listRuns(q: Queryable, limit: number): Promise<RunRecord[]> {
  return q.query<RunRecord>(`${SELECT} ORDER BY id DESC LIMIT $1`, [limit]);
}

export interface ExecuteOptions {
  now?: Date;
  progress?: (fraction: number, message: string) => Promise<void>;
}

/** Plans and applies a queued run. Idempotent: a run already applied returns its summary. */
export async function executeRun(db: Db, runId: number, options: ExecuteOptions = {}): Promise<RunSummary> {
  const run = await getRun(db, runId);
  if (run.status === 'applied' || run.status === 'undone') return run.summary;
  const now = options.now ?? new Date();
  // started_at is the run's clock: its changes are dated from it. Outside the
  // apply transaction, so the run shows as running while it plans.
  await db.query(`UPDATE assignment_runs SET status = 'running', started_at = $2, error = NULL WHERE id = $1 AND status NOT IN ('applied', 'undone')`, [runId, now]);
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [runLockKey(runId)]);
      await lockApplies(tx);
      // Another attempt at the same run may have applied it while this one waited for the lock.
      const [current] = await tx.query<{ status: RunRecord['status']; summary: RunSummary }>('SELECT status, summary FROM assignment_runs WHERE id = $1', [runId]);
      if (current.status === 'applied' || current.status === 'undone') return current.summary;
      const { plan, matcher } = await planWithFacts(tx, { scope: run.scope, now, progress: options.progress });
      if (run.expectedPlanHash && run.expectedPlanHash !== plan.hash) {
        throw AR_ERR.PLAN_CHANGED([`${plan.summary.changes} changes now`], { planHash: plan.hash, sentences: plan.summary.sentences });
      }
      await options.progress?.(0.9, `applying ${plan.changes.length} changes`);
      const reasons = reasonsJson(plan.rules);
      // In memory (a few customers) the facts are at hand; for a portfolio SQL quotes them.
      const inSql = matcher instanceof SqlMatcher;
      const valuesOf = inSql ? null : await quotedValues(plan.rules, matcher, plan.changes);
      await stageChanges(tx, plan.changes.map((c) => ({
        customerId: c.customerId, field: c.field, old: c.old, new: c.new, ruleId: c.ruleId,
        ruleName: plan.rules.byId.get(c.ruleId)!.name, reasons: reasons(c, valuesOf?.(c)),
      })));
      const alreadyJoined = await writeChanges(tx, now);
      // With no rule the facts snapshot is never taken: nothing to quote.
      await recordStaged(tx, runId, now, inSql && plan.rules.rules.length > 0 ? matcher.valuesSql(plan.rules.rules) : undefined);
      await writeMemberships(tx, runId, plan.memberships, plan.previousMemberships, now);
      const summary: RunSummary = {
        ...plan.summary, ...writtenCounts(plan.changes, alreadyJoined), conflictReport: plan.conflicts.slice(0, SAMPLE), heldSample: plan.held.slice(0, SAMPLE),
      };
      await tx.query(
        // clock_timestamp(): now() is when the transaction began, before the planning.
        `UPDATE assignment_runs SET status = 'applied', plan_hash = $2, summary = $3::jsonb, finished_at = clock_timestamp() WHERE id = $1`,
        [runId, plan.hash, JSON.stringify(summary)],
      );
      return summary;
    });
  } catch (err) {
    await failRun(db, runId, err);
    throw err;
  }
}

/** The summary's counts of what the run wrote: the changes planned but the joins an import made meanwhile, which are counted apart. */
function writtenCounts(changes: readonly PlannedChange[], alreadyJoined: readonly AlreadyJoined[]): Partial<RunSummary> {
  if (alreadyJoined.length === 0) return {};
  const joined = new Set(alreadyJoined.map(changeKey));
  return { ...changeCounts(changes.filter((c) => !joined.has(changeKey(c)))), alreadyJoined: alreadyJoined.length };
}

/** Records why a run failed, or never started; a run another attempt applied meanwhile stays applied. */
export async function failRun(q: Queryable, runId: number, err: unknown): Promise<void> {
  const error = isArError(err) ? { code: err.code, message: err.message, ...(err.extras ?? {}) } : { code: 'AR_ERR_JOB_FAILED', message: String((err as Error)?.message ?? err) };
  await q.query(
    `UPDATE assignment_runs SET status = 'failed', error = $2::jsonb, finished_at = clock_timestamp() WHERE id = $1 AND status NOT IN ('applied', 'undone')`,
    [runId, JSON.stringify(error)],
  );
}

export interface ChangePage {
  total: number;
  items: {
    externalId: string; field: string; old: unknown; new: unknown; ruleId: number | null; ruleName: string | null;
    because: string; values: Record<string, unknown>; overruled?: unknown[]; undoneByRunId: number | null;
    /** Set on an undo's changes (which name no rule): the run it undid. */
    undoesRunId: number | null;
  }[];
}

/** The audit rows of one run, a page at a time. */
export async function runChanges(q: Queryable, runId: number, page: { limit: number; offset: number; field?: string }): Promise<ChangePage> {
  const rows = await q.query<ChangePage['items'][number] & { total: number; reasons: Parameters<typeof becauseOf>[0] & { overruled?: unknown[] } }>(
    `SELECT c.external_id AS "externalId", ch.field, ch.old_value AS old, ch.new_value AS new, ${UNDO_NO_RULE('ch.rule_id')} AS "ruleId",
       ${UNDO_NO_RULE('ch.rule_name')} AS "ruleName", ch.reasons, ch.undone_by_run_id AS "undoneByRunId", run.undoes_run_id AS "undoesRunId",
       count(*) OVER ()::int AS total
     FROM assignment_changes ch JOIN customers c ON c.id = ch.customer_id JOIN assignment_runs run ON run.id = ch.run_id
     WHERE ch.run_id = $1 AND ($2::text IS NULL OR ch.field = $2)
     ORDER BY ch.customer_id, ch.field LIMIT $3 OFFSET $4`,
    [runId, page.field ?? null, page.limit, page.offset],
  );
  let total = rows[0]?.total;
  if (total === undefined) {
    [{ total }] = await q.query<{ total: number }>(
      'SELECT count(*)::int AS total FROM assignment_changes WHERE run_id = $1 AND ($2::text IS NULL OR field = $2)',
      [runId, page.field ?? null],
    );
  }
  return {
    total,
    items: rows.map(({ total: _t, reasons, ...r }) => ({
      ...r,
      old: r.old ?? null,
      new: r.new ?? null,
      because: becauseOf(reasons),
      values: reasons.values ?? {},
      ...(reasons.overruled ? { overruled: reasons.overruled } : {}),
    })),
  };
}
