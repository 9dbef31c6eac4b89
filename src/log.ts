// The processes' pino options: the app's logger, and the logger the services
// (model lifecycle, jobs) get, built before the app by server.ts and worker.ts.
import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';

// Secrets and personal data never reach the logs.
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.email',
  '*.body',
  '*.subject',
  '*.phone',
];

// The query parameter that carries personal data: `q` finds a customer by name or id.
const PERSONAL_QUERY = /([?&]q=)[^&#]*/g;

/** The URL as logged: a customer search term is personal data, the rest of the query says what was asked. */
export const loggedUrl = (url: string): string => url.replace(PERSONAL_QUERY, '$1[redacted]');

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function logOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      // Fastify's own request serializer, but for the URL.
      req: (req: LoggedRequest) => ({
        method: req.method, url: req.url === undefined ? undefined : loggedUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
      }),
    },
  };
}
