// The model lifecycle over HTTP: list models and versions, read a version's
// report, train (a job), activate (force is explicit and recorded), roll back,
// and read the input-drift checks. Writes need the analyst role.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AR_ERR } from '../../errors.js';
import type { ModelLifecycle, ModelVersion } from '../../ml/registry/index.js';
import { checkWindow, datasetNames } from '../../ml/registry/evaluation.js';
import { checkSettings } from '../../ml/registry/settings.js';
import { MAX_SEED } from '../../ml/registry/types.js';
import { addDays, todayIso } from '../../agenda/dates.js';
import { Day, ProblemRef, errorResponses } from '../schemas/common.js';
import { Nullable } from '../../util/nullable.js';
import { QueuedJob, sendQueued } from '../queued.js';

const ModelParam = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'model name, e.g. payment-delay' });
const VersionParam = Type.String({ pattern: '^[A-Za-z0-9][\\w.-]{0,79}$', description: 'version, e.g. 20261123-101500-ab12cd' });

const Window = Type.Object({ from: Nullable(Type.String()), to: Nullable(Type.String()) }, { description: 'ISO dates; from inclusive, to exclusive' });

const ModelVersionSchema = Type.Object({
  model: Type.String(),
  version: Type.String(),
  id: Type.String({ description: '<model>@<version>, as computed fields record it' }),
  status: Type.Union([Type.Literal('candidate'), Type.Literal('active'), Type.Literal('retired'), Type.Literal('rejected')]),
  statusReason: Nullable(Type.String()),
  primaryMetric: Type.String(),
  metricDirection: Type.Union([Type.Literal('higher'), Type.Literal('lower')]),
  primaryValue: Nullable(Type.Number()),
  metrics: Type.Record(Type.String(), Nullable(Type.Number())),
  dataset: Nullable(Type.String()),
  window: Window,
  dataFingerprint: Type.String(),
  holdoutFingerprint: Type.String(),
  codeVersion: Type.String(),
  checksums: Type.Record(Type.String(), Type.String()),
  comparison: Nullable(Type.Object({}, { additionalProperties: true, description: 'champion / challenger comparison at promotion' })),
  previousVersion: Nullable(Type.String()),
  hasReport: Type.Boolean(),
  createdAt: Type.String(),
  activatedAt: Nullable(Type.String()),
  retiredAt: Nullable(Type.String()),
  jobId: Nullable(Type.String({ description: 'the train job that recorded the version (GET /v1/jobs/:id); null when trained outside a job' })),
}, { $id: 'ModelVersion' });

const ModelEventSchema = Type.Object({
  action: Type.String(), version: Type.String(), fromVersion: Nullable(Type.String()), forced: Type.Boolean(),
  actor: Nullable(Type.String({ description: 'who acted: api:<role>#<key fingerprint> (api:admin (no key) with authentication off), cli, scheduler' })),
  reason: Nullable(Type.String()), at: Type.String(),
});

const DriftCheckSchema = Type.Object({
  id: Type.Integer(), version: Type.String(), source: Type.String(), rows: Type.Integer(), threshold: Type.Number(),
  maxPsi: Type.Number(), alert: Type.Boolean(), checkedAt: Type.String(),
  features: Type.Array(Type.Object({ feature: Type.String(), psi: Type.Number(), alert: Type.Boolean() })),
});

// JSON has no NaN: a metric the evaluation could not compute is null.
const finite = (x: number | null) => (x != null && Number.isFinite(x) ? x : null);
const present = (v: ModelVersion) => ({
  ...v,
  primaryValue: finite(v.primaryValue),
  metrics: Object.fromEntries(Object.entries(v.metrics).map(([k, x]) => [k, finite(x)])),
  comparison: v.comparison as Record<string, unknown> | null,
});

const modelRoutes: FastifyPluginAsyncTypebox<{ lifecycle: ModelLifecycle }> = async (app, { lifecycle }) => {
  const { registry, monitor } = lifecycle;
  // The key that acted, not only its role (several analysts hold analyst keys); `api:` tells it from the CLI and the scheduler.
  const actor = (request: { actor: string | null }) => `api:${request.actor ?? 'anonymous'}`;
  app.addSchema(ModelVersionSchema);
  const VersionRef = Type.Ref('ModelVersion');

  app.get('/v1/models', {
    schema: {
      tags: ['models'],
      summary: 'Models of the service, with their active version and datasets',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            name: Type.String(), description: Type.String(), primaryMetric: Type.String(),
            metricDirection: Type.String(), datasets: Type.Array(Type.String()), active: Nullable(Type.String()), versions: Type.Integer(),
            settings: Nullable(Type.Unknown({ description: 'JSON Schema of the settings a training may choose (POST .../train); null: none' })),
          })),
        }),
        ...errorResponses,
      },
    },
  }, async () => {
    const [active, counts] = await Promise.all([registry.activeVersions(), registry.table.countsByModel()]);
    return {
      items: registry.models().map((name) => {
        const entry = registry.entry(name);
        return {
          name,
          description: entry.description,
          primaryMetric: entry.kind.primaryMetric,
          metricDirection: entry.kind.metricDirection,
          datasets: datasetNames(entry),
          active: active.has(name) ? `${name}@${active.get(name)}` : null,
          versions: counts.get(name) ?? 0,
          settings: entry.settings?.schema ?? null,
        };
      }),
    };
  });

  app.get('/v1/models/:model/versions', {
    schema: {
      tags: ['models'],
      summary: 'Versions of a model, newest first',
      params: Type.Object({ model: ModelParam }),
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
      response: { 200: Type.Object({ items: Type.Array(VersionRef) }), ...errorResponses },
    },
  }, async (request) => ({ items: (await registry.list(request.params.model, request.query.limit)).map(present) }));

  app.get('/v1/models/:model/versions/:version', {
    schema: {
      tags: ['models'],
      summary: 'One version: metrics, window, fingerprints, checksums, comparison, history',
      params: Type.Object({ model: ModelParam, version: VersionParam }),
      response: { 200: Type.Object({ version: VersionRef, events: Type.Array(ModelEventSchema) }), ...errorResponses },
    },
  }, async (request) => {
    const { model, version } = request.params;
    const v = await registry.get(model, version);
    return { version: present(v), events: await registry.events(model, version) };
  });

  app.get('/v1/models/:model/versions/:version/report', {
    schema: {
      tags: ['models'],
      summary: 'The evaluation report of a version (self-contained HTML with SVG plots)',
      params: Type.Object({ model: ModelParam, version: VersionParam }),
      produces: ['text/html'],
      response: { 200: Type.String({ description: 'text/html' }), 409: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    const { model, version } = request.params;
    const html = await registry.readReport(model, version);
    if (html == null) throw AR_ERR.NOT_FOUND(['Report of', `${model}@${version}`]);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:").send(html);
  });

  app.post('/v1/models/:model/train', {
    config: { roles: ['analyst'], action: 'train models' },
    schema: {
      tags: ['models'],
      summary: 'Train a new version (a job); it is promoted only if not worse than the active one on the same holdout',
      params: Type.Object({ model: ModelParam }),
      body: Nullable(Type.Object({
        dataset: Type.Optional(Type.String({ maxLength: 100 })),
        from: Type.Optional(Day('first day of the training window (inclusive)')),
        to: Type.Optional(Day('end of the training window (exclusive)')),
        promote: Type.Optional(Type.Boolean({ description: 'default true; false leaves a candidate to activate by hand' })),
        // Random generators take 32 bits: a larger seed would quietly be another one.
        seed: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEED, description: 'seed of the random generator, 0 to 2^32 - 1' })),
        settings: Type.Optional(Type.Record(Type.String(), Type.Unknown(), {
          description: "the model's own settings (drift: when a change alerts, e.g. {\"evidenceThreshold\": {\"delay_creep\": 4}, \"delay\": {\"minEffectDays\": 10}}); " +
            "when absent, the active version's are kept",
        })),
      }, { additionalProperties: false })),
      response: { 202: QueuedJob, 503: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    const { model } = request.params;
    const body = request.body ?? {};
    const entry = registry.entry(model);
    if (body.dataset !== undefined && !Object.hasOwn(entry.datasets, body.dataset)) {
      throw AR_ERR.MODEL_DATASET_UNKNOWN([model, body.dataset, datasetNames(entry).join(', ') || '(none)']);
    }
    if (datasetNames(entry).length === 0) throw AR_ERR.MODEL_DATASET_UNKNOWN([model, '(default)', '(none yet)']);
    const window = { from: body.from ?? null, to: body.to ?? null };
    checkWindow(model, entry, window);
    // The ledger holds nothing dated after today: such a window would queue a training bound to fail.
    if (window.from !== null && window.from > todayIso()) {
      throw AR_ERR.VALIDATION([`the window starts after today (${todayIso()}): from ${window.from} leaves nothing to learn from`]);
    }
    // `to` is exclusive, and east of UTC today may already be tomorrow: the day after tomorrow is the latest end with data before it.
    if (window.to !== null && window.to > addDays(todayIso(), 2)) {
      throw AR_ERR.VALIDATION([`the window ends after tomorrow: to ${window.to} (today is ${todayIso()}) leaves its holdout, the last days before \`to\`, ` +
        'empty or short of the data it would need, since the ledger holds nothing dated later; leave `to` out to train up to today']);
    }
    if (body.settings !== undefined) checkSettings(model, entry, body.settings);
    const jobId = await lifecycle.train({
      model,
      dataset: body.dataset ?? null,
      window,
      promote: body.promote ?? true,
      seed: body.seed,
      settings: body.settings,
      actor: actor(request),
    });
    return sendQueued(reply, jobId);
  });

  app.post('/v1/models/:model/versions/:version/activate', {
    config: { roles: ['analyst'], action: 'activate model versions' },
    schema: {
      tags: ['models'],
      summary: 'Activate a version; a worse or uncompared one needs force: true (recorded); a corrupt one never',
      params: Type.Object({ model: ModelParam, version: VersionParam }),
      body: Nullable(Type.Object({
        force: Type.Optional(Type.Boolean({ description: 'activate even if worse than the active version or not compared with it (recorded)' })),
        reason: Type.Optional(Type.String({ maxLength: 500 })),
      }, { additionalProperties: false })),
      response: { 200: VersionRef, 409: ProblemRef, ...errorResponses },
    },
  }, async (request) => {
    const { model, version } = request.params;
    const v = await registry.activate(model, version, {
      force: request.body?.force ?? false, reason: request.body?.reason ?? null, actor: actor(request),
    });
    return present(v);
  });

  app.post('/v1/models/:model/rollback', {
    config: { roles: ['analyst'], action: 'roll back models' },
    schema: {
      tags: ['models'],
      summary: 'Activate again the version that was active before the current one',
      params: Type.Object({ model: ModelParam }),
      body: Nullable(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })),
      response: { 200: VersionRef, 409: ProblemRef, ...errorResponses },
    },
  }, async (request) => present(await registry.rollback(request.params.model, { actor: actor(request), reason: request.body?.reason ?? null })));

  app.get('/v1/models/:model/monitoring', {
    schema: {
      tags: ['models'],
      summary: 'Input drift checks (population stability of each feature against the training data), at each rescoring and retraining, newest first',
      params: Type.Object({ model: ModelParam }),
      querystring: Type.Object({
        alertsOnly: Type.Boolean({ default: false }),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        source: Type.Optional(Type.Union([Type.Literal('rescore'), Type.Literal('retrain'), Type.Literal('scoring')], {
          description: 'rescore: what each refresh scored, against the served version; retrain: the new holdout, against the version active then; scoring: inputs a caller of checkInputs sent',
        })),
      }),
      response: { 200: Type.Object({ threshold: Type.Number(), items: Type.Array(DriftCheckSchema) }), ...errorResponses },
    },
  }, async (request) => {
    registry.entry(request.params.model);
    return { threshold: monitor.threshold, items: await monitor.list(request.params.model, request.query) };
  });
};

export default modelRoutes;
