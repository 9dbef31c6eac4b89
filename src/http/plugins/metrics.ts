// Prometheus metrics: process defaults, request latency per route, the
// workbook exports' threads (a line that stays long says XLSX_QUEUE_LIMIT's
// 503s are near, before clients see them), and the input drift of the last
// rescoring, read from the database: the worker that rescored may be another
// process.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { workbookThreads } from '../../reports/index.js';
import { RESCORE_SOURCE } from '../../pipeline/input-drift.js';
import type { ModelMonitor } from '../../ml/monitoring/monitor.js';
import type { ScheduledRunRow } from '../../jobs/scheduled-runs.js';

export interface MetricsOptions {
  /** The drift checks of rescorings; none: no drift gauges. */
  monitor?: Pick<ModelMonitor, 'latest'>;
  /** Each schedule's latest firing claimed in the database (null: none are claimed); none: no schedule gauges. */
  scheduledRuns?: () => Promise<ScheduledRunRow[] | null>;
}

/** Each schedule's latest firing as instances without Redis claimed it: an alert can tell a night's refresh given up on. */
function scheduleGauges(registry: client.Registry, scheduledRuns: () => Promise<ScheduledRunRow[] | null>): void {
  const latest = async () => {
    const rows = (await scheduledRuns().catch(() => null)) ?? [];
    const bySchedule = new Map<string, ScheduledRunRow>();
    for (const r of rows) if (!bySchedule.has(r.schedulerId)) bySchedule.set(r.schedulerId, r);
    return [...bySchedule.values()];
  };
  new client.Gauge({
    name: 'scheduled_run_attempts',
    help: 'Attempts made at the latest firing of each schedule, by its state (running, completed, failed, cancelled)',
    labelNames: ['scheduler', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await latest()) this.set({ scheduler: r.schedulerId, state: r.state }, r.attempts);
    },
  });
  new client.Gauge({
    name: 'scheduled_run_given_up',
    help: 'Whether the latest firing of each schedule was given up on (1): it failed at its last attempt, or that attempt\'s instance stopped renewing its lease; nobody runs it before the next one',
    labelNames: ['scheduler'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await latest()) this.set({ scheduler: r.schedulerId }, r.givenUp ? 1 : 0);
    },
  });
}

/** The last rescoring's input drift per model: each feature's PSI, and whether any was over the threshold. */
function driftGauges(registry: client.Registry, monitor: Pick<ModelMonitor, 'latest'>): void {
  // A database that does not answer leaves the drift gauges empty, not the whole scrape failed.
  const lastRescoring = () => monitor.latest(RESCORE_SOURCE).catch(() => []);
  new client.Gauge({
    name: 'model_input_drift_psi',
    help: "Population stability index of each input feature in the last rescoring, against the served version's reference",
    labelNames: ['model', 'version', 'feature'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await lastRescoring()) for (const f of c.features) this.set({ model: c.model, version: c.version, feature: f.feature }, f.psi);
    },
  });
  new client.Gauge({
    name: 'model_input_drift_alert',
    help: 'Whether a feature of the last rescoring moved beyond INPUT_DRIFT_PSI_THRESHOLD (1) or none did (0)',
    labelNames: ['model', 'version'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await lastRescoring()) this.set({ model: c.model, version: c.version }, c.alert ? 1 : 0);
    },
  });
}

async function metricsPlugin(app: FastifyInstance, options: MetricsOptions) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  new client.Gauge({
    name: 'xlsx_export_threads_busy',
    help: `Workbook export threads building now (at most ${workbookThreads.size})`,
    registers: [registry],
    collect() { this.set(workbookThreads.state.held); },
  });
  new client.Gauge({
    name: 'xlsx_exports_waiting',
    help: 'Workbook exports waiting for a thread (at most XLSX_QUEUE_LIMIT)',
    registers: [registry],
    collect() { this.set(workbookThreads.state.waiting); },
  });
  if (options.monitor) driftGauges(registry, options.monitor);
  if (options.scheduledRuns) scheduleGauges(registry, options.scheduledRuns);
  app.decorate('metrics', registry);
  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: client.Registry;
  }
}

export default fp(metricsPlugin, { name: 'metrics' });
