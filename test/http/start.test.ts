import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type Started } from '../../src/start.js';
import { bootstrap } from '../../src/demo/bootstrap.js';
import { capturedLog } from '../helpers/log.js';

describe('when the server process starts (as npm start builds it)', () => {
  let dataDir: string;
  let s: Started;
  const captured = capturedLog();
  let readyBefore: { statusCode: number; startup: unknown };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-start-'));
    // The embedded database on disk, the default catalogue and schedules: what a real start has.
    const config = loadConfig({ DATA_DIR: dataDir, MODELS_DIR: path.join(dataDir, 'models'), DEMO_ON_EMPTY: 'false', API_KEYS: 'k:admin' });
    s = await startServer(config, { work: true, destination: captured.stream });
    const res = await s.app.inject('/health/ready');
    readyBefore = { statusCode: res.statusCode, startup: res.json().checks.startup };
  }, 120_000);
  afterAll(async () => {
    await s?.app.close();
    await s?.services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the model lifecycle the same logger as the app', async () => {
    // Logged by the lifecycle (registry, serving, schedules): a silent logger there hid every model event.
    expect(captured.messages()).toContain('scheduled retraining');
    await s.app.inject('/health/live');
    expect(captured.messages()).toContain('request completed');
  });

  it("logs a request's URL without the customer search term it carries", async () => {
    await s.app.inject({ url: '/v1/customers?limit=1&q=Acme%20Holdings', headers: { authorization: 'Bearer k' } });
    const urls = captured.lines.map((l) => (l.req as { url?: string } | undefined)?.url).filter((u) => u?.startsWith('/v1/customers'));
    expect(urls).toEqual(['/v1/customers?limit=1&q=[redacted]']);
  });

  it('is not ready until the start-up bootstrap has run, then ready', async () => {
    expect(readyBefore).toEqual({ statusCode: 503, startup: { ok: false, detail: 'start-up in progress' } });
    await bootstrap(s.services, s.app.log, s.startup);
    const res = await s.app.inject('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.startup).toEqual({ ok: true });
  });
});
