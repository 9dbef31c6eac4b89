// Stopping the server (Ctrl-C, SIGTERM) while a synchronous import runs on the
// embedded database. The request waited for its import, and the import was only
// told to stop once every request had ended: the shutdown waited for the whole
// import, past close-with-grace's delay, which then exited with the embedded
// database open (PGlite's files can be left unreadable so).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, stopServer } from '../../src/start.js';
import { openStorage } from '../../src/db/open.js';
import { capturedLog } from '../helpers/log.js';
import { csv, customer } from '../ingest/factories.js';

describe('when the server stops while a synchronous import runs', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-stop-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('stops the import, answers its request, and closes the database', async () => {
    const config = loadConfig({
      DATA_DIR: dataDir, MODELS_DIR: path.join(dataDir, 'models'), DEMO_ON_EMPTY: 'false', API_KEYS: 'k:platform',
      NIGHTLY_CRON: 'off', RETRAIN_CRON: 'off',
    });
    const s = await startServer(config, { work: true, destination: capturedLog().stream });
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const body = csv(Array.from({ length: 300_000 }, (_, i) => customer(i + 1, { riskScore: 50 })));
    const answer = fetch(`${address}/v1/import/customers`, {
      method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'text/csv' }, body,
    }).then(async (res) => ({ status: res.status, body: await res.json() }));
    // The upload spooled, its import under way.
    const uploads = path.join(dataDir, 'uploads');
    while (fs.readdirSync(uploads).length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const started = Date.now();
    await stopServer(s);
    const stopMs = Date.now() - started;
    const res = await answer;

    const reopened = await openStorage({ databaseUrl: null, pgliteDir: path.join(dataDir, 'pglite') });
    const [{ n }] = await reopened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    await reopened.close();
    // A cancelled import is no server error: it answered 500 "Internal Server Error" (so did one cancelled with DELETE /v1/jobs/:id).
    expect(res).toMatchObject({ status: 409, body: { code: 'AR_ERR_CONFLICT', detail: 'The import was cancelled; nothing was written' } });
    expect(n).toBe(0);
    expect(stopMs).toBeLessThan(10_000);
  }, 300_000);
});
