// Prometheus metrics: process defaults, request latency per route, and the
// workbook exports' threads (a line that stays long says XLSX_QUEUE_LIMIT's
// 503s are near, before clients see them).
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { workbookThreads } from '../../reports/index.js';

async function metricsPlugin(app: FastifyInstance) {
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
