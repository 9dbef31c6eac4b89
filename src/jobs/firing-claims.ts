// The in-process runner's claims of schedules' firings in the shared database
// (scheduled-runs.ts), with what an operator reads in the log: who took a
// firing, how an attempt ended, when it is tried again. A claim's lease is
// renewed while its job runs, so that only a holder that stopped (died, or hung)
// loses it; and a sweep claims again the firings that failed or lost their
// holder, on whichever instance looks first.
import type { Db } from '../db/sql.js';
import type { Logger } from '../ml/registry/types.js';
import type { FiringClaims, InProcessRunner } from './in-process.js';
import {
  attemptJobId,
  claimableScheduledRuns,
  claimScheduledRun,
  finishScheduledRun,
  renewScheduledRun,
  retryDelayMs,
  type AttemptOutcome,
  type ScheduledFiring,
  type ScheduledRunPolicy,
} from './scheduled-runs.js';

/** Named by its attempt's job: the one GET /v1/jobs/:id answers for. */
const firingFields = (f: ScheduledFiring) => ({ scheduler: f.schedulerId, scheduledAt: f.scheduledAt.toISOString(), jobId: attemptJobId(f) });

export class ScheduledRunClaims implements FiringClaims {
  /**
   * The attempt and lease timer of each firing this instance holds, by job id; `ending` once its job
   * ended, until its outcome is recorded: still held, so that this instance's sweep does not take it
   * over meanwhile (its lease may have lapsed while renewals waited), but renewed no more.
   */
  private readonly held = new Map<string, { attempt: number; renewing: NodeJS.Timeout; ending?: boolean }>();

  constructor(
    readonly db: Db,
    private readonly instanceId: string,
    readonly policy: ScheduledRunPolicy,
    private readonly log: Logger,
  ) {}

  /** A claim that fails fails the job: running unclaimed would run it on every instance. */
  async claim(firing: ScheduledFiring): Promise<{ attempt: number } | { skipped: Record<string, unknown> }> {
    const fields = firingFields(firing);
    let claim;
    try {
      claim = await claimScheduledRun(this.db, firing, this.instanceId, this.policy);
    } catch (err) {
      this.log.error({ ...fields, err }, 'could not claim a scheduled run in the database: not run here');
      throw err;
    }
    if ('takenBy' in claim) {
      const { takenBy, state, attempts } = claim;
      this.log.info({ ...fields, takenBy, state, attempts }, 'a scheduled run another instance took: not run here');
      return { skipped: { skipped: 'another instance runs this scheduled run', takenBy, state, attempts } };
    }
    const { attempt } = claim;
    if (attempt > 1) this.log.warn({ ...fields, attempt, of: this.policy.maxAttempts }, 'a scheduled run that failed or lost its instance: run again here');
    const renewing = setInterval(() => void this.renew(firing, attempt), Math.max(1, Math.floor(this.policy.leaseMs / 3)));
    renewing.unref();
    this.held.set(firing.jobId, { attempt, renewing });
    return { attempt };
  }

  private async renew(firing: ScheduledFiring, attempt: number): Promise<void> {
    try {
      if (await renewScheduledRun(this.db, firing, this.instanceId, attempt, this.policy.leaseMs)) return;
      // Finished while the renewal was in flight: the row is no longer running, and nobody took it.
      const held = this.held.get(firing.jobId);
      if (held?.attempt !== attempt || held.ending) return;
      // Its lease lapsed (the process was held) and another instance took the firing over: both run it, as a stalled BullMQ job is.
      this.log.warn({ ...firingFields(firing), attempt }, 'a scheduled run this instance runs was taken over by another: its lease had lapsed');
      this.release(firing);
    } catch (err) {
      this.log.warn({ ...firingFields(firing), err }, 'could not renew the lease of a scheduled run; tried again shortly');
    }
  }

  private release(firing: ScheduledFiring): void {
    const held = this.held.get(firing.jobId);
    if (!held) return;
    clearInterval(held.renewing);
    this.held.delete(firing.jobId);
  }

  /**
   * Records how this instance's attempt ended. Not when the attempt it holds now is a later one: its own
   * was taken over (renew), and this instance went on to claim a later attempt of the same firing while
   * the first still ran (concurrency above 1); that later attempt's outcome is its own job's to record.
   */
  async finished(firing: ScheduledFiring, outcome: AttemptOutcome): Promise<void> {
    const held = this.held.get(firing.jobId);
    if (!held || held.ending || held.attempt !== (firing.attempt ?? 1)) return;
    clearInterval(held.renewing);
    held.ending = true;
    try {
      await this.recordOutcome(firing, held.attempt, outcome);
    } finally {
      if (this.held.get(firing.jobId) === held) this.held.delete(firing.jobId);
    }
  }

  private async recordOutcome(firing: ScheduledFiring, attempt: number, outcome: AttemptOutcome): Promise<void> {
    const fields = { ...firingFields(firing), attempt, of: this.policy.maxAttempts, state: outcome.state };
    const retryInMs = retryDelayMs(attempt, outcome, this.policy);
    try {
      const recorded = await this.record(firing, attempt, outcome, retryInMs);
      if (!recorded) this.log.warn(fields, 'a scheduled run ended after another instance took it over: its outcome is the other\'s');
      else if (outcome.state !== 'failed') this.log.info(fields, `a scheduled run ${outcome.state}`);
      else if (recorded.retryAt) this.log.warn({ ...fields, error: outcome.error, retryAt: recorded.retryAt }, 'a scheduled run failed: tried again by any instance from retryAt');
      else this.log.error({ ...fields, error: outcome.error }, 'a scheduled run failed at its last attempt: not run again');
    } catch (err) {
      // Left running, the lease lapses within leaseMs and the firing is taken over: nothing is lost but time.
      this.log.error({ ...fields, err }, 'could not record how a scheduled run ended');
    }
  }

  /**
   * finishScheduledRun, tried again twice: a blip of the database as a
   * completed firing was recorded left it `running`, and another instance ran
   * it again once its lease lapsed. The tries end within half a lease of the
   * last renewal's third, before the lease can lapse.
   */
  private async record(firing: ScheduledFiring, attempt: number, outcome: AttemptOutcome, retryInMs: number | null) {
    const waits = [0, this.policy.leaseMs / 6, this.policy.leaseMs / 3];
    for (let i = 0; ; i++) {
      await new Promise((resolve) => setTimeout(resolve, waits[i]));
      try {
        return await finishScheduledRun(this.db, firing, this.instanceId, attempt, outcome, retryInMs);
      } catch (err) {
        if (i === waits.length - 1) throw err;
        this.log.warn({ ...firingFields(firing), attempt, err }, 'could not record how a scheduled run ended; trying again');
      }
    }
  }

  /**
   * Queues on `runner` the firings of its schedules that may be claimed again; the claim at their start decides who runs them.
   * Not one this instance runs: its lease lapses when its renewals wait (on PGlite, behind the job's own
   * transaction), and taking it over from itself would run it twice in one process.
   */
  async sweep(runner: InProcessRunner): Promise<number> {
    const due = (await claimableScheduledRuns(this.db, runner.scheduledIds(), this.policy.maxAttempts)).filter((f) => !this.held.has(f.jobId));
    for (const firing of due) await runner.refire(firing);
    return due.length;
  }

  /** Stops renewing: a closing runner records its jobs' outcomes first. */
  close(): void {
    for (const { renewing } of this.held.values()) clearInterval(renewing);
    this.held.clear();
  }
}
