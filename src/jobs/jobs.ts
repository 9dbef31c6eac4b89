// The service's job front: work whose input lives on this machine (an uploaded
// file) runs on the local runner; everything else (rescoring, training, rule
// runs) goes to the shared runner, which is BullMQ when Redis is configured.
// The local runner's jobs are recorded in the database when one is given, so
// that every instance answers for them (records.ts).
import { InProcessRunner } from './in-process.js';
import { BullmqRunner } from './bullmq.js';
import { JobRecords, type JobRecordOptions } from './records.js';
import { startPeriodic, type Periodic } from './periodic.js';
import { DEFAULT_SCHEDULED_RUN_POLICY, latestScheduledRuns, recentScheduledRuns, type ScheduledRunPolicy, type ScheduledRunRow } from './scheduled-runs.js';
import { ScheduledRunClaims } from './firing-claims.js';
import type { EnqueueOptions, JobHandler, JobInfo, JobRunner } from './types.js';
import type { Db } from '../db/sql.js';
import { withStatementSignal } from '../db/statement-signal.js';
import { AR_ERR, isArError, type ProblemExtras } from '../errors.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';

const LOCAL_ID_PREFIX = 'local';
/** How often start-up steps deferred by a Redis outage are tried again. */
const DEFERRED_RETRY_MS = 3000;
/** How often the schedules a process set are looked for in Redis. */
const SCHEDULE_CHECK_MS = 5 * 60_000;
/** How often an instance looks for firings to claim again (failed, or their holder gone). */
const FIRING_SWEEP_MS = 30_000;

export interface JobsOptions {
  redisUrl: string | null;
  work: boolean;
  concurrency?: number;
  log?: Logger;
  /** Where the local runner's jobs are recorded; without it they are known to this process only. */
  db?: Db;
  records?: Pick<JobRecordOptions, 'heartbeatMs' | 'lostAfterMs'>;
  /** BullMQ only (tests use their own queues and a short timeout). */
  queueName?: string;
  callTimeoutMs?: number;
  /** How often the schedules are looked for in Redis (5 minutes; tests, less). */
  scheduleCheckMs?: number;
  /** How long a closing BullMQ worker waits for its jobs before it hands them back (20 s; tests, less). */
  handBackAfterMs?: number;
  /** Attempts, lease and back-off of schedules' firings claimed in the database, and how often they are swept (tests, less). */
  scheduledRuns?: Partial<ScheduledRunPolicy> & { sweepMs?: number };
}

export class Jobs {
  readonly local: InProcessRunner;
  readonly shared: JobRunner;
  readonly records: JobRecords | null;

  private readonly log: Logger;
  /** Start-up steps waiting for Redis (whenReachable). */
  private readonly deferred: { what: string; step: () => Promise<void> }[] = [];
  private retrying: NodeJS.Timeout | null = null;
  private running = false;
  private closing: Promise<void> | null = null;
  /** The schedules this process set, as it set them: what it sets again if Redis loses them. */
  private readonly schedules = new Map<string, { cron: string; type: string; data: unknown }>();
  private scheduleKeeper: Periodic | null = null;
  private readonly scheduleCheckMs: number;
  /** Claims of firings, for the in-process runner on a database (shared PostgreSQL, or the embedded PGlite). */
  private readonly firingClaims: ScheduledRunClaims | null;
  private readonly firingSweepMs: number;
  private firingSweep: Periodic | null = null;

  constructor(options: JobsOptions) {
    this.log = options.log ?? silentLogger;
    this.scheduleCheckMs = options.scheduleCheckMs ?? SCHEDULE_CHECK_MS;
    this.records = options.db
      ? new JobRecords(options.db, { ...options.records, log: this.log, onCancelRequested: (id) => void this.local.cancel(id) })
      : null;
    this.local = new InProcessRunner({ concurrency: 2, idPrefix: LOCAL_ID_PREFIX, observer: this.records ?? undefined });
    const { redisUrl, work, concurrency, queueName, callTimeoutMs, handBackAfterMs } = options;
    // Without Redis, instances sharing a PostgreSQL database each fire every schedule: one runs each firing.
    // The embedded PGlite claims them too, for the same retries of a failed firing (scheduled-runs.ts).
    const { sweepMs, ...policy } = options.scheduledRuns ?? {};
    this.firingSweepMs = sweepMs ?? FIRING_SWEEP_MS;
    this.firingClaims = !redisUrl && this.records && options.db
      ? new ScheduledRunClaims(options.db, this.records.instanceId, { ...DEFAULT_SCHEDULED_RUN_POLICY, ...policy }, this.log)
      : null;
    this.shared = redisUrl
      ? new BullmqRunner({ redisUrl, work, concurrency, log: this.log, queueName, callTimeoutMs, handBackAfterMs })
      : new InProcessRunner({ concurrency: concurrency ?? 1, firings: this.firingClaims ?? undefined });
  }

  /** The latest firings claimed in the database, newest first; null when firings are not claimed (Redis, or no database). */
  async scheduledRuns(limit: number): Promise<ScheduledRunRow[] | null> {
    return this.firingClaims ? recentScheduledRuns(this.firingClaims.db, limit, this.firingClaims.policy.maxAttempts) : null;
  }

  /** Each schedule's latest firing claimed in the database; null when firings are not claimed. */
  async latestScheduledRuns(): Promise<ScheduledRunRow[] | null> {
    return this.firingClaims ? latestScheduledRuns(this.firingClaims.db, this.firingClaims.policy.maxAttempts) : null;
  }

  get distributed(): boolean {
    return this.shared.kind === 'bullmq';
  }

  registerLocal<D, R>(type: string, handler: JobHandler<D, R>): void {
    this.local.register(type, this.logged(handler));
  }

  /** A shared job's statements in flight are cancelled on PostgreSQL when it is told to stop (statement-signal.ts). */
  register<D, R>(type: string, handler: JobHandler<D, R>): void {
    const logged = this.logged(handler);
    this.shared.register<D, R>(type, (ctx) => withStatementSignal(ctx.signal, () => logged(ctx)));
  }

  /** An AR_ERR failure is the caller's to read on the job; anything else is a bug to find in the logs, with its stack. */
  private logged<D, R>(handler: JobHandler<D, R>): JobHandler<D, R> {
    return async (ctx) => {
      try {
        return await handler(ctx);
      } catch (err) {
        if (!isArError(err) && !ctx.signal.aborted) this.log.error({ jobId: ctx.id, type: ctx.type, err }, 'job failed');
        throw err;
      }
    };
  }

  async start(): Promise<void> {
    const shared = this.shared;
    if (!(shared instanceof BullmqRunner)) return;
    await this.whenReachable('start the job workers', () => shared.start());
    this.scheduleKeeper ??= startPeriodic(async () => void (await this.restoreSchedules()), this.scheduleCheckMs,
      (err) => this.log.error({ err }, 'could not check the schedules in Redis; tried again later'));
  }

  /**
   * Sets this process's schedules again once Redis has lost them: restarted
   * without its data, it forgot them, and the nightly refresh and retraining
   * stopped until the next start. Lost is told by the queue's mark of its
   * schedules, not by a schedule missing: one another process removed (a new
   * start with NIGHTLY_CRON=off) stays removed. Left while Redis is down or
   * the start-up's own steps still wait for it.
   */
  async restoreSchedules(): Promise<string[]> {
    const shared = this.shared;
    if (!(shared instanceof BullmqRunner) || this.deferred.length > 0) return [];
    const restored: string[] = [];
    try {
      if (!(await shared.schedulesLost())) return [];
      for (const [id, { cron, type, data }] of this.schedules) {
        await shared.schedule(id, cron, type, data);
        restored.push(id);
      }
    } catch (err) {
      if (!isJobsUnavailable(err)) throw err;
    }
    if (restored.length > 0) this.log.warn({ schedules: restored }, 'schedules Redis had lost (restarted without its data?) set again');
    return restored;
  }

  /**
   * Runs a start-up step that needs Redis now or, while Redis cannot be
   * reached, once it can (retried every few seconds, in order): the API starts
   * through an outage and answers, its job paths with 503, rather than waiting
   * for Redis before it listens. The embedded runner runs it at once.
   */
  private async whenReachable(what: string, step: () => Promise<void>): Promise<void> {
    if (!(this.shared instanceof BullmqRunner)) return step();
    if (this.deferred.length === 0) {
      try {
        await this.shared.assertReachable();
        return await step();
      } catch (err) {
        if (!isJobsUnavailable(err)) throw err;
      }
    }
    this.deferred.push({ what, step });
    this.log.warn({ step: what }, 'the job queue (Redis) cannot be reached: done once it is back');
    this.retrying ??= setInterval(() => void this.runDeferred(), DEFERRED_RETRY_MS).unref();
  }

  private async runDeferred(): Promise<void> {
    if (this.running || !(this.shared instanceof BullmqRunner)) return;
    this.running = true;
    try {
      await this.shared.assertReachable();
      while (this.deferred.length > 0) {
        await this.deferred[0].step();
        this.log.info({ step: this.deferred.shift()!.what }, 'done now that the job queue (Redis) is back');
      }
      clearInterval(this.retrying!);
      this.retrying = null;
    } catch (err) {
      if (!isJobsUnavailable(err)) this.log.error({ err, step: this.deferred[0]?.what }, 'a start-up step of the job queue failed; tried again shortly');
    } finally {
      this.running = false;
    }
  }

  enqueueLocal<D>(type: string, data: D, options?: EnqueueOptions): Promise<string> {
    return this.local.enqueue(type, data, options);
  }

  enqueue<D>(type: string, data: D, options?: EnqueueOptions): Promise<string> {
    return this.shared.enqueue(type, data, options);
  }

  /**
   * Resolves when the shared queue could take a job now; AR_ERR_JOBS_UNAVAILABLE
   * while Redis is down. Checked before a change that a job must follow, so
   * that an outage refuses the change rather than leaving it without its job.
   */
  async assertReachable(): Promise<void> {
    if (this.shared instanceof BullmqRunner) await this.shared.assertReachable();
  }

  /** This process's own local jobs, then the records of other instances' local jobs and the shared runner's jobs. */
  async get(id: string): Promise<JobInfo | null> {
    const local = await this.local.get(id);
    if (local) return local;
    if (!this.records) return this.shared.get(id);
    if (this.madeLocally(id)) return (await this.records.get(id)) ?? this.shared.get(id);
    return (await this.shared.get(id)) ?? this.records.get(id);
  }

  /** A local job of another instance is cancelled by that instance, at its next heartbeat. */
  async cancel(id: string): Promise<boolean> {
    if (await this.local.cancel(id)) return true;
    if (!this.records) return this.shared.cancel(id);
    if (this.madeLocally(id)) return (await this.records.requestCancel(id)) || this.shared.cancel(id);
    return (await this.shared.cancel(id)) || this.records.requestCancel(id);
  }

  /**
   * An id the local runner made (on any instance): its record is looked up
   * first, so a poll of an import needs no Redis, and one of a refresh no query
   * of the database (on PGlite, that would wait behind a transaction).
   */
  private madeLocally(id: string): boolean {
    return id.startsWith(`${LOCAL_ID_PREFIX}-`);
  }

  /** Polls until the job has finished (tests, CLI, synchronous imports). */
  async waitFor(id: string, timeoutMs = 10 * 60_000): Promise<JobInfo> {
    const local = await this.local.wait(id);
    if (local) return local;
    const deadline = Date.now() + timeoutMs;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      const info = await this.get(id).catch((err: unknown) => {
        if (!isJobsUnavailable(err)) throw err;
        throw Object.assign(AR_ERR.JOB_STATE_UNAVAILABLE([id, id], { jobId: id }), { cause: err, retryable: false });
      });
      if (info && ['completed', 'failed', 'cancelled'].includes(info.state)) return info;
      if (Date.now() > deadline) throw new Error(`Job ${id} did not finish within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  schedule(schedulerId: string, cron: string, type: string, data: unknown): Promise<void> {
    this.schedules.set(schedulerId, { cron, type, data });
    this.sweepFirings();
    return this.whenReachable(`schedule ${schedulerId}`, () => this.shared.schedule(schedulerId, cron, type, data));
  }

  unschedule(schedulerId: string): Promise<void> {
    this.schedules.delete(schedulerId);
    return this.whenReachable(`unschedule ${schedulerId}`, () => this.shared.unschedule(schedulerId));
  }

  /** Stops the runners once, however many callers ask (the shutdown asks before the rest of the services close). */
  close(): Promise<void> {
    this.closing ??= this.closeRunners();
    return this.closing;
  }

  private async closeRunners(): Promise<void> {
    if (this.retrying) clearInterval(this.retrying);
    this.deferred.length = 0;
    await this.scheduleKeeper?.stop();
    await this.firingSweep?.stop();
    await this.local.close();
    await this.records?.close();
    await this.shared.close();
    this.firingClaims?.close();
  }

  /** Once a schedule is set, claims again now and then the firings of this process's schedules that failed or lost their instance. */
  private sweepFirings(): void {
    const claims = this.firingClaims;
    const shared = this.shared;
    if (!claims || !(shared instanceof InProcessRunner) || this.firingSweep || this.closing) return;
    this.firingSweep = startPeriodic(async () => void (await claims.sweep(shared)), this.firingSweepMs,
      (err) => this.log.error({ err }, 'could not look for scheduled runs to run again; looked again later'));
  }
}

export function isJobsUnavailable(err: unknown): boolean {
  return isArError(err) && err.code === 'AR_ERR_JOBS_UNAVAILABLE';
}

/**
 * A job a saved change sets off was not queued: the queue was lost after the
 * change was committed. The error says what stands and what to do instead of
 * sending the request again; any other error is returned as it is.
 */
export function notQueuedAfterChange(err: unknown, change: string, job: string, remedy: string, extras?: ProblemExtras): unknown {
  if (!isJobsUnavailable(err)) return err;
  const { extras: own } = err as { extras?: ProblemExtras };
  return Object.assign(AR_ERR.JOBS_UNAVAILABLE_AFTER_CHANGE([change, job, remedy], { ...own, ...extras }), { cause: err, retryable: false });
}
