// The signal of the job whose work issues a statement: a job told to stop (a
// cancel, a worker closing and handing it back) while it waits on one long
// statement would otherwise hear it only once the statement returned. Carried
// by the job's async context (the job runners set it), so no statement has to
// be handed its job's signal; the PostgreSQL layer cancels a statement in
// flight when it fires (postgres.ts). PGlite runs in this thread and cannot be
// interrupted.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with the statements it issues stopped when `signal` aborts. */
export function withStatementSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return current.run(signal, fn);
}

/** The signal of the job issuing a statement now, if any. */
export function statementSignal(): AbortSignal | undefined {
  return current.getStore();
}

/**
 * Runs `fn` outside any job's signal: work a job sets off on behalf of the
 * whole process (a model version loaded for everyone to serve), which the
 * job's cancel or hand-back must not stop half way.
 */
export function withoutStatementSignal<T>(fn: () => Promise<T>): Promise<T> {
  return current.exit(fn);
}
