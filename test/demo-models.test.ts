// DEMO_MODELS naming a model the service does not have: the demo start-up
// imported the whole world, then failed at its training, and every restart
// imported and failed again. It now fails before writing anything, naming it.
import { describe, it, expect, afterEach } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { capturedLog } from './helpers/log.js';
import { bootstrap, holdReadiness, readDemoRecord } from '../src/demo/bootstrap.js';
import { loadConfig } from '../src/config.js';

describe('when DEMO_MODELS names a model the service does not have', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('refuses the demo before importing anything, naming the models there are', async () => {
    t = await buildTestApp('pglite', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '20', DEMO_MODELS: 'payment-delay,payment-dely' });
    const known = t.services.models.registry.models().join(', ');
    const message = `DEMO_MODELS: unknown model "payment-dely" (this service has ${known})`;
    await expect(bootstrap(t.services, capturedLog().log, holdReadiness(t.services))).rejects.toThrow(message);
    const [counts] = await t.storage.db.query<{ customers: number }>('SELECT count(*)::int AS customers FROM customers');
    expect(counts.customers).toBe(0);
    // No demo recorded as started: the next start has nothing to resume.
    expect(await readDemoRecord(t.storage.db)).toBeNull();
    const ready = (await t.app.inject('/health/ready')).json();
    expect(ready.checks.startup.detail).toContain(message);
  }, 120_000);
});

describe('when DEMO_MODELS is blank or only commas', () => {
  it('trains every model, as when absent', () => {
    expect(loadConfig({ DEMO_MODELS: ' , ,' }).demoModels).toBeNull();
    expect(loadConfig({ DEMO_MODELS: 'drift, payment-delay' }).demoModels).toEqual(['drift', 'payment-delay']);
  });
});
