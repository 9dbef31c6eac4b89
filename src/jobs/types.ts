// One job abstraction for both runners: BullMQ on Redis when configured (jobs
// spread over any number of worker processes), in-process otherwise. Handlers
// are written once, must be idempotent (BullMQ retries them), and report progress.

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface JobContext<D = unknown> {
  id: string;
  type: string;
  data: D;
  /** fraction in [0, 1]; message is shown to whoever polls the job. */
  progress(fraction: number, message?: string): Promise<void>;
  /** Aborted when someone cancels the job or the process shuts down. */
  signal: AbortSignal;
}

export type JobHandler<D = any, R = unknown> = (ctx: JobContext<D>) => Promise<R>;

export interface JobInfo {
  id: string;
  type: string;
  state: JobState;
  progress: number;
  message: string | null;
  result: unknown;
  error: { code: string; message: string; [k: string]: unknown } | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * Told of every job the in-process runner takes and of each change of its
 * state: what keeps the durable records of local jobs (records.ts). `info` is
 * the runner's own object, which it keeps updating: progress needs no call,
 * the observer reads it whenever it writes.
 */
export interface JobObserver {
  /** Awaited before the job is queued: a job that could not be recorded is not run. */
  enqueued(info: JobInfo): Promise<void>;
  /** The job started, or finished (completed, failed or cancelled). */
  changed(info: JobInfo): void;
}

export interface EnqueueOptions {
  /** Same id, same job: enqueueing twice runs it once. */
  jobId?: string;
  attempts?: number;
}

export interface JobRunner {
  readonly kind: 'in-process' | 'bullmq';
  register<D, R>(type: string, handler: JobHandler<D, R>): void;
  enqueue<D>(type: string, data: D, options?: EnqueueOptions): Promise<string>;
  get(id: string): Promise<JobInfo | null>;
  /** True when the job was waiting or running and is now being cancelled. */
  cancel(id: string): Promise<boolean>;
  /** Repeats `type` on a cron pattern (nightly rescoring, retraining, rule runs). */
  schedule(schedulerId: string, cron: string, type: string, data: unknown): Promise<void>;
  /** Stops a schedule, including one stored in Redis by an earlier start; none is no error. */
  unschedule(schedulerId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Error payload kept with a failed job: an AR_ERR code survives the queue. Any
 * other code (a PostgreSQL SQLSTATE, a Node errno) is not one a client can look
 * up, so it becomes AR_ERR_JOB_FAILED.
 */
export function serializeError(err: unknown): JobInfo['error'] {
  const e = err as { code?: unknown; message?: string; extras?: Record<string, unknown> } | null | undefined;
  const code = e?.code;
  return {
    ...(e?.extras ?? {}),
    code: typeof code === 'string' && code.startsWith('AR_ERR_') ? code : 'AR_ERR_JOB_FAILED',
    message: e?.message ?? String(err),
  };
}

export class JobCancelledError extends Error {
  code = 'AR_ERR_JOB_CANCELLED';
  constructor(reason = 'cancelled') {
    super(`The job was cancelled: ${reason}`);
  }
}
