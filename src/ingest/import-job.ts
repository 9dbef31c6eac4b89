// The import job: a spooled upload, parsed and loaded whole or not at all.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Db, Queryable } from '../db/sql.js';
import type { ImportTriageOutcome } from '../inbound/import-triage.js';
import { serializeError, type JobHandler, type JobInfo } from '../jobs/types.js';
import { AR_ERR } from '../errors.js';
import { ENTITY_NAMES, findEntity } from './entities.js';
import { importRecords, type ImportOptions, type ImportResult } from './load.js';
import { parseRecords, type ImportFormat } from './parse.js';

export interface ImportJobData {
  entity: string;
  format: ImportFormat;
  /** Spooled upload on this machine; removed once the job ends. */
  file: string;
  bytes: number;
}

/** What an import of some entity does beside writing its rows: in its transaction, then once it committed. */
export interface ImportFollowUp<T> {
  beforeCommit(tx: Queryable, result: ImportResult): Promise<void>;
  /** Never throws: the import is committed, and stands. */
  afterCommit(result: ImportResult): Promise<T>;
}

export interface ImportJobResult extends ImportResult {
  /** An email import's: the emails it triaged itself, or why it left them to the refresh. */
  triage?: ImportTriageOutcome;
  /** The refresh the import set off (scores, rules, agenda), or null when it changed nothing they read or could not be queued. */
  refreshJobId: string | null;
  /** Why the refresh could not be queued (the queue's Redis down): the data is imported all the same, and the caller asks for a refresh. */
  refreshError: JobInfo['error'];
}

export function makeImportHandler(
  db: Db,
  onImported: (result: ImportResult) => Promise<string | null> = async () => null,
  beforeCommit?: ImportOptions['beforeCommit'],
  /** For each import job: the triage of an email import's own emails (src/inbound/import-triage.ts), before its refresh. */
  triageOf: (entity: string) => ImportFollowUp<ImportTriageOutcome> | null = () => null,
): JobHandler<ImportJobData, ImportJobResult> {
  return async (ctx) => {
    const { entity: name, format, file, bytes } = ctx.data;
    const entity = findEntity(name);
    if (!entity) throw AR_ERR.IMPORT_UNKNOWN_ENTITY([name, ENTITY_NAMES.join(', ')]);
    const triage = triageOf(name);
    const stream = fs.createReadStream(file);
    let result: ImportResult;
    try {
      result = await importRecords(db, entity, parseRecords(stream, format), {
        signal: ctx.signal,
        beforeCommit: async (tx, r) => {
          await beforeCommit?.(tx, r);
          await triage?.beforeCommit(tx, r);
        },
        onProgress: (rows) => {
          // Bytes read is the honest measure of progress before the row count is known.
          void ctx.progress(bytes > 0 ? Math.min(0.95, stream.bytesRead / bytes) : 0.5, `${rows} rows read`).catch(() => undefined);
        },
      });
    } finally {
      stream.destroy();
      await fsp.rm(file, { force: true });
    }
    // Committed: a cancel now comes too late, and the progress it would throw must not call the import cancelled.
    await ctx.progress(1, `${result.rows} rows: ${result.inserted} inserted, ${result.updated} updated`).catch(() => undefined);
    // Before the refresh is asked for, which would otherwise read the same emails at once.
    const triaged = triage ? { triage: await triage.afterCommit(result) } : {};
    // Last, with only microtasks after it: the refresh it sets off starts after
    // the answer. Before the file's removal, its turns waited on the refresh.
    return { ...result, ...triaged, ...(await handOver(onImported, result)) };
  };
}

/**
 * The data is committed by now: a refresh that cannot be queued does not fail
 * the import (sending the file again would change nothing, and set off no
 * refresh either), it is said in the outcome, which the job's record keeps.
 */
async function handOver(
  onImported: (result: ImportResult) => Promise<string | null>,
  result: ImportResult,
): Promise<Pick<ImportJobResult, 'refreshJobId' | 'refreshError'>> {
  try {
    return { refreshJobId: await onImported(result), refreshError: null };
  } catch (err) {
    const reason = (err as Error | null)?.message ?? String(err);
    return { refreshJobId: null, refreshError: serializeError(AR_ERR.REFRESH_NOT_QUEUED([reason])) };
  }
}
