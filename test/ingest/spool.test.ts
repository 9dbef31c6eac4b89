// Uploads a process stopped mid-import left in DATA_DIR/uploads (up to
// BODY_LIMIT_BYTES each) stayed there for ever: the next start removes those
// no import can still be reading, and keeps the others (another process on
// the same folder may be importing them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, stopServer } from '../../src/start.js';
import { capturedLog } from '../helpers/log.js';

describe('when the server starts with uploads left in its spool', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-spool-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('removes those last written over a day ago, and keeps the others', async () => {
    const uploads = path.join(dataDir, 'uploads');
    fs.mkdirSync(uploads, { recursive: true });
    const old = path.join(uploads, 'left-by-a-crash.csv');
    const fresh = path.join(uploads, 'being-imported.csv');
    fs.writeFileSync(old, 'externalId,name\n');
    fs.writeFileSync(fresh, 'externalId,name\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60_000);
    fs.utimesSync(old, twoDaysAgo, twoDaysAgo);

    const captured = capturedLog();
    const config = loadConfig({ DATA_DIR: dataDir, MODELS_DIR: path.join(dataDir, 'models'), DEMO_ON_EMPTY: 'false', NIGHTLY_CRON: 'off', RETRAIN_CRON: 'off' });
    const s = await startServer(config, { work: true, destination: captured.stream });
    await stopServer(s);
    expect(fs.readdirSync(uploads)).toEqual(['being-imported.csv']);
    expect(captured.lines.find((l) => l.msg?.startsWith('removed uploads'))).toMatchObject({ removed: 1 });
  }, 120_000);
});
