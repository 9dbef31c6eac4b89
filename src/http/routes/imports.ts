// POST /v1/import/:entity — NDJSON or CSV, streamed to a spool file, then
// imported as a job. The caller waits for the outcome by default, or gets a
// job to poll with `Prefer: respond-async`.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { removeStaleUploads } from '../../ingest/spool.js';
import { AR_ERR } from '../../errors.js';
import { ENTITIES, ENTITY_NAMES, findEntity } from '../../ingest/entities.js';
import { formatFromContentType } from '../../ingest/parse.js';
import type { ImportJobData } from '../../ingest/import-job.js';
import { importRefreshes } from '../../pipeline/refresh.js';
import { sendProblem } from '../plugins/problem.js';
import { refuseUnreadableEncoding } from '../body-encoding.js';
import { Instant, JobInfoSchema, ProblemRef, errorResponses } from '../schemas/common.js';
import { QueuedJob, sendQueued } from '../queued.js';
import { importRowSchema } from '../schemas/import-rows.js';

/** Statuses of a failed import's codes; any other is the service's fault. */
const FAILED_IMPORT_STATUS: Record<string, number> = {
  AR_ERR_IMPORT_REJECTED: 422,
  AR_ERR_IMPORT_EMPTY: 422,
  // Cancelled (DELETE /v1/jobs/:id, or the server stopping), nothing written: no server error.
  AR_ERR_CONFLICT: 409,
  AR_ERR_JOB_CANCELLED: 409,
};

const RAW_TYPES = ['text/csv', 'application/csv', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

const ImportResultSchema = Type.Object({
  entity: Type.String(),
  rows: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  jobId: Type.String(),
  refreshJobId: Type.Union([Type.String(), Type.Null()], {
    description: 'the refresh this import set off (inbound triage, scores, rules, agenda): poll GET /v1/jobs/{id}; null when the file changed nothing they read, or when it could not be queued (refreshError)',
  }),
  triage: Type.Optional(Type.Object({
    triaged: Type.Integer({ description: 'emails the import triaged itself: the feed, saved searches and rules read their triage from now' }),
    deferred: Type.Union([Type.String(), Type.Null()], {
      description: 'why the import left its emails to the refresh it sets off (more than INBOUND_IMPORT_TRIAGE_MAX, no inbound model served, the triage failed); null when it left none',
    }),
  }, { description: 'inbound-messages only' })),
  refreshError: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()], {
    description: 'why the refresh could not be queued (AR_ERR_REFRESH_NOT_QUEUED): the data is imported, and its refresh is queued by itself once the queue answers again; POST /v1/refresh asks for one sooner',
  }),
});

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, config } = app.services;
  const spoolDir = path.join(config.dataDir, 'uploads');
  fs.mkdirSync(spoolDir, { recursive: true });
  const removed = await removeStaleUploads(spoolDir);
  if (removed > 0) app.log.warn({ removed, dir: spoolDir }, 'removed uploads left by imports that never ended (a process stopped mid-import)');

  // Uploads are streamed, never buffered: the route receives the raw stream.
  app.addContentTypeParser(RAW_TYPES, (_req, payload, done) => done(null, payload));
  // Any other type (JSON, forms) reaches the route unread, which says what to
  // send instead: parsing NDJSON as one JSON document would only say "not JSON".
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.post('/v1/import/:entity', {
    config: { roles: ['platform'], action: 'import data' },
    schema: {
      tags: ['import'],
      summary: 'Import one entity from NDJSON or CSV (header row); whole file or nothing',
      description: `Entities, in the order references require: ${ENTITY_NAMES.join(', ')}. ` +
        'Rows are upserted by externalId; re-sending the same file changes nothing. A file with any bad row ' +
        'is rejected whole (422) with the line numbers and reasons, and nothing is written. ' +
        'Send `Prefer: respond-async` to get 202 and a job to poll instead of waiting.',
      params: Type.Object({ entity: Type.String({ maxLength: 100, description: ENTITY_NAMES.join(' | ') }) }),
      consumes: ['application/x-ndjson', 'text/csv'],
      headers: Type.Object({ prefer: Type.Optional(Type.String()) }),
      body: Type.Optional(Type.Unknown({ description: 'NDJSON (application/x-ndjson) or CSV (text/csv); row fields per entity in components.schemas.Import*' })),
      response: {
        200: ImportResultSchema,
        202: QueuedJob,
        409: ProblemRef,
        415: ProblemRef,
        422: ProblemRef,
        503: ProblemRef,
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const { entity } = request.params;
    if (!findEntity(entity)) throw AR_ERR.IMPORT_UNKNOWN_ENTITY([entity, ENTITY_NAMES.join(', ')]);
    const contentType = request.headers['content-type'];
    refuseUnreadableEncoding('the file', contentType, request.headers['content-encoding']);
    const format = formatFromContentType(contentType);
    if (!format) {
      const json = /^application\/json\b/i.test(contentType ?? '');
      throw AR_ERR.UNSUPPORTED_MEDIA_TYPE([json
        ? 'NDJSON as application/x-ndjson (one JSON object per line, not a JSON document), or CSV as text/csv with a header row'
        : 'text/csv (with a header row) or application/x-ndjson (one JSON object per line)']);
    }
    // Its refresh goes through the shared queue: while that is down, nothing is written.
    if (importRefreshes(entity)) await jobs.assertReachable();
    const file = path.join(spoolDir, `${crypto.randomUUID()}.${format}`);
    let jobId: string;
    try {
      const body = request.body as Readable | undefined;
      if (body && typeof (body as Readable).pipe === 'function') await pipeline(body, fs.createWriteStream(file));
      else fs.writeFileSync(file, '');
      const bytes = fs.statSync(file).size;
      jobId = await jobs.enqueueLocal<ImportJobData>('import', { entity, format, file, bytes });
    } catch (err) {
      // An upload cut short, or a job that could not be recorded: no job will remove the file (up to a gigabyte).
      await fs.promises.rm(file, { force: true });
      throw err;
    }
    if (/respond-async/i.test(request.headers.prefer ?? '')) return sendQueued(reply, jobId);
    const info = await jobs.waitFor(jobId);
    if (info.state !== 'completed') {
      const err = info.error ?? { code: 'AR_ERR_JOB_FAILED', message: 'The import failed' };
      // Cancelled (DELETE /v1/jobs/:id), it wrote nothing: the caller's conflict, not the service's fault.
      const status = info.state === 'cancelled' ? 409 : FAILED_IMPORT_STATUS[err.code] ?? 500;
      const { code, message, ...extras } = err;
      return sendProblem(reply, status, code, message, { jobId, ...extras });
    }
    return { ...(info.result as object), jobId } as Static<typeof ImportResultSchema>;
  });

  // Documents each entity's row fields in OpenAPI (components.schemas.Import<Entity>).
  for (const entity of ENTITIES) app.addSchema(importRowSchema(entity));
};

export default importRoutes;

const ScheduledRunSchema = Type.Object({
  schedulerId: Type.String(),
  scheduledAt: Instant(),
  state: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled')]),
  attempts: Type.Integer({ description: 'claims of this firing so far, the first included' }),
  instanceId: Type.String({ description: 'the instance that made the latest claim' }),
  jobId: Type.String({ description: 'the firing\'s job, its first attempt\'s (GET /v1/jobs/:id)' }),
  attemptJobIds: Type.Array(Type.String(), { description: 'the job of each attempt counted, jobId first, then `<jobId>-attempt-2`, `<jobId>-attempt-3`: each attempt is a job of its own, kept as it ended by the instance that ran it (another answers 404 for it)' }),
  claimedAt: Instant(),
  leaseUntil: Instant('while running: past it, the holder is taken for gone and another instance takes the firing over'),
  retryAt: Type.Union([Instant(), Type.Null()], { description: 'failed with attempts left: from when any instance claims it again' }),
  finishedAt: Type.Union([Instant(), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }), Type.Null()], {
    description: 'the last failed attempt\'s',
  }),
  givenUp: Type.Boolean({ description: 'no instance runs it again: it failed at its last attempt, or that attempt\'s instance stopped renewing its lease (a running one past leaseUntil)' }),
});

export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs } = app.services;
  app.get('/v1/jobs/scheduled-runs', {
    schema: {
      tags: ['jobs'],
      summary: 'The latest firings of the schedules, as instances sharing a database without Redis claimed them',
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
      response: {
        200: Type.Object({
          claimed: Type.Boolean({ description: 'false with Redis (BullMQ runs each firing once, and retries it as one job): nothing is claimed' }),
          runs: Type.Array(ScheduledRunSchema),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const runs = await jobs.scheduledRuns(request.query.limit);
    return { claimed: runs !== null, runs: (runs ?? []) as Static<typeof ScheduledRunSchema>[] };
  });

  app.get('/v1/jobs/:id', {
    schema: {
      tags: ['jobs'],
      summary: 'State and progress of a job',
      params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
      response: { 200: JobInfoSchema, 503: ProblemRef, ...errorResponses },
    },
  }, async (request) => {
    const info = await jobs.get(request.params.id);
    if (!info) throw AR_ERR.JOB_NOT_FOUND([request.params.id]);
    return info;
  });

  app.delete('/v1/jobs/:id', {
    config: { roles: ['platform', 'analyst'], action: 'cancel jobs' },
    schema: {
      tags: ['jobs'],
      summary: 'Cancel a waiting or running job',
      params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
      response: { 202: Type.Object({ cancelled: Type.Boolean() }), 503: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    const info = await jobs.get(request.params.id);
    if (!info) throw AR_ERR.JOB_NOT_FOUND([request.params.id]);
    return reply.status(202).send({ cancelled: await jobs.cancel(request.params.id) });
  });
};
