// Jobs run inside this process: the embedded default, and the runner for work
// whose input lives on this machine (an uploaded file being imported).
import crypto from 'node:crypto';
import { turnGiver } from '../util/turns.js';
import parser from 'cron-parser';
import { AR_ERR } from '../errors.js';

const MAX_TIMER_MS = 2 ** 31 - 1;
import {
  JobCancelledError,
  serializeError,
  type EnqueueOptions,
  type JobHandler,
  type JobInfo,
  type JobObserver,
  type JobRunner,
} from './types.js';
import { attemptJobId, type AttemptOutcome, type ScheduledFiring } from './scheduled-runs.js';

interface Entry {
  info: JobInfo;
  data: unknown;
  /** The firing of a schedule this job is. */
  firing?: ScheduledFiring;
  controller: AbortController;
  done: Promise<void>;
  resolveDone: () => void;
}

// Finished jobs are kept this long for pollers, then forgotten.
const KEEP_FINISHED_MS = 24 * 3600 * 1000;

export interface InProcessOptions {
  concurrency?: number;
  idPrefix?: string;
  observer?: JobObserver;
  /** Claims of schedules' firings, for instances that share a database and each fire every schedule. */
  firings?: FiringClaims;
}

export interface FiringClaims {
  /** Asked as a firing's job starts: the attempt to run here, else what the job completes with instead. */
  claim(firing: ScheduledFiring): Promise<{ attempt: number } | { skipped: Record<string, unknown> }>;
  /** Told how a firing this process claimed ended, before the job is seen finished. Does not throw. */
  finished(firing: ScheduledFiring, outcome: AttemptOutcome): Promise<void>;
}

export class InProcessRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private handlers = new Map<string, JobHandler>();
  private jobs = new Map<string, Entry>();
  private queue: string[] = [];
  private running = 0;
  private timers = new Set<NodeJS.Timeout>();
  /** Each schedule's job (what its timer and a firing claimed again run) and pending timer, by scheduler id. */
  private schedules = new Map<string, { type: string; data: unknown; timer: NodeJS.Timeout | null }>();
  private closed = false;

  constructor(private readonly options: InProcessOptions = {}) {}

  register<D, R>(type: string, handler: JobHandler<D, R>): void {
    this.handlers.set(type, handler as JobHandler);
  }

  enqueue<D>(type: string, data: D, options: EnqueueOptions = {}): Promise<string> {
    return this.add(type, data, options);
  }

  private async add(type: string, data: unknown, options: EnqueueOptions, firing?: ScheduledFiring): Promise<string> {
    if (!this.handlers.has(type)) throw AR_ERR.UNKNOWN_JOB_TYPE([type]);
    const id = options.jobId ?? `${this.options.idPrefix ?? 'job'}-${crypto.randomUUID()}`;
    const running = () => {
      const existing = this.jobs.get(id);
      return existing !== undefined && (existing.info.state === 'waiting' || existing.info.state === 'active');
    };
    if (running()) return id;
    const info: JobInfo = {
      id, type, state: 'waiting', progress: 0, message: null, result: null, error: null, attempts: 0,
      createdAt: new Date().toISOString(), startedAt: null, finishedAt: null,
    };
    if (this.options.observer) {
      await this.options.observer.enqueued(info);
      if (running()) return id;
    }
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    this.jobs.set(id, {
      info,
      data,
      firing,
      controller: new AbortController(),
      done,
      resolveDone,
    });
    if (this.closed) {
      // Shutting down: the job is kept, cancelled, rather than run against storage being closed.
      this.finish(this.jobs.get(id)!, 'cancelled', null, serializeError(new JobCancelledError('shutdown')));
      return id;
    }
    this.queue.push(id);
    // Next turn, not next microtask: whoever enqueued (an import answering its caller) gets to finish first.
    setImmediate(() => this.pump());
    return id;
  }

  async get(id: string): Promise<JobInfo | null> {
    const e = this.jobs.get(id);
    return e ? { ...e.info } : null;
  }

  /** Resolves when the job has finished, whatever its outcome. */
  async wait(id: string): Promise<JobInfo | null> {
    const e = this.jobs.get(id);
    if (!e) return null;
    await e.done;
    return { ...e.info };
  }

  async cancel(id: string): Promise<boolean> {
    const e = this.jobs.get(id);
    if (!e) return false;
    if (e.info.state === 'waiting') {
      this.queue = this.queue.filter((q) => q !== id);
      this.finish(e, 'cancelled', null, serializeError(new JobCancelledError()));
      return true;
    }
    if (e.info.state === 'active') {
      e.controller.abort(new JobCancelledError());
      return true;
    }
    return false;
  }

  async schedule(schedulerId: string, cron: string, type: string, data: unknown): Promise<void> {
    const interval = parser.parseExpression(cron);
    // Same id, one schedule: the new one replaces it, as BullMQ's upsert does.
    await this.unschedule(schedulerId);
    const scheduled = { type, data, timer: null as NodeJS.Timeout | null };
    this.schedules.set(schedulerId, scheduled);
    // A timer waits at most 2^31-1 ms (24.8 days): a monthly run waits in several
    // laps and is queued only once its time has come.
    const wait = (at: number) => {
      if (this.closed) return;
      const delay = Math.max(0, at - Date.now());
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (Date.now() < at) return wait(at);
        // Named by the time it was due, alike on every instance that fires it.
        const scheduledAt = new Date(at);
        const jobId = `${schedulerId}-${scheduledAt.toISOString()}`;
        void this.add(type, data, { jobId }, { schedulerId, scheduledAt, jobId, attempt: 1 }).catch(() => undefined);
        wait(interval.next().getTime());
      }, Math.min(delay, MAX_TIMER_MS));
      t.unref();
      this.timers.add(t);
      scheduled.timer = t;
    };
    wait(interval.next().getTime());
  }

  /** The schedules this runner fires. */
  scheduledIds(): string[] {
    return [...this.schedules.keys()];
  }

  /**
   * Queues a firing of one of its schedules (an earlier one that failed, here or
   * elsewhere), as the job of its attempt (attemptJobId); false when it has no such schedule.
   */
  async refire(firing: ScheduledFiring): Promise<boolean> {
    const job = this.schedules.get(firing.schedulerId);
    if (!job || this.closed) return false;
    await this.add(job.type, job.data, { jobId: attemptJobId(firing) }, firing);
    return true;
  }

  async unschedule(schedulerId: string): Promise<void> {
    const t = this.schedules.get(schedulerId)?.timer;
    this.schedules.delete(schedulerId);
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const id of this.queue.splice(0)) {
      const e = this.jobs.get(id);
      if (e) this.finish(e, 'cancelled', null, serializeError(new JobCancelledError('shutdown')));
    }
    // Running jobs are told to stop and awaited, so nothing writes after close.
    const active = [...this.jobs.values()].filter((e) => e.info.state === 'active');
    for (const e of active) e.controller.abort(new JobCancelledError('shutdown'));
    await Promise.all(active.map((e) => e.done));
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 1;
    while (this.running < limit && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const e = this.jobs.get(id);
      if (e) void this.run(e);
    }
  }

  private async run(e: Entry): Promise<void> {
    this.running++;
    e.info.state = 'active';
    e.info.startedAt = new Date().toISOString();
    e.info.attempts++;
    this.options.observer?.changed(e.info);
    const handler = this.handlers.get(e.info.type)!;
    // A job whose awaits all resolve at once (PGlite) gives the loop a turn when it reports progress.
    const giveTheLoopATurn = turnGiver();
    const firings = this.options.firings;
    let claimed: ScheduledFiring | null = null;
    try {
      const claim = e.firing && firings ? await firings.claim(e.firing) : null;
      if (claim && 'skipped' in claim) return this.finish(e, 'completed', claim.skipped, null);
      if (claim) {
        claimed = e.firing!;
        // The firing's attempt, as BullMQ counts a job's: attempt 2 of a firing reads attempts 2.
        e.info.attempts = claim.attempt;
      }
      const result = await handler({
        id: e.info.id,
        type: e.info.type,
        data: e.data,
        signal: e.controller.signal,
        progress: async (fraction, message) => {
          e.info.progress = Math.max(0, Math.min(1, fraction));
          if (message !== undefined) e.info.message = message;
          await giveTheLoopATurn();
          if (e.controller.signal.aborted) throw e.controller.signal.reason;
        },
      });
      if (claimed) await firings!.finished(claimed, { state: 'completed', error: null, handedBack: false });
      this.finish(e, 'completed', result, null);
    } catch (err) {
      const cancelled = e.controller.signal.aborted;
      const error = serializeError(err);
      // A shutdown's stop is the instance's doing, not the job's: the firing is handed back, as failed, to be run elsewhere.
      const handedBack = cancelled && this.closed;
      if (claimed) await firings!.finished(claimed, { state: cancelled && !handedBack ? 'cancelled' : 'failed', error, handedBack });
      this.finish(e, cancelled ? 'cancelled' : 'failed', null, error);
    } finally {
      this.running--;
      this.pump();
    }
  }

  private finish(e: Entry, state: JobInfo['state'], result: unknown, error: JobInfo['error']): void {
    e.info.state = state;
    e.info.result = result ?? null;
    e.info.error = error;
    e.info.finishedAt = new Date().toISOString();
    if (state === 'completed') e.info.progress = 1;
    this.options.observer?.changed(e.info);
    e.resolveDone();
    const t = setTimeout(() => {
      this.jobs.delete(e.info.id);
      this.timers.delete(t);
    }, KEEP_FINISHED_MS);
    t.unref();
    this.timers.add(t);
  }
}
