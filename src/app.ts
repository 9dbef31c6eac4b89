// Builds the Fastify app from its services; never listens (server.ts does).
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import crypto from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from './services.js';
import { logOptions } from './log.js';
import problem, { clientErrorHandler, frameworkErrors, retryLater, sendProblem } from './http/plugins/problem.js';
import auth, { rateLimitKey } from './http/plugins/auth.js';
import input from './http/plugins/input.js';
import metrics from './http/plugins/metrics.js';
import { Problem, ProblemRef } from './http/schemas/common.js';
import { asServed } from './http/openapi.js';
import healthRoutes from './http/routes/health.js';
import importRoutes, { jobRoutes } from './http/routes/imports.js';
import refreshRoutes from './http/routes/refresh.js';
import customerRoutes from './http/routes/customers.js';
import invoiceRoutes from './http/routes/invoices.js';
import modelRoutes from './http/routes/models.js';
import scoringRoutes from './http/routes/scoring.js';
import agendaRoutes from './http/routes/agenda.js';
import reportRoutes from './http/routes/reports.js';
import criteriaRoutes from './http/routes/criteria.js';
import searchRoutes from './http/routes/searches.js';
import assignRoutes from './http/routes/assign.js';
import inboundRoutes from './http/routes/inbound.js';
import qualityRoutes from './http/routes/quality.js';
import { textNumbers } from './http/text-numbers.js';
import { XLSX_TYPE } from './reports/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Answered while the service is overloaded too: the liveness probe, since
     * overload is a reason to send traffic elsewhere, not to restart the process.
     */
    answersOverloaded?: boolean;
  }
}

/** Probes and scrapers: a monitor must see the service even while a caller at its address is throttled. */
const unthrottled = (request: { url?: string }): boolean => /^\/(health|metrics)(\/|\?|$)/.test(request.url ?? '');

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  /** A logger built beforehand (server.ts gives the services the same one). */
  loggerInstance?: FastifyBaseLogger;
}

type ValidatorFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator'];

// Query strings, path parameters and headers arrive as text, so `limit=10` must
// become 10; a JSON body already has its types, and coercing it would score
// `"amount": true` as 1 or read `"subject": 1` as "1". Bodies get an Ajv
// without coercion, the other parts keep it, taking integers in decimal digits
// only and refusing what coerces to ±Infinity.
function partAwareValidator(): ValidatorFactory {
  type Compile = (route: { httpPart?: string; schema?: unknown }) => unknown;
  type Options = { customOptions?: Record<string, unknown> };
  // The published typings describe the pool's compiler as ajv.compile; Fastify calls it with the route definition.
  const pool = AjvCompiler() as unknown as (externalSchemas: unknown, options: Options) => Compile;
  const factory = (externalSchemas: unknown, options: Options): Compile => {
    const coercing = pool(externalSchemas, options);
    const strict = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
    return (route) => (route.httpPart === 'body' ? strict(route) : textNumbers(route.schema, coercing(route) as Parameters<typeof textNumbers>[1]));
  };
  return factory as unknown as ValidatorFactory;
}

/**
 * A misspelt query parameter (`?colector=COL-01`) would otherwise be ignored
 * and answer for the whole portfolio: the API's query strings are closed.
 */
function refuseUnknownQueryParameters(route: { schema?: { querystring?: unknown } }): void {
  const query = route.schema?.querystring as { type?: string; additionalProperties?: unknown } | undefined;
  if (!route.schema) route.schema = {};
  if (query === undefined) route.schema.querystring = { type: 'object', properties: {}, additionalProperties: false };
  else if (query.type === 'object' && query.additionalProperties === undefined) route.schema.querystring = { ...query, additionalProperties: false };
}

/**
 * Statuses the framework answers before any handler, documented on each
 * operation they can reach: 503 when the process is overloaded, 414 for a
 * path parameter too long, 413 and 415 for a body too large or of another
 * media type. A client generated from the document then knows them all.
 */
function documentFrameworkRefusals(route: { url: string; schema?: { body?: unknown; response?: unknown } }): void {
  const response = route.schema?.response as Record<number, unknown> | undefined;
  if (!response) return;
  // And 504 where a workbook may be answered: its build has a time limit (XLSX_TIMEOUT_MS).
  const exportsWorkbooks = XLSX_TYPE in ((response[200] as { content?: object } | undefined)?.content ?? {});
  const statuses = [503, ...(exportsWorkbooks ? [504] : []), ...(route.url.includes(':') ? [414] : []), ...(route.schema?.body ? [413, 415] : [])];
  for (const status of statuses) response[status] ??= ProblemRef;
}

export async function buildApp(services: Services, options: BuildAppOptions = {}) {
  const { config } = services;
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? logOptions(config) }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
    schemaController: { compilersFactory: { buildValidator: partAwareValidator() } },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('services', services);
  // A response sent once the shutdown has begun closes its connection: a
  // request in flight then (a synchronous import) left its keep-alive
  // connection open for keepAliveTimeout (72 s) after its answer, which held
  // app.close() past close-with-grace's delay, and the process was killed
  // with the embedded database open.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // A callback hook, not an async one: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // External plugins first, then the app's own, then routes (fastify/demo order).
  await app.register(problem);
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Collections intelligence service',
        version: '0.1.0',
        description: 'Scoring, triage, Search & Assign and agenda for accounts-receivable teams. ' +
          'Errors are RFC 9457 problem documents with a stable AR_ERR_* code.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (doc) => asServed(doc as Parameters<typeof asServed>[0]),
  });
  app.addHook('onRoute', (route) => {
    // The docs are public, like health and metrics.
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
    if (route.url.startsWith('/v1/')) {
      refuseUnknownQueryParameters(route);
      documentFrameworkRefusals(route);
    }
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    exposeStatusRoute: false,
    pressureHandler: (req, reply) => {
      // Returning without an answer lets the request through.
      if (req.routeOptions.config.answersOverloaded) return;
      void sendProblem(retryLater(reply), 503, 'AR_ERR_OVERLOADED', 'The service is overloaded; retry shortly');
    },
  });
  await app.register(rateLimit, {
    global: false,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: rateLimitKey(config.apiKeys),
    allowList: unthrottled,
  });
  // One app-wide hook, added before authentication's: as a route hook the limit
  // ran after it, so a key the service did not know was answered 401 and never
  // counted, and a caller could guess keys at full speed. Unknown and missing
  // keys now spend their address's budget (rateLimitKey), never a real key's.
  app.addHook('onRequest', app.rateLimit());
  await app.register(metrics, { monitor: services.models.monitor, scheduledRuns: () => services.jobs.latestScheduledRuns() });
  await app.register(auth, { keys: config.apiKeys });
  await app.register(input);

  await app.register(healthRoutes);
  await app.register(importRoutes);
  await app.register(jobRoutes);
  await app.register(refreshRoutes);
  await app.register(customerRoutes);
  await app.register(invoiceRoutes);
  await app.register(modelRoutes, { lifecycle: services.models });
  await app.register(scoringRoutes);
  await app.register(agendaRoutes, { policy: services.agendaPolicy });
  await app.register(reportRoutes);
  await app.register(criteriaRoutes);
  await app.register(searchRoutes);
  await app.register(assignRoutes);
  await app.register(inboundRoutes);
  await app.register(qualityRoutes);
  return app;
}
