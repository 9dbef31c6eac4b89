import os from 'node:os';
import { describe, it, expect } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('when DEMO_CUSTOMERS is set', () => {
  it('takes a whole number, and the default when absent or blank', () => {
    expect(loadConfig({ DEMO_CUSTOMERS: '60' }).demoCustomers).toBe(60);
    expect(loadConfig({}).demoCustomers).toBe(2000);
    expect(loadConfig({ DEMO_CUSTOMERS: '' }).demoCustomers).toBe(2000);
  });

  it.each(['abc', '12.5', '0', '-3'])('stops the start on "%s", naming the variable and the value', (value) => {
    expect(() => loadConfig({ DEMO_CUSTOMERS: value })).toThrow(`DEMO_CUSTOMERS: "${value}" is not a whole number of at least 1`);
  });
});

describe('when another numeric setting is not a number', () => {
  it.each([
    ['PORT', 'http', 'is not a whole number from 0 to 65535'],
    ['PORT', '70000', 'is not a whole number from 0 to 65535'],
    ['RATE_LIMIT_PER_MINUTE', '0', 'is not a whole number of at least 1'],
    ['INBOUND_CORPUS_SIZE', '6k', 'is not a whole number of at least 1'],
    ['INBOUND_THREADS', '-1', 'is not a whole number of at least 0'],
    ['INBOUND_IMPORT_TRIAGE_MAX', 'all', 'is not a whole number of at least 0'],
    ['BODY_LIMIT_BYTES', '1e', 'is not a whole number of at least 1'],
    ['MAX_EVENT_LOOP_DELAY_MS', 'none', 'is not a whole number of at least 0'],
    ['ASSIGN_RUN_STALE_MINUTES', '0', 'is not a whole number of at least 1'],
    ['XLSX_TIMEOUT_MS', '0', 'is not a whole number of at least 1'],
    ['XLSX_QUEUE_LIMIT', '-1', 'is not a whole number of at least 0'],
    ['INPUT_DRIFT_PSI_THRESHOLD', '0', 'is not a number above 0'],
    ['INPUT_DRIFT_PSI_THRESHOLD', 'high', 'is not a number above 0'],
  ])('stops the start on %s="%s"', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name}: "${value}" ${message}`);
  });

  it('keeps the values it was given and the defaults', () => {
    expect(loadConfig({ PORT: '0', INBOUND_THREADS: '0', RATE_LIMIT_PER_MINUTE: '60' })).toMatchObject({ port: 0, inboundThreads: 0, rateLimitPerMinute: 60 });
    expect(loadConfig({})).toMatchObject({ port: 3000, rateLimitPerMinute: 6000, bodyLimitBytes: 1024 ** 3, maxEventLoopDelayMs: 0, assignRunStaleMinutes: 60 });
    expect(loadConfig({})).toMatchObject({ xlsxTimeoutMs: 60_000, xlsxQueueLimit: 2 * os.availableParallelism() });
    expect(loadConfig({ XLSX_TIMEOUT_MS: '5000', XLSX_QUEUE_LIMIT: '0' })).toMatchObject({ xlsxTimeoutMs: 5000, xlsxQueueLimit: 0 });
    expect(loadConfig({}).inputDriftPsiThreshold).toBe(0.2);
    expect(loadConfig({}).inboundImportTriageMax).toBe(100);
    expect(loadConfig({ INBOUND_IMPORT_TRIAGE_MAX: '0' }).inboundImportTriageMax).toBe(0);
    expect(loadConfig({ INPUT_DRIFT_PSI_THRESHOLD: '0.1' }).inputDriftPsiThreshold).toBe(0.1);
  });
});

describe('when REPORTING_CURRENCY is set', () => {
  it('takes an ISO 4217 code, USD when absent', () => {
    expect(loadConfig({ REPORTING_CURRENCY: 'EUR' }).reportingCurrency).toBe('EUR');
    expect(loadConfig({}).reportingCurrency).toBe('USD');
  });

  it('stops the start on a code that is no currency', () => {
    expect(() => loadConfig({ REPORTING_CURRENCY: 'eur' })).toThrow('REPORTING_CURRENCY: must be an ISO 4217 currency code in capitals (EUR, USD), got "eur"');
  });
});

describe('when a schedule is set (NIGHTLY_CRON, RETRAIN_CRON)', () => {
  it('takes a cron expression, off, or the default when absent or blank', () => {
    expect(loadConfig({ NIGHTLY_CRON: '30 1 * * *', RETRAIN_CRON: 'off' })).toMatchObject({ nightlyCron: '30 1 * * *', retrainCron: null });
    expect(loadConfig({})).toMatchObject({ nightlyCron: '0 2 * * *', retrainCron: '0 3 * * 0' });
    // cron-parser reads a blank expression as "every minute": a whole rescore, or every model retrained, each minute.
    expect(loadConfig({ NIGHTLY_CRON: '', RETRAIN_CRON: ' ' })).toMatchObject({ nightlyCron: '0 2 * * *', retrainCron: '0 3 * * 0' });
  });

  it.each([
    ['NIGHTLY_CRON', 'bogus'],
    ['NIGHTLY_CRON', '61 * * * *'],
    ['RETRAIN_CRON', 'OFF'],
    ['RETRAIN_CRON', '* * * * * * *'],
  ])('stops the start on %s="%s", naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name}: "${value}" is not a cron expression`);
  });
});

describe('when a switch is set (DEMO_ON_EMPTY, WORKER_IN_API)', () => {
  it('takes true or false, the default when absent or blank', () => {
    expect(loadConfig({ DEMO_ON_EMPTY: 'false', WORKER_IN_API: 'false' })).toMatchObject({ demoOnEmpty: false, workerInApi: false });
    expect(loadConfig({ DEMO_ON_EMPTY: 'true', WORKER_IN_API: 'true' })).toMatchObject({ demoOnEmpty: true, workerInApi: true });
    expect(loadConfig({ DEMO_ON_EMPTY: '', WORKER_IN_API: '' })).toMatchObject({ demoOnEmpty: true, workerInApi: true });
  });

  // Anything but "false" read as true: WORKER_IN_API=0 left the API consuming the queue, DEMO_ON_EMPTY=no built the demo.
  it.each([['DEMO_ON_EMPTY', 'no'], ['DEMO_ON_EMPTY', '0'], ['WORKER_IN_API', 'False'], ['WORKER_IN_API', 'off']])(
    'stops the start on %s="%s"', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(`${name}: "${value}" is not true or false`);
    },
  );
});

describe('when LOG_LEVEL is set', () => {
  it('takes a pino level, info when absent or blank', () => {
    expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: '' }).logLevel).toBe('info');
  });

  it('stops the start on another, naming the levels', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent');
  });
});

describe('when API_KEYS is set', () => {
  it('reads key:role entries, a collector key with its collector', () => {
    const keys = loadConfig({ API_KEYS: 'a-key:platform, c:d:collector@COL-1,,' }).apiKeys;
    expect([...keys]).toEqual([['a-key', { role: 'platform', collectorExternalId: null }], ['c:d', { role: 'collector', collectorExternalId: 'COL-1' }]]);
  });

  // The error goes to the logs: it named the whole entry, the secret with it.
  it.each([
    ['s3cret-1:Admin', 'entry 1, "<key>:Admin", is not key:role'],
    ['ok:analyst,s3cret-2:admin@COL-1', 'entry 2, "<key>:admin@COL-1", is not key:role'],
    ['s3cret-3', 'entry 1, (no ":role"), is not key:role'],
    [':admin', 'entry 1, ":admin", is not key:role'],
    ['s3cret-4:collector@', 'entry 1, "<key>:collector@", is not key:role'],
  ])('stops the start on %s without quoting the key', (spec, message) => {
    expect(() => loadConfig({ API_KEYS: spec })).toThrow(`API_KEYS: ${message}`);
    expect(() => loadConfig({ API_KEYS: spec })).not.toThrow(/s3cret/);
  });

  it('stops the start on a key given twice, rather than keeping the last role', () => {
    expect(() => loadConfig({ API_KEYS: 's3cret:collector@COL-1,other:analyst,s3cret:admin' }))
      .toThrow('API_KEYS: entries 1 and 3 give the same key; a key has one role');
  });
});

describe('when a place setting is blank (HOST, DATA_DIR, MODELS_DIR)', () => {
  // HOST= listened on every interface (Node reads "" as all of them), DATA_DIR= put the database in the working directory.
  it('takes its default, as every blank setting does', () => {
    const blank = loadConfig({ HOST: '', DATA_DIR: ' ', MODELS_DIR: '' });
    const absent = loadConfig({});
    expect({ host: blank.host, dataDir: blank.dataDir, modelsDir: blank.modelsDir })
      .toEqual({ host: '127.0.0.1', dataDir: absent.dataDir, modelsDir: absent.modelsDir });
  });
});

describe('when DATABASE_URL or REDIS_URL is set', () => {
  it('takes a URL of its scheme, none when blank', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:pw@db:5432/ar', REDIS_URL: 'rediss://r:6380/1' }))
      .toMatchObject({ databaseUrl: 'postgresql://u:pw@db:5432/ar', redisUrl: 'rediss://r:6380/1', maxEventLoopDelayMs: 2000 });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/ar', REDIS_URL: 'redis://r' })).toMatchObject({ databaseUrl: 'postgres://db/ar', redisUrl: 'redis://r' });
    expect(loadConfig({ DATABASE_URL: ' ', REDIS_URL: '' })).toMatchObject({ databaseUrl: null, redisUrl: null, maxEventLoopDelayMs: 0 });
  });

  // ioredis read http://host:6379 as the Unix socket "//host:6379": the service waited for that Redis for ever.
  it.each([
    ['REDIS_URL', 'http://:s3cret@r:6379', 'REDIS_URL: not a redis:// or rediss:// URL (its scheme is http:)'],
    ['REDIS_URL', 'r:6379', 'REDIS_URL: not a redis:// or rediss:// URL (its scheme is r:)'],
    ['REDIS_URL', 's3cret@r 6379', 'REDIS_URL: not a redis:// or rediss:// URL (it does not parse as a URL)'],
    ['DATABASE_URL', 'mysql://u:s3cret@db/ar', 'DATABASE_URL: not a postgresql:// or postgres:// or socket:// URL (its scheme is mysql:)'],
  ])('stops the start on %s="%s", without quoting it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
    expect(() => loadConfig({ [name]: value })).not.toThrow(/s3cret/);
  });
});
