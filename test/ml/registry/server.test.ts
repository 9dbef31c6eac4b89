import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../../helpers/storage.js';
import { ModelServer, trainModel } from '../../../src/ml/registry/index.js';
import { MODEL } from './fixtures/logistic.js';
import { openRegistry, type RegistryFixture } from './fixtures/setup.js';
import { damageVersion } from './fixtures/damage.js';

/** Polls `check` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(check: () => boolean | Promise<boolean>, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setImmediate(r));
  }
}

describe.each(await backends())('model server on %s', (backend) => {
  let f: RegistryFixture;
  let server: ModelServer;
  const train = (promote = true) => trainModel({ registry: f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote });

  beforeAll(async () => {
    f = await openRegistry(backend);
    server = new ModelServer({ registry: f.registry, pollMs: 0 });
    await server.start();
  });
  afterAll(async () => {
    await server.close();
    await f.close();
  });

  describe('when no version is active yet', () => {
    it('answers MODEL_NOT_READY', () => {
      expect(() => server.get(MODEL)).toThrow(expect.objectContaining({ code: 'AR_ERR_MODEL_NOT_READY' }));
    });

    it('answers MODEL_UNKNOWN for a model outside the catalogue', () => {
      expect(() => server.get('nope')).toThrow(expect.objectContaining({ code: 'AR_ERR_MODEL_UNKNOWN' }));
    });
  });

  describe('when a version is promoted in this process', () => {
    it('serves it without a restart', async () => {
      const out = await train();
      await eventually(() => server.versionOf(MODEL) === out.id);
      const { predictor, version } = server.get<number[], number>(MODEL);
      expect(version).toBe(out.id);
      const p = predictor.predict([2, -1, 0]).value;
      expect(p).toBeGreaterThan(0.5);
    });
  });

  describe('when another version is activated', () => {
    it('swaps to it and keeps the old predictor usable by whoever still holds it', async () => {
      const before = server.get<number[], number>(MODEL);
      const out = await train(false);
      await f.registry.activate(MODEL, out.version);
      await eventually(() => server.versionOf(MODEL) === out.id);
      expect(server.get(MODEL).version).toBe(out.id);
      expect(before.predictor.predict([0, 0, 0]).value).toBeGreaterThan(0);
    });
  });

  describe('when the activation happens in another process', () => {
    it('sees it at the next poll', async () => {
      const other = f.another();
      const out = await trainModel({ registry: other }, { model: MODEL, dataset: 'synthetic', report: false, promote: false });
      await other.activate(MODEL, out.version);
      expect(server.versionOf(MODEL)).not.toBe(out.id);
      await server.refresh();
      expect(server.versionOf(MODEL)).toBe(out.id);
    });

    it('polls on its own when given an interval', async () => {
      const polling = new ModelServer({ registry: f.registry, pollMs: 20 });
      await polling.start();
      try {
        const other = f.another();
        await other.rollback(MODEL);
        const active = (await other.active(MODEL))!;
        await eventually(() => polling.versionOf(MODEL) === active.id);
      } finally {
        await polling.close();
      }
    });
  });
});

describe('when the active version cannot be loaded', () => {
  let f: RegistryFixture;
  let server: ModelServer;
  const logged: { level: string; obj: object; msg?: string }[] = [];
  const log = {
    info: (obj: object, msg?: string) => logged.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg?: string) => logged.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => logged.push({ level: 'error', obj, msg }),
  };
  let version: string;

  beforeAll(async () => {
    f = await openRegistry('pglite');
    const out = await trainModel({ registry: f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: true });
    version = out.version;
    // Damage a file of the version, in the folder and in the database: its checksum no longer matches.
    const manifest = fs.readFileSync(path.join(f.modelsDir, MODEL, version, 'manifest.json'), 'utf8');
    await damageVersion(f.storage.db, f.modelsDir, MODEL, version, 'manifest.json', `${manifest} `);
    server = new ModelServer({ registry: f.registry, pollMs: 0, log });
    await server.start();
  });
  afterAll(async () => {
    await server.close();
    await f.close();
  });

  it('logs that it could not be loaded', () => {
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', msg: 'active model version could not be loaded', obj: expect.objectContaining({ model: MODEL }) }));
  });

  it('answers 503 MODEL_NOT_READY saying the version failed to load and why, not to train it', () => {
    let err: { code?: string; statusCode?: number; message?: string } = {};
    try {
      server.get(MODEL);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err).toMatchObject({ code: 'AR_ERR_MODEL_NOT_READY', statusCode: 503 });
    expect(err.message).toContain(`its active version ${version} failed to load (Model "${MODEL}" version "${version}" failed its checks:`);
    expect(err.message).not.toContain('train it first');
  });

  it('tries the version again once its retry delay is over, and serves it when the fault has gone', async () => {
    const manifest = path.join(f.modelsDir, MODEL, version, 'manifest.json');
    const damaged = fs.readFileSync(manifest, 'utf8');
    fs.writeFileSync(manifest, damaged.slice(0, -1));
    const patient = new ModelServer({ registry: f.registry, pollMs: 0, retryFailedMs: 60_000, log });
    const eager = new ModelServer({ registry: f.registry, pollMs: 0, retryFailedMs: 0, log });
    try {
      for (const s of [patient, eager]) {
        // Loaded while the file is still damaged: both fail.
        fs.writeFileSync(manifest, damaged);
        await s.start();
        expect(s.versionOf(MODEL)).toBeNull();
        fs.writeFileSync(manifest, damaged.slice(0, -1));
        await s.refresh();
      }
      expect(patient.versionOf(MODEL)).toBeNull();
      expect(eager.versionOf(MODEL)).toMatch(new RegExp(`@${version}$`));
    } finally {
      fs.writeFileSync(manifest, damaged);
      await patient.close();
      await eager.close();
    }
  });
});
