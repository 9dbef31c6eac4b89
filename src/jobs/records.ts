// Durable records of the local runner's jobs (imports run on the instance that
// received the upload), in `local_jobs`: with several API instances behind a
// load balancer, whichever one a poll reaches answers for the job, and a job
// whose instance died reads as failed instead of running for ever.
//
// One writer per instance, one statement per write: the state, progress and
// outcome of every job the instance holds, and its heartbeat (updated_at, on
// the database's clock, which every instance shares). A change of state is
// written at once; progress waits for the next beat, so a million-row import
// writes every two seconds, not per row.
import os from 'node:os';
import crypto from 'node:crypto';
import { isoSql, type Db } from '../db/sql.js';
import { AR_ERR } from '../errors.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';
import { serializeError, type JobInfo, type JobObserver, type JobState } from './types.js';
import { storableText } from '../util/nul.js';

export interface JobRecordOptions {
  /** How often an instance writes its jobs' progress and says it is alive. */
  heartbeatMs?: number;
  /** A waiting or active job whose record was not written for this long belongs to an instance that is gone. */
  lostAfterMs?: number;
  log?: Logger;
  /** Another instance asked to cancel one of this instance's jobs (seen at a write). */
  onCancelRequested?: (id: string) => void;
}

const HEARTBEAT_MS = 2000;
// Thirty missed beats: an instance that is only slow (its event loop held for
// a while, the database busy) is not declared dead.
const LOST_AFTER_MS = 60_000;
const PRUNE_EVERY_MS = 3600_000;
const FINISHED: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

/** A record as JobInfo has it, with who ran it and when it was last written. */
type RecordRow = JobInfo & { instanceId: string; lastWritten: string; lost: boolean };


export class JobRecords implements JobObserver {
  /** Names the process for whoever reads that its job was lost. */
  readonly instanceId = `${os.hostname()}/${process.pid}/${crypto.randomUUID().slice(0, 8)}`;
  /** This instance's jobs whose finish is not written yet, as the runner keeps them up to date. */
  private readonly live = new Map<string, JobInfo>();
  private readonly heartbeatMs: number;
  private readonly lostAfterMs: number;
  private readonly log: Logger;
  private readonly onCancelRequested: (id: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private writeAgain = false;
  private lastPrune = 0;
  private pruning: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly db: Db, options: JobRecordOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.lostAfterMs = options.lostAfterMs ?? LOST_AFTER_MS;
    this.log = options.log ?? silentLogger;
    this.onCancelRequested = options.onCancelRequested ?? (() => undefined);
  }

  async enqueued(info: JobInfo): Promise<void> {
    // A job id given again after its job finished starts a new record.
    const inserted = this.db.query(
      `INSERT INTO local_jobs (id, type, state, progress, message, attempts, instance_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, state = EXCLUDED.state, progress = EXCLUDED.progress,
         message = EXCLUDED.message, result = NULL, error = NULL, attempts = EXCLUDED.attempts,
         instance_id = EXCLUDED.instance_id, cancel_requested = false, created_at = EXCLUDED.created_at,
         started_at = NULL, finished_at = NULL, updated_at = now()`,
      [info.id, info.type, info.state, info.progress, info.message, info.attempts, this.instanceId, info.createdAt],
    );
    if (this.db.kind === 'postgres') {
      // Recorded before the caller has the id: its first poll may reach another instance.
      await inserted;
    } else {
      // The embedded database has one process, which answers for its jobs from memory, and one
      // connection, which runs queries in the order they are sent: the insert goes before this
      // job's writes without the caller waiting for it behind another import's transaction.
      inserted.catch((err: unknown) => this.log.warn({ err, job: info.id }, 'could not record a local job'));
    }
    this.live.set(info.id, info);
    this.scheduleBeat();
    this.pruneNowAndThen();
  }

  changed(info: JobInfo): void {
    if (this.live.get(info.id) === info) this.writeSoon();
  }

  /** The job as its record has it; a waiting or active one whose instance stopped writing reads as failed. */
  async get(id: string): Promise<JobInfo | null> {
    const [row] = await this.db.query<RecordRow>(
      `SELECT id, type, state, progress, message, result, error, attempts, instance_id AS "instanceId",
              ${isoSql('created_at')} AS "createdAt", ${isoSql('started_at')} AS "startedAt",
              ${isoSql('finished_at')} AS "finishedAt", ${isoSql('updated_at')} AS "lastWritten",
              state IN ('waiting', 'active') AND updated_at < now() - $2::int * interval '1 millisecond' AS lost
       FROM local_jobs WHERE id = $1`,
      [id, this.lostAfterMs],
    );
    if (!row) return null;
    const { instanceId, lastWritten, lost, ...info } = row;
    if (!lost) return info;
    // Read as lost, not written: an instance that was only cut off writes the truth when it comes back.
    return { ...info, state: 'failed', finishedAt: lastWritten, error: serializeError(AR_ERR.JOB_LOST([instanceId, lastWritten])) };
  }

  /**
   * Asks the instance running a job to cancel it, which it does at its next
   * write (a heartbeat at the latest). False when the job is finished or lost.
   */
  async requestCancel(id: string): Promise<boolean> {
    const asked = await this.db.query(
      `UPDATE local_jobs SET cancel_requested = true
       WHERE id = $1 AND state IN ('waiting', 'active') AND updated_at >= now() - $2::int * interval '1 millisecond'
       RETURNING id`,
      [id, this.lostAfterMs],
    );
    return asked.length > 0;
  }

  /** Writes what is left before the database closes: called once the local runner has closed, every job finished. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.live.size > 0) this.writeSoon();
    while (this.writing) await this.writing;
    await this.pruning;
  }

  /** Writes now (a change of state), or right after the write under way. */
  private writeSoon(): void {
    if (this.writing) {
      this.writeAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = this.write().finally(() => {
      this.writing = null;
      if (this.writeAgain) {
        this.writeAgain = false;
        this.writeSoon();
      } else {
        this.scheduleBeat();
      }
    });
  }

  private scheduleBeat(): void {
    if (this.closed || this.timer || this.writing || this.live.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writeSoon();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const jobs = [...this.live.values()];
    if (jobs.length === 0) return;
    // Read once, now: a job finishing while the statement runs is written by the next one.
    const rows = jobs.map((j) => ({
      id: j.id, state: j.state, progress: j.progress, message: j.message, result: j.result ?? null, error: j.error,
      attempts: j.attempts, started_at: j.startedAt, finished_at: j.finishedAt,
    }));
    const finished = jobs.filter((j) => FINISHED.has(j.state));
    let written: { id: string; cancelRequested: boolean }[];
    try {
      // An outcome quoting a NUL or half a character (an import's column so named) fails jsonb,
      // and with it this statement for every job of the instance, at every beat.
      const json = JSON.stringify(rows, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v));
      written = await this.db.query(
        `UPDATE local_jobs AS j SET state = r.state, progress = r.progress, message = r.message, result = r.result,
           error = r.error, attempts = r.attempts, started_at = r.started_at, finished_at = r.finished_at, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, state text, progress float8, message text, result jsonb,
           error jsonb, attempts int, started_at timestamptz, finished_at timestamptz)
         WHERE j.id = r.id
         RETURNING j.id, j.cancel_requested AS "cancelRequested"`,
        [json],
      );
    } catch (err) {
      // Kept, and written again at the next beat; past a minute, other instances read these jobs as lost.
      this.log.warn({ err, jobs: jobs.map((j) => j.id) }, 'could not record the local jobs');
      return;
    }
    for (const j of finished) if (this.live.get(j.id) === j) this.live.delete(j.id);
    for (const { id, cancelRequested } of written) if (cancelRequested && this.live.has(id)) this.onCancelRequested(id);
  }

  /** Records are kept a week: far longer than anyone polls an import. */
  private pruneNowAndThen(): void {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    this.pruning = this.db.query(`DELETE FROM local_jobs WHERE updated_at < now() - interval '7 days'`)
      .then(() => undefined, (err: unknown) => this.log.warn({ err }, 'could not prune the local job records'));
  }
}
