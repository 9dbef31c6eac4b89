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
    ['BODY_LIMIT_BYTES', '1e', 'is not a whole number of at least 1'],
    ['MAX_EVENT_LOOP_DELAY_MS', 'none', 'is not a whole number of at least 0'],
    ['ASSIGN_RUN_STALE_MINUTES', '0', 'is not a whole number of at least 1'],
    ['XLSX_TIMEOUT_MS', '0', 'is not a whole number of at least 1'],
    ['XLSX_QUEUE_LIMIT', '-1', 'is not a whole number of at least 0'],
  ])('stops the start on %s="%s"', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name}: "${value}" ${message}`);
  });

  it('keeps the values it was given and the defaults', () => {
    expect(loadConfig({ PORT: '0', INBOUND_THREADS: '0', RATE_LIMIT_PER_MINUTE: '60' })).toMatchObject({ port: 0, inboundThreads: 0, rateLimitPerMinute: 60 });
    expect(loadConfig({})).toMatchObject({ port: 3000, rateLimitPerMinute: 6000, bodyLimitBytes: 1024 ** 3, maxEventLoopDelayMs: 0, assignRunStaleMinutes: 60 });
    expect(loadConfig({})).toMatchObject({ xlsxTimeoutMs: 60_000, xlsxQueueLimit: 2 * os.availableParallelism() });
    expect(loadConfig({ XLSX_TIMEOUT_MS: '5000', XLSX_QUEUE_LIMIT: '0' })).toMatchObject({ xlsxTimeoutMs: 5000, xlsxQueueLimit: 0 });
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
