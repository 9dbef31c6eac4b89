// Jobs on Redis through BullMQ: any number of processes run workers, retries
// back off exponentially, stalled jobs (a worker that died) are picked up again
// by BullMQ itself. Cancelling a running job reaches whichever process runs it
// through a Redis pub/sub channel, since worker.cancelJob only acts locally.
// Requests (enqueue, read, cancel) fail fast while Redis is down
// (bullmq-queue.ts); workers wait the outage out.
import crypto from 'node:crypto';
import { Worker, UnrecoverableError, WaitingError, type Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AR_ERR, isArError } from '../errors.js';
import { closeConnection, FailFastQueue } from './bullmq-queue.js';
import { DEFAULT_SCHEDULED_RUN_POLICY } from './scheduled-runs.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';
import {
  JobCancelledError,
  serializeError,
  type EnqueueOptions,
  type JobHandler,
  type JobInfo,
  type JobRunner,
  type JobState,
} from './types.js';

export interface BullmqOptions {
  redisUrl: string;
  queueName?: string;
  /** Run a worker in this process (API processes may leave it to `npm run worker`). */
  work: boolean;
  concurrency?: number;
  log?: Logger;
  /** Longest a request's call on the queue (enqueue, read, cancel a job) may take before it is answered as unavailable. */
  callTimeoutMs?: number;
  /** How long a closing worker waits for its jobs before it hands them back to the queue (20 s). */
  handBackAfterMs?: number;
}

/**
 * Within the shutdown's grace (30 s for the API, 60 s for a worker process):
 * a job handed back runs again at once on another worker. One still running
 * when the process is ended waits for its lock to lapse, and a job that
 * stalls twice is failed for good.
 */
const HAND_BACK_AFTER_MS = 20_000;
/** Why a closing worker stops its jobs: they go back to the queue, neither failed nor cancelled. */
const HAND_BACK = 'the worker is stopping: handed back to the queue';

interface Progress {
  fraction: number;
  message: string | null;
}

/**
 * Workers (and the cancel subscriber) block on Redis: BullMQ requires
 * maxRetriesPerRequest: null there, and they wait out an outage and go on.
 */
function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

function stateOf(raw: string, job: Job): JobState {
  if (raw === 'completed') return 'completed';
  if (raw === 'failed') {
    return (job.failedReason ?? '').startsWith('AR_ERR_JOB_CANCELLED') ? 'cancelled' : 'failed';
  }
  if (raw === 'active') return 'active';
  return 'waiting';
}

/**
 * The outcome's error, as the in-process runner reports it: only a failed or
 * cancelled job has one. BullMQ keeps failedReason from an attempt that failed
 * before a retry, so a completed job (or one waiting to be retried) still
 * carries it.
 */
function errorOf(state: JobState, failedReason: string | undefined): JobInfo['error'] {
  if ((state !== 'failed' && state !== 'cancelled') || !failedReason) return null;
  const [code, ...rest] = failedReason.split(': ');
  return code.startsWith('AR_ERR_')
    ? { code, message: rest.join(': ') }
    : { code: 'AR_ERR_JOB_FAILED', message: failedReason };
}

/** False when a worker holds the job: BullMQ refuses to remove it, with an error that would answer the cancel 500. */
async function removeUnlessTaken(job: Job): Promise<boolean> {
  try {
    await job.remove();
    return true;
  } catch (err) {
    if ((err as Error).message?.includes('locked by another worker')) return false;
    throw err;
  }
}

export class BullmqRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly producer: FailFastQueue;
  private worker: Worker | null = null;
  private handlers = new Map<string, JobHandler>();
  private subscriber: Redis | null = null;
  /** The worker's own connection: BullMQ leaves a connection it was given open when the worker closes. */
  private workerRedis: Redis | null = null;
  private readonly cancelChannel: string;

  constructor(private readonly options: BullmqOptions) {
    const name = options.queueName ?? 'ar-jobs';
    this.cancelChannel = `${name}:cancel`;
    this.producer = new FailFastQueue({
      redisUrl: options.redisUrl,
      name,
      queue: {
        defaultJobOptions: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      },
      callTimeoutMs: options.callTimeoutMs,
      log: options.log ?? silentLogger,
    });
  }

  get queue(): Queue {
    return this.producer.queue;
  }

  /**
   * Resolves when Redis answers the queue now; AR_ERR_JOBS_UNAVAILABLE while it
   * is down or does not answer (checked before a change a job must follow).
   */
  assertReachable(): Promise<void> {
    return this.producer.reach(async () => void (await this.producer.redis.ping()));
  }

  register<D, R>(type: string, handler: JobHandler<D, R>): void {
    this.handlers.set(type, handler as JobHandler);
  }

  /** Starts consuming once every handler is registered. */
  async start(): Promise<void> {
    if (!this.options.work || this.worker) return;
    this.workerRedis = workerConnection(this.options.redisUrl);
    this.worker = new Worker(this.queue.name, (job, token, signal) => this.process(job, token, signal), {
      connection: this.workerRedis,
      concurrency: this.options.concurrency ?? 1,
    });
    // A lock the worker could not renew means another worker may run the job
    // again at the same time (handlers must be idempotent); a lost connection
    // stops the work. Both are for an operator to see, not to hide.
    const log = this.options.log ?? silentLogger;
    this.worker.on('error', (err) => log.error({ err, queue: this.queue.name }, 'job worker error'));
    this.subscriber = workerConnection(this.options.redisUrl);
    // Its reconnections while Redis is down, logged rather than printed by ioredis as unhandled.
    this.subscriber.on('error', (err) => log.warn({ err, queue: this.queue.name }, 'job cancel subscriber connection error'));
    await this.subscriber.subscribe(this.cancelChannel);
    this.subscriber.on('message', (_channel, id: string) => {
      this.worker?.cancelJob(id, 'cancelled');
    });
    await this.worker.waitUntilReady();
  }

  private async process(job: Job, token: string | undefined, signal?: AbortSignal): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job type "${job.name}"`);
    // A cancel asked while the worker's subscriber did not hear it (reconnecting, or before the
    // worker tracked the job) is kept in Redis too: read at the start and at each progress report.
    const asked = new AbortController();
    const abort = signal ? AbortSignal.any([signal, asked.signal]) : asked.signal;
    const heedCancelRequest = async () => {
      if (!abort.aborted && (await this.workerRedis?.exists(this.cancelRequestKey(job.id!)))) asked.abort(new JobCancelledError());
      // What a run stopped half way records as its error: a hand-back is no cancel.
      if (abort.aborted) throw abort.reason === HAND_BACK ? new Error(HAND_BACK) : new JobCancelledError();
    };
    try {
      await heedCancelRequest();
      return await handler({
        id: job.id!,
        type: job.name,
        data: job.data,
        signal: abort,
        progress: async (fraction, message) => {
          await job.updateProgress({ fraction: Math.max(0, Math.min(1, fraction)), message: message ?? null });
          await heedCancelRequest();
        },
      });
    } catch (err) {
      // Not an attempt: the job waits again, as it was, for the next worker.
      if (abort.aborted && abort.reason === HAND_BACK && token) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (abort.aborted || err instanceof JobCancelledError) {
        throw new UnrecoverableError('AR_ERR_JOB_CANCELLED: the job was cancelled');
      }
      // Domain errors (bad input) will fail the same way again: do not retry them.
      if (isArError(err)) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  async enqueue<D>(type: string, data: D, options: EnqueueOptions = {}): Promise<string> {
    if (!this.handlers.has(type)) throw AR_ERR.UNKNOWN_JOB_TYPE([type]);
    const job = await this.producer.reach((queue) => queue.add(type, data, {
      jobId: options.jobId ?? `job-${crypto.randomUUID()}`,
      ...(options.attempts ? { attempts: options.attempts } : {}),
    }));
    return job.id!;
  }

  private tombstoneKey(id: string): string {
    return `${this.queue.name}:cancelled:${id}`;
  }

  private cancelRequestKey(id: string): string {
    return `${this.queue.name}:cancel-requested:${id}`;
  }

  get(id: string): Promise<JobInfo | null> {
    return this.producer.reach((queue) => this.read(queue, id));
  }

  private async read(queue: Queue, id: string): Promise<JobInfo | null> {
    // State first, then the job: a job only moves forward, so its data is at
    // least as new as the state read (the other order can pair "completed"
    // with the data of a failed first attempt).
    const raw = await queue.getJobState(id);
    // An id naming one of the queue's own keys (events, id, completed) is no
    // job: read as one, its key fails with WRONGTYPE, and GET /v1/jobs/events with a 500.
    const job = raw === 'unknown' ? undefined : await queue.getJob(id);
    if (!job || raw === 'unknown') {
      const tombstone = await this.producer.redis.get(this.tombstoneKey(id));
      return tombstone ? (JSON.parse(tombstone) as JobInfo) : null;
    }
    const p = (typeof job.progress === 'object' ? job.progress : { fraction: 0, message: null }) as Progress;
    const state = stateOf(raw, job);
    return {
      id,
      type: job.name,
      state,
      progress: state === 'completed' ? 1 : (p.fraction ?? 0),
      message: p.message ?? null,
      result: job.returnvalue ?? null,
      error: errorOf(state, job.failedReason),
      attempts: job.attemptsMade,
      createdAt: new Date(job.timestamp).toISOString(),
      startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  cancel(id: string): Promise<boolean> {
    return this.producer.reach((queue) => this.cancelOn(queue, id));
  }

  private async cancelOn(queue: Queue, id: string): Promise<boolean> {
    // State first, as in read: an id naming one of the queue's own keys is no job.
    const state = await queue.getJobState(id);
    const job = state === 'unknown' ? undefined : await queue.getJob(id);
    if (!job) return false;
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      // A waiting job is simply removed; a tombstone keeps it answerable.
      const info = await this.read(queue, id);
      // Taken by a worker since its state was read: cancelled where it runs, as any running job.
      if (!(await removeUnlessTaken(job))) return this.cancelOn(queue, id);
      const tombstone: JobInfo = { ...info!, state: 'cancelled', finishedAt: new Date().toISOString(),
        error: serializeError(new JobCancelledError()) };
      await this.producer.redis.set(this.tombstoneKey(id), JSON.stringify(tombstone), 'EX', 24 * 3600);
      return true;
    }
    if (state === 'active') {
      await this.producer.redis.set(this.cancelRequestKey(id), '1', 'EX', 24 * 3600);
      await this.producer.redis.publish(this.cancelChannel, id);
      return true;
    }
    return false;
  }

  async schedule(schedulerId: string, cron: string, type: string, data: unknown): Promise<void> {
    // A failed firing is tried again as instances without Redis do (scheduled-runs.ts): a refresh failed on a
    // database blip waits minutes, not the 2 s and 4 s of a job asked for now, and is given up after as many attempts.
    const { maxAttempts, retryAfterMs } = DEFAULT_SCHEDULED_RUN_POLICY;
    await this.queue.upsertJobScheduler(schedulerId, { pattern: cron }, {
      name: type, data, opts: { attempts: maxAttempts, backoff: { type: 'exponential', delay: retryAfterMs } },
    });
    await this.producer.redis.set(this.schedulesMarkKey(), '1');
  }

  /** Set with every change of a schedule: gone only with the rest of Redis's data. */
  private schedulesMarkKey(): string {
    return `${this.queue.name}:schedules-set`;
  }

  /** Whether Redis lost its schedules with its data; AR_ERR_JOBS_UNAVAILABLE while it is down. */
  schedulesLost(): Promise<boolean> {
    return this.producer.reach(async () => (await this.producer.redis.exists(this.schedulesMarkKey())) === 0);
  }

  async unschedule(schedulerId: string): Promise<void> {
    // Removes the scheduler and its next delayed job; a run already taken by a worker finishes.
    await this.queue.removeJobScheduler(schedulerId);
    await this.producer.redis.set(this.schedulesMarkKey(), '1');
  }

  async close(): Promise<void> {
    const worker = this.worker;
    // A handler stops at its signal (a progress report at the latest); one that does not is waited for.
    const handBack = worker && setTimeout(() => worker.cancelAllJobs(HAND_BACK), this.options.handBackAfterMs ?? HAND_BACK_AFTER_MS);
    try {
      await worker?.close();
    } finally {
      clearTimeout(handBack ?? undefined);
    }
    await Promise.all([closeConnection(this.subscriber), closeConnection(this.workerRedis), this.producer.close()]);
  }
}
