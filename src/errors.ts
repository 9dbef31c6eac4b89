// Every error the service answers with: a stable AR_ERR_* code, an HTTP status
// and a message a user can act on. Domain code throws these; the HTTP layer
// renders them as problem+json (RFC 9457). Built with @fastify/error, which has
// no dependency on Fastify itself, so domain modules may import this file.
import createError from '@fastify/error';

/** Extra members of a problem document (row errors, field paths, ...). */
export interface ProblemExtras {
  [key: string]: unknown;
}

export interface ArErrorInstance extends Error {
  code: string;
  statusCode: number;
  extras?: ProblemExtras;
  /** False when the request must not be sent again as it is: its change was saved (a 503 then carries no Retry-After). */
  retryable?: boolean;
}

function define(code: string, message: string, status: number) {
  const Ctor = createError(code, message, status);
  return (args: unknown[] = [], extras?: ProblemExtras): ArErrorInstance => {
    const err = new Ctor(...args) as ArErrorInstance;
    if (extras) err.extras = extras;
    return err;
  };
}

export const AR_ERR = {
  VALIDATION: define('AR_ERR_VALIDATION', 'The request is not valid: %s', 400),
  UNAUTHENTICATED: define('AR_ERR_UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>"', 401),
  FORBIDDEN: define('AR_ERR_FORBIDDEN', 'The %s role cannot %s', 403),
  NOT_FOUND: define('AR_ERR_NOT_FOUND', '%s "%s" does not exist', 404),
  /** Same code as NOT_FOUND: a suggestion is only found on a day it stands. */
  SUGGESTION_NOT_FOUND: define('AR_ERR_NOT_FOUND', 'Suggestion "%s" does not stand on %s: settled or changed since the agenda was read, or not due yet that day (close it with the "date" of the agenda it was read on)', 404),
  CONFLICT: define('AR_ERR_CONFLICT', '%s', 409),
  /** If-Match named a version that is no longer the stored one: someone saved in between. */
  STALE_VERSION: define('AR_ERR_STALE_VERSION', '%s %s has changed since it was read: it is at version %s, If-Match named %s; read it again and make the change on that, nothing was changed', 412),
  /** Same code: If-Match named a version of something deleted since, and a deleted row is at no version. */
  STALE_VERSION_GONE: define('AR_ERR_STALE_VERSION', '%s %s is gone: If-Match named %s of it, and it has no version now; nothing was changed', 412),
  UNSUPPORTED_MEDIA_TYPE: define('AR_ERR_UNSUPPORTED_MEDIA_TYPE', 'Send %s', 415),
  IMPORT_UNKNOWN_ENTITY: define('AR_ERR_IMPORT_UNKNOWN_ENTITY', 'Cannot import "%s": known entities are %s', 404),
  IMPORT_REJECTED: define('AR_ERR_IMPORT_REJECTED', 'The file was rejected whole, nothing was written: %s', 422),
  IMPORT_EMPTY: define('AR_ERR_IMPORT_EMPTY', 'The file has no rows', 422),
  JOB_NOT_FOUND: define('AR_ERR_JOB_NOT_FOUND', 'Job "%s" does not exist (jobs are kept for a day)', 404),
  JOB_FAILED: define('AR_ERR_JOB_FAILED', 'The job failed: %s', 500),
  JOB_LOST: define('AR_ERR_JOB_LOST', 'The job was lost: instance %s, which ran it, has not been heard from since %s; run it again (an import sent again that finds every row unchanged had committed, and its refresh is queued by itself within a minute)', 500),
  REFRESH_NOT_QUEUED: define('AR_ERR_REFRESH_NOT_QUEUED', 'The data was imported, but the refresh it needs (scores, rules, agenda) could not be queued: %s. It is queued by itself once the queue answers again (checked every 30 s); POST /v1/refresh asks for one sooner', 503),
  UNKNOWN_JOB_TYPE: define('AR_ERR_UNKNOWN_JOB_TYPE', 'No handler for job type "%s"', 400),
  MODEL_UNKNOWN: define('AR_ERR_MODEL_UNKNOWN', 'Model "%s" does not exist: known models are %s', 404),
  MODEL_NOT_READY: define('AR_ERR_MODEL_NOT_READY', 'Model "%s" has no active version yet: train it first', 503),
  /** Same code as MODEL_NOT_READY (the model cannot answer yet), but retraining is not the remedy. */
  MODEL_LOAD_FAILED: define('AR_ERR_MODEL_NOT_READY', 'Model "%s": its active version %s failed to load (%s); roll back, activate another version or train a new one', 503),
  MODEL_VERSION_NOT_FOUND: define('AR_ERR_MODEL_VERSION_NOT_FOUND', 'Model "%s" has no version "%s"', 404),
  MODEL_ARTIFACT_CORRUPT: define('AR_ERR_MODEL_ARTIFACT_CORRUPT', 'Model "%s" version "%s" failed its checks: %s', 409),
  MODEL_WORSE: define('AR_ERR_MODEL_WORSE', '%s', 409),
  CRITERIA: define('AR_ERR_CRITERIA', '%s', 400),
  RULE_CONFLICT: define('AR_ERR_RULE_CONFLICT', '%s', 409),
  RUN_NOT_UNDOABLE: define('AR_ERR_RUN_NOT_UNDOABLE', '%s', 409),
  /** A change a run must not meet half done, refused rather than waiting for the run (apply-lock.ts); `retryAfter` in the extras. */
  RUN_APPLYING: define('AR_ERR_RUN_APPLYING', '%s is applying now and would keep members by the criteria it read: %s was not saved; send it again in %s s', 409),
  /** Recorded on a run its job left unfinished for good (src/assign/sweep.ts); nothing of it was applied. */
  RUN_ABANDONED: define('AR_ERR_RUN_ABANDONED', 'The run was abandoned, nothing of it applied: %s; run the rules again', 500),
  UNAVAILABLE: define('AR_ERR_UNAVAILABLE', '%s', 503),
  /** Redis, which holds the shared job queue, did not take or answer the call: retrying later is the remedy. */
  JOBS_UNAVAILABLE: define('AR_ERR_JOBS_UNAVAILABLE', 'The job queue (Redis) cannot be reached: %s; try again in a moment', 503),
  /** Same code: the request's own change was saved before the queue was lost, so sending it again is not the remedy. */
  JOBS_UNAVAILABLE_AFTER_CHANGE: define('AR_ERR_JOBS_UNAVAILABLE', '%s, but %s could not be queued: the job queue (Redis) cannot be reached; %s', 503),
  /** Same code: the job was queued, and its outcome cannot be read now. */
  JOB_STATE_UNAVAILABLE: define('AR_ERR_JOBS_UNAVAILABLE', 'Job "%s" was queued, but its state cannot be read: the job queue (Redis) cannot be reached; poll GET /v1/jobs/%s once it is back', 503),
  MODEL_DATASET_UNKNOWN: define('AR_ERR_MODEL_DATASET_UNKNOWN', 'Model "%s" has no dataset "%s": known datasets are %s', 400),
  MODEL_SETTINGS: define('AR_ERR_MODEL_SETTINGS', 'Model "%s" settings are not valid: %s', 400),
  CURRENCY_NOT_IN_SCOPE: define('AR_ERR_CURRENCY_NOT_IN_SCOPE', 'No invoice in this scope is in %s: its invoices are in %s; ask for one of those with currency=', 404),
  MIXED_CURRENCIES: define('AR_ERR_MIXED_CURRENCIES', 'This scope holds invoices in %s, which cannot be added up: ask for one with currency=, or for all of them valued in %s with currency=consolidated', 422),
  EXCHANGE_RATE_MISSING: define(
    'AR_ERR_EXCHANGE_RATE_MISSING',
    'A consolidated report values every amount in %s with the latest rate on or before its day, and none prices %s (the earliest day: %s): import exchange-rates dated on or before those days, or ask for one currency with currency=',
    422,
  ),
  /** Every workbook thread builds, and as many exports as may wait for one do: a moment's load, the CSV needs no thread. */
  EXPORTS_BUSY: define('AR_ERR_EXPORTS_BUSY', 'Every workbook thread is building and %s workbook exports wait for one already: try again in a moment, or ask for the CSV (format=csv), which needs no thread', 503),
  /** Stopped past its time limit: the same workbook would most likely take as long again, so no Retry-After. */
  EXPORT_TIMEOUT: define('AR_ERR_EXPORT_TIMEOUT', 'The workbook of %s rows was not built within %s ms and its build was stopped: ask for the CSV (format=csv), the same rows built without a thread, or for a narrower scope', 504),
  /** The client went away before its export was built: nobody reads this answer, the access log does (nginx's 499). */
  CLIENT_CLOSED: define('AR_ERR_CLIENT_CLOSED', 'The client closed the connection before its %s was built', 499),
  PLAN_CHANGED: define('AR_ERR_PLAN_CHANGED', 'The assignment plan changed since the preview (%s); preview again and apply the new plan', 409),
} as const;

/** A 400 about one place of the request (`body/record`, `querystring/currency`), listed as schema errors are. */
export const invalidAt = (path: string, message: string): ArErrorInstance =>
  AR_ERR.VALIDATION([`${path} ${message}`], { errors: [{ path, message }] });

export function isArError(err: unknown): err is ArErrorInstance {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('AR_ERR_');
}
