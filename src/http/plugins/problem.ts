// One error handler for the whole API: every error leaves as problem+json with
// a stable AR_ERR_* code. Bad input is a 4xx with what to fix, never a 500.
import fp from 'fastify-plugin';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { isArError } from '../../errors.js';
import { validationDetail } from './validation-errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 499: 'Client Closed Request',
  500: 'Internal Server Error', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

// Fastify's own client-error codes, renamed into our catalogue.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'AR_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'AR_ERR_INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'AR_ERR_INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'AR_ERR_VALIDATION',
  FST_ERR_VALIDATION: 'AR_ERR_VALIDATION',
};

/**
 * Past the import route, which reads its own types, a body is read as JSON
 * only (input.ts). The type sent is named by its media type alone, cut short:
 * a header is the client's text, not to be echoed whole.
 */
function unsupportedMediaType(contentType: string | undefined): string {
  const sent = contentType?.split(';')[0].trim().slice(0, 100);
  return `Send the body as application/json: ${sent ? `${sent} is not read` : 'no Content-Type was given'}`;
}

/** A 503 is a moment's outage (Redis, load): clients are told when to send the request again. */
export const RETRY_AFTER_SECONDS = 5;

export const retryLater = (reply: FastifyReply): FastifyReply => reply.header('retry-after', String(RETRY_AFTER_SECONDS));

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extras: Record<string, unknown> = {},
) {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: `urn:ar:problem:${code.toLowerCase().replace(/_/g, '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      code,
      instance: reply.request.url,
      ...extras,
    });
}

/**
 * Errors Fastify meets before any route or hook runs (a URL that does not
 * decode, a path parameter past its length): without this they leave as
 * Fastify's own JSON, not problem documents.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, 414, 'AR_ERR_URI_TOO_LONG', 'A path parameter is too long');
  if (err.code === 'FST_ERR_BAD_URL') return sendProblem(reply, 400, 'AR_ERR_BAD_URL', 'The URL is not valid: a path segment does not decode (percent-encoding)');
  reply.log.error({ err }, 'framework error');
  return sendProblem(reply, 500, 'AR_ERR_INTERNAL', 'An unexpected error occurred; it was logged with this request id');
}

/**
 * Requests Node's HTTP parser refuses (a malformed request line, a bad
 * Content-Length, headers past their size) never reach Fastify: the answer is
 * written on the socket, as a problem document like every other.
 */
export function clientErrorHandler(this: { log: FastifyBaseLogger }, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'AR_ERR_REQUEST_TIMEOUT', 'The request did not arrive in time']
    : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'AR_ERR_HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts']
    : [400, 'AR_ERR_BAD_REQUEST', 'The request is not valid HTTP/1.1 (request line, headers or Content-Length)'];
  this.log.debug({ err }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ type: `urn:ar:problem:${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status], status, detail, code });
    socket.write(`HTTP/1.1 ${status} ${TITLES[status]}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/problem+json\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

async function problemPlugin(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isArError(err)) {
      const e = err as unknown as { statusCode: number; code: string; message: string; extras?: Record<string, unknown>; retryable?: boolean };
      // An outage (503) is logged once per request, as a warning: the queue logs the outage itself.
      if (e.statusCode === 503) request.log.warn({ code: e.code, detail: e.message }, 'service unavailable');
      else if (e.statusCode >= 500) request.log.error({ err }, 'service error');
      // Not when the request's change was saved: sent again, it would be made twice.
      if (e.statusCode === 503 && e.retryable !== false) retryLater(reply);
      // A refusal that says when it would pass (a run applying) says it in the header too.
      const retryAfter = e.extras?.retryAfter;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return sendProblem(reply, e.statusCode, e.code, e.message, e.extras ?? {});
    }
    if (err.validation) {
      const { detail, errors } = validationDetail(err);
      return sendProblem(reply, 400, 'AR_ERR_VALIDATION', detail, { errors });
    }
    const status = err.statusCode ?? 500;
    if (status === 429) return sendProblem(reply, 429, 'AR_ERR_RATE_LIMITED', err.message);
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(reply, 415, 'AR_ERR_UNSUPPORTED_MEDIA_TYPE', unsupportedMediaType(request.headers['content-type']));
    }
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[err.code] ?? 'AR_ERR_BAD_REQUEST';
      return sendProblem(reply, status, code, err.message);
    }
    if (status === 503) return sendProblem(retryLater(reply), 503, 'AR_ERR_UNAVAILABLE', err.message);
    request.log.error({ err }, 'unexpected error');
    return sendProblem(reply, 500, 'AR_ERR_INTERNAL', 'An unexpected error occurred; it was logged with this request id');
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods(app, request.method, request.url);
    if (allowed.length === 0) return sendProblem(reply, 404, 'AR_ERR_ROUTE_NOT_FOUND', `No route ${request.method} ${path}`);
    const allow = allowed.join(', ');
    return sendProblem(reply.header('allow', allow), 405, 'AR_ERR_METHOD_NOT_ALLOWED', `${path} does not take ${request.method}: it takes ${allow}`);
  });
}

/**
 * The methods the router has a route for at this URL, when the request's own
 * is not one (RFC 9110 §15.5.6: a 405 lists them in Allow); none for a path
 * no route matches. HEAD comes here only where there is no GET (Fastify
 * serves it wherever GET is), and OPTIONS always: no CORS plugin answers it.
 */
function allowedMethods(app: FastifyInstance, method: string, url: string): string[] {
  return app.supportedMethods.filter((m) => m !== method && app.findRoute({ method: m as HTTPMethods, url }) !== null);
}

export default fp(problemPlugin, { name: 'problem' });
