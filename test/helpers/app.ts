// Builds the whole app over a test storage, with one API key per role.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { loadConfig, type Config } from '../../src/config.js';
import { buildServices, type Services } from '../../src/services.js';
import { buildApp } from '../../src/app.js';
import type { Catalogue } from '../../src/ml/registry/types.js';
import type { Jobs } from '../../src/jobs/jobs.js';
import { openTestStorage, type TestStorage } from './storage.js';

export const KEYS = { platform: 'k-platform', analyst: 'k-analyst', collector: 'k-collector', admin: 'k-admin' } as const;
/** A collector key bound to collector `col-1`. */
export const BOUND_COLLECTOR_KEY = 'k-collector-col1';
/** Another analyst's key: audit trails must tell it from KEYS.analyst. */
export const SECOND_ANALYST_KEY = 'k-analyst-2';
export const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
/** What audit trails name a key by, computed here apart from the service's code: the first 8 hex digits of its SHA-256. */
export const fingerprint = (key: string) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  services: Services;
  storage: TestStorage;
  close(): Promise<void>;
}

export async function buildTestApp(
  backend: 'pglite' | 'postgres',
  env: Record<string, string> = {},
  storage?: TestStorage,
  options: { catalogue?: Catalogue; jobs?: Jobs } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-test-'));
  const config: Config = loadConfig({
    API_KEYS: [...Object.entries(KEYS).map(([role, key]) => `${key}:${role}`), `${BOUND_COLLECTOR_KEY}:collector@col-1`, `${SECOND_ANALYST_KEY}:analyst`].join(','),
    MAX_EVENT_LOOP_DELAY_MS: '0',
    DATA_DIR: dataDir,
    MODELS_DIR: path.join(dataDir, 'models'),
    NIGHTLY_CRON: 'off',
    RETRAIN_CRON: 'off',
    DEMO_ON_EMPTY: 'false',
    ...env,
  });
  const s = storage ?? (await openTestStorage(backend));
  const services = await buildServices(config, { storage: s, catalogue: options.catalogue, jobs: options.jobs });
  const app = await buildApp(services, { logger: false });
  return {
    app,
    services,
    storage: s,
    async close() {
      await app.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Imports `rows` of `entity` as NDJSON with the platform key, and waits for the answer. */
export const importRows = (t: TestApp, entity: string, rows: object[]) => t.app.inject({
  method: 'POST', url: `/v1/import/${entity}`,
  headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' },
  payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
});
