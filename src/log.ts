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

export function logOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return { level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } };
}
