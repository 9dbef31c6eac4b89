// Configuration, read once from the environment. Nothing else in the service
// reads process.env but the TensorFlow.js backend choice (TF_BACKEND, src/ml/tf.ts),
// which training scripts need without a config.
import os from 'node:os';
import path from 'node:path';
import parser from 'cron-parser';
import { currencyCode } from './ingest/checks.js';
import { DEFAULT_PSI_THRESHOLD } from './ml/monitoring/psi.js';

export type Role = 'platform' | 'analyst' | 'collector' | 'admin';
export const ROLES: readonly Role[] = ['platform', 'analyst', 'collector', 'admin'];

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; absent means the embedded PGlite database under `dataDir`. */
  databaseUrl: string | null;
  /** Redis URL; absent means jobs run in-process. */
  redisUrl: string | null;
  dataDir: string;
  modelsDir: string;
  /** key → role; an empty map disables auth (development only, logged loudly). */
  apiKeys: Map<string, ApiKey>;
  logLevel: string;
  rateLimitPerMinute: number;
  /** Import a seeded demo world and train models on an empty database at start. */
  demoOnEmpty: boolean;
  demoCustomers: number;
  /** Models the demo trains on first start (all by default). */
  demoModels: string[] | null;
  /** Generated emails the inbound triage trains on. */
  inboundCorpusSize: number;
  inboundThreads: number;
  /** An email import that inserts or changes at most this many emails triages them itself; more are left to its refresh. */
  inboundImportTriageMax: number;
  /** The currency the agenda ranks amounts of several currencies in, with imported exchange rates. */
  reportingCurrency: string;
  /** API processes also consume the shared job queue (WORKER_IN_API, default true). */
  workerInApi: boolean;
  nightlyCron: string | null;
  /** Scheduled retraining of every model (champion / challenger); null = off. */
  retrainCron: string | null;
  /** An assignment run queued or started this long ago whose job the runner does not know is swept as abandoned. */
  assignRunStaleMinutes: number;
  bodyLimitBytes: number;
  /** Answer 503 when the event loop lags more than this (ms); 0 = never. */
  maxEventLoopDelayMs: number;
  /** A workbook export still building this long after its thread started is stopped, answering 504. */
  xlsxTimeoutMs: number;
  /** Workbook exports that may wait for a thread; past them, 503 at once. */
  xlsxQueueLimit: number;
  /** PSI above which an input feature of a model is flagged as drifted (at retraining and at each rescoring). */
  inputDriftPsiThreshold: number;
}

export interface ApiKey {
  role: Role;
  /** A collector key may be bound to one collector: it then sees only that agenda. */
  collectorExternalId: string | null;
}

/**
 * `key:role,key:role`; a collector key may name its collector: `key:collector@COL-1`.
 * A refusal names the entry by its place and quotes what follows the key, never
 * the key: start-up errors land in the same logs as everything else.
 */
export function parseApiKeys(spec: string | undefined): Map<string, ApiKey> {
  const keys = new Map<string, ApiKey>();
  const places = new Map<string, number>();
  const entries = (spec ?? '').split(',').map((s) => s.trim());
  for (const [n, part] of entries.entries()) {
    if (part === '') continue;
    const i = part.lastIndexOf(':');
    const key = part.slice(0, i);
    const [role, collector] = part.slice(i + 1).split('@') as [Role, string | undefined];
    if (i <= 0 || !ROLES.includes(role) || (collector !== undefined && (role !== 'collector' || collector === ''))) {
      const shown = i < 0 ? '(no ":role")' : `"${i === 0 ? '' : '<key>'}${part.slice(i)}"`;
      throw new Error(`API_KEYS: entry ${n + 1}, ${shown}, is not key:role (role in ${ROLES.join('|')}) or key:collector@<collectorExternalId>`);
    }
    // The last one silently won: a key listed as collector and again as admin was admin.
    if (places.has(key)) throw new Error(`API_KEYS: entries ${places.get(key)! + 1} and ${n + 1} give the same key; a key has one role`);
    places.set(key, n);
    keys.set(key, { role, collectorExternalId: collector ?? null });
  }
  return keys;
}

/** A setting's value, null when absent or blank: a blank setting takes its default, whatever its kind. */
function given(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw;
}

/**
 * A whole-number setting, its default when absent or blank. Anything else that
 * is not a whole number of at least `min` stops the start naming the variable:
 * Number("abc") would go on as NaN and fail much later, far from its cause.
 */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = given(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new Error(`${name}: "${raw}" is not a whole number ${range}`);
  }
  return n;
}

/** A positive decimal setting, its default when absent or blank; anything else stops the start naming the variable. */
function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = given(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: "${raw}" is not a number above 0`);
  return n;
}

function currency(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  const problem = currencyCode(raw);
  if (problem) throw new Error(`${name}: ${problem}`);
  return raw;
}

/**
 * A true/false switch, its default when absent or blank. `0`, `no` or `False`
 * used to read as true (anything but "false" did): a switch turned off that
 * stays on, silently, is worse than a start that stops.
 */
function switchOf(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = given(env, name);
  if (raw === null) return fallback;
  if (raw.trim() === 'true') return true;
  if (raw.trim() === 'false') return false;
  throw new Error(`${name}: "${raw}" is not true or false`);
}

/**
 * A schedule: `off` for none, its default when absent or blank, else a cron
 * expression checked now. cron-parser reads a blank one as "every minute"
 * (NIGHTLY_CRON= would rescore, RETRAIN_CRON= retrain every model, each
 * minute), and a malformed one failed later with no variable named, or, on
 * Redis, was retried in the background for ever.
 */
function cronOf(env: NodeJS.ProcessEnv, name: string, fallback: string): string | null {
  const raw = given(env, name);
  if (raw === null) return fallback;
  if (raw.trim() === 'off') return null;
  try {
    parser.parseExpression(raw);
  } catch (err) {
    throw new Error(`${name}: "${raw}" is not a cron expression (${(err as Error).message}) or off`);
  }
  return raw.trim();
}

/** A comma-separated list, null (the default) when it names nothing: `DEMO_MODELS=,` trained no model at all. */
function listOf(env: NodeJS.ProcessEnv, name: string): string[] | null {
  const items = (env[name] ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  return items.length > 0 ? items : null;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevelOf(env: NodeJS.ProcessEnv): string {
  const raw = given(env, 'LOG_LEVEL');
  if (raw === null) return 'info';
  if (!LOG_LEVELS.includes(raw.trim())) throw new Error(`LOG_LEVEL: "${raw}" is not one of ${LOG_LEVELS.join(', ')}`);
  return raw.trim();
}

/** A text setting, its default when absent or blank: `HOST=` listened on every interface, `DATA_DIR=` used the working directory. */
function textOf(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  return given(env, name) ?? fallback;
}

/**
 * A server's URL, null when absent or blank. A URL of another scheme went on
 * to fail at every connection far from its cause: ioredis reads
 * `http://host:6379` as the Unix socket `//host:6379`, and the service waited
 * for that Redis for ever. Refused naming the scheme, never quoting the URL:
 * it may hold a password.
 */
function urlOf(env: NodeJS.ProcessEnv, name: string, schemes: string[]): string | null {
  const raw = given(env, name);
  if (raw === null) return null;
  let scheme: string | null = null;
  try {
    scheme = new URL(raw.trim()).protocol;
  } catch {
    // not a URL at all
  }
  if (scheme === null || !schemes.includes(scheme)) {
    const got = scheme === null ? 'it does not parse as a URL' : `its scheme is ${scheme}`;
    throw new Error(`${name}: not a ${schemes.map((s) => `${s}//`).join(' or ')} URL (${got})`);
  }
  return raw.trim();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(textOf(env, 'DATA_DIR', 'data'));
  const databaseUrl = urlOf(env, 'DATABASE_URL', ['postgresql:', 'postgres:', 'socket:']);
  return {
    port: wholeNumber(env, 'PORT', 3000, 0, 65535),
    host: textOf(env, 'HOST', '127.0.0.1'),
    databaseUrl,
    redisUrl: urlOf(env, 'REDIS_URL', ['redis:', 'rediss:']),
    dataDir,
    modelsDir: path.resolve(textOf(env, 'MODELS_DIR', 'models')),
    apiKeys: parseApiKeys(env.API_KEYS),
    logLevel: logLevelOf(env),
    rateLimitPerMinute: wholeNumber(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1),
    demoOnEmpty: switchOf(env, 'DEMO_ON_EMPTY', true),
    demoCustomers: wholeNumber(env, 'DEMO_CUSTOMERS', 2000, 1),
    demoModels: listOf(env, 'DEMO_MODELS'),
    inboundCorpusSize: wholeNumber(env, 'INBOUND_CORPUS_SIZE', 6000, 1),
    reportingCurrency: currency(env, 'REPORTING_CURRENCY', 'USD'),
    // One scoring thread beside the event loop wherever there is a second core.
    inboundThreads: wholeNumber(env, 'INBOUND_THREADS', os.availableParallelism() > 1 ? 1 : 0, 0),
    inboundImportTriageMax: wholeNumber(env, 'INBOUND_IMPORT_TRIAGE_MAX', 100, 0),
    workerInApi: switchOf(env, 'WORKER_IN_API', true),
    nightlyCron: cronOf(env, 'NIGHTLY_CRON', '0 2 * * *'),
    retrainCron: cronOf(env, 'RETRAIN_CRON', '0 3 * * 0'),
    assignRunStaleMinutes: wholeNumber(env, 'ASSIGN_RUN_STALE_MINUTES', 60, 1),
    bodyLimitBytes: wholeNumber(env, 'BODY_LIMIT_BYTES', 1024 * 1024 * 1024, 1),
    // The embedded database runs on the event loop: long queries there are
    // normal, not overload, so the guard is off by default without PostgreSQL.
    maxEventLoopDelayMs: wholeNumber(env, 'MAX_EVENT_LOOP_DELAY_MS', databaseUrl ? 2000 : 0, 0),
    // 100,000 rows build in about 12 s on an idle machine and took 28 s on
    // one loaded 4 times over (docs/operations.md): room for twice that.
    xlsxTimeoutMs: wholeNumber(env, 'XLSX_TIMEOUT_MS', 60_000, 1),
    // Each waits holding its rows; with one thread a core, the last in line
    // waits for two rounds of builds at most before its own.
    xlsxQueueLimit: wholeNumber(env, 'XLSX_QUEUE_LIMIT', 2 * os.availableParallelism(), 0),
    // 0.2 is credit scoring's rule of thumb for a shifted population (src/ml/monitoring/psi.ts).
    inputDriftPsiThreshold: positiveNumber(env, 'INPUT_DRIFT_PSI_THRESHOLD', DEFAULT_PSI_THRESHOLD),
  };
}
