import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../../helpers/storage.js';
import { trainModel, sha256 } from '../../../src/ml/registry/index.js';
import { MODEL } from './fixtures/logistic.js';
import { openRegistry, type RegistryFixture } from './fixtures/setup.js';
import { damageVersion } from './fixtures/damage.js';
import { testCatalogue } from './fixtures/logistic.js';

describe.each(await backends())('model registry on %s', (backend) => {
  let f: RegistryFixture;
  const train = (dataset: string, options: { promote?: boolean; window?: { from: string | null; to: string | null } } = {}) =>
    trainModel({ registry: f.registry }, { model: MODEL, dataset, report: false, ...options });

  beforeAll(async () => {
    f = await openRegistry(backend);
  });
  afterAll(async () => f.close());

  describe('when a model is trained', () => {
    it('records the version with its metrics, window, fingerprints and code version', async () => {
      const out = await train('synthetic', { window: { from: '2026-01-01', to: '2026-05-01' } });
      const v = await f.registry.get(MODEL, out.version);
      expect(v.metrics.auc).toBeGreaterThan(0.7);
      expect(v.primaryMetric).toBe('auc');
      expect(v.primaryValue).toBe(v.metrics.auc);
      expect(v.window).toEqual({ from: '2026-01-01', to: '2026-05-01' });
      expect(v.dataFingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(v.holdoutFingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(v.codeVersion).toMatch(/^(git|package):/);
      expect(v.id).toBe(`${MODEL}@${out.version}`);
    });

    it('writes the folder with a manifest whose checksums match the files', async () => {
      const [v] = await f.registry.list(MODEL);
      const dir = path.join(f.modelsDir, MODEL, v.version);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ model: MODEL, version: v.version, dataFingerprint: v.dataFingerprint, artifactFiles: ['weights.bin'] });
      for (const [rel, sum] of Object.entries(manifest.files)) expect(sha256(fs.readFileSync(path.join(dir, rel)))).toBe(sum);
      expect(v.checksums['manifest.json']).toBe(sha256(fs.readFileSync(path.join(dir, 'manifest.json'))));
      expect(fs.readdirSync(path.join(f.modelsDir, MODEL)).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    });

    it('activates the first version of a model', async () => {
      const [v] = await f.registry.list(MODEL);
      expect(v.status).toBe('active');
    });
  });

  describe('when a challenger is not worse on the same holdout', () => {
    it('promotes it and retires the champion', async () => {
      const champion = (await f.registry.active(MODEL))!;
      const out = await train('synthetic');
      expect(out.promotion).toMatchObject({ activated: true, status: 'active' });
      expect(out.promotion!.comparison).toMatchObject({ champion: champion.version, notWorse: true });
      expect((await f.registry.get(MODEL, champion.version)).status).toBe('retired');
      expect((await f.registry.active(MODEL))!.version).toBe(out.version);
    });
  });

  describe('when a challenger is worse on the same holdout', () => {
    it('rejects it with the reason and keeps the champion', async () => {
      const champion = (await f.registry.active(MODEL))!;
      const out = await train('scrambled');
      expect(out.status).toBe('rejected');
      const v = await f.registry.get(MODEL, out.version);
      expect(v.statusReason).toMatch(/worse than the active version: auc/);
      expect(v.comparison!.championValue).toBeGreaterThan(v.comparison!.challengerValue!);
      expect((await f.registry.active(MODEL))!.version).toBe(champion.version);
    });

    it('refuses a manual activation without force', async () => {
      const [worse] = (await f.registry.list(MODEL)).filter((v) => v.status === 'rejected');
      await expect(f.registry.activate(MODEL, worse.version)).rejects.toMatchObject({ code: 'AR_ERR_MODEL_WORSE' });
    });

    it('activates it when forced, and records who forced it and why', async () => {
      const champion = (await f.registry.active(MODEL))!;
      const [worse] = (await f.registry.list(MODEL)).filter((v) => v.status === 'rejected');
      const v = await f.registry.activate(MODEL, worse.version, { force: true, actor: 'analyst', reason: 'checking a hunch' });
      expect(v.status).toBe('active');
      expect(v.statusReason).toMatch(/^forced by analyst: checking a hunch/);
      const [event] = await f.registry.events(MODEL, worse.version);
      expect(event).toMatchObject({ action: 'activated', forced: true, actor: 'analyst', fromVersion: champion.version });
    });
  });

  describe('when the holdout gives nothing to measure the challenger on', () => {
    it('rejects it, saying so, and keeps the champion', async () => {
      const champion = (await f.registry.active(MODEL))!;
      const out = await train('hollow');
      expect(out.status).toBe('rejected');
      expect((await f.registry.get(MODEL, out.version)).statusReason).toMatch(/^its auc could not be measured on the holdout/);
      expect((await f.registry.active(MODEL))!.version).toBe(champion.version);
    });
  });

  describe('when two requests activate one version at once', () => {
    it('activates it once, keeping the version it replaced as its previous one', async () => {
      const before = (await f.registry.active(MODEL))!;
      // One never active yet: the rollback chain below stays a chain.
      const other = (await f.registry.list(MODEL)).find((v) => v.activatedAt === null && v.status !== 'active')!;
      await Promise.all([1, 2, 3].map(() => f.registry.activate(MODEL, other.version, { force: true }).catch((err) => err)));
      const now = (await f.registry.active(MODEL))!;
      expect(now).toMatchObject({ version: other.version, previousVersion: before.version });
      const events = (await f.registry.events(MODEL, other.version)).filter((e) => e.version === other.version && e.fromVersion === other.version);
      expect(events).toEqual([]);
    });
  });

  describe('when rolling back', () => {
    it('goes back to the version active before the current one', async () => {
      const current = (await f.registry.active(MODEL))!;
      const back = await f.registry.rollback(MODEL, { actor: 'analyst' });
      expect(back.version).toBe(current.previousVersion);
      expect(back.status).toBe('active');
      expect((await f.registry.get(MODEL, current.version)).status).toBe('retired');
    });

    it('walks further back when rolled back again', async () => {
      const current = (await f.registry.active(MODEL))!;
      const back = await f.registry.rollback(MODEL);
      expect(back.version).toBe(current.previousVersion);
    });

    it('refuses when the active version is the first one ever activated', async () => {
      while ((await f.registry.active(MODEL))!.previousVersion) await f.registry.rollback(MODEL);
      await expect(f.registry.rollback(MODEL)).rejects.toMatchObject({ code: 'AR_ERR_CONFLICT' });
    });

    it('walks back through a version activated twice once, and then stops', async () => {
      const first = (await f.registry.active(MODEL))!;
      const other = (await f.registry.list(MODEL)).find((v) => v.version !== first.version)!;
      await f.registry.activate(MODEL, other.version, { force: true });
      await f.registry.activate(MODEL, first.version, { force: true });
      expect((await f.registry.rollback(MODEL)).version).toBe(other.version);
      const back = await f.registry.rollback(MODEL);
      expect(back).toMatchObject({ version: first.version, previousVersion: null });
      await expect(f.registry.rollback(MODEL)).rejects.toMatchObject({ code: 'AR_ERR_CONFLICT' });
    });
  });

  describe('when a weights file is corrupted', () => {
    it('refuses to promote the version and marks it rejected', async () => {
      const out = await train('synthetic', { promote: false });
      const weights = fs.readFileSync(path.join(f.modelsDir, MODEL, out.version, 'files', 'weights.bin'));
      await damageVersion(f.storage.db, f.modelsDir, MODEL, out.version, 'files/weights.bin', Buffer.concat([weights, Buffer.from([1])]));
      const decision = await f.registry.promote(MODEL, out.version);
      expect(decision).toMatchObject({ activated: false, status: 'rejected' });
      expect(decision.reason).toMatch(/weights\.bin does not match its sha256/);
      expect((await f.registry.get(MODEL, out.version)).status).toBe('rejected');
    });

    it('refuses to activate it even forced', async () => {
      const [corrupt] = (await f.registry.list(MODEL)).filter((v) => v.statusReason?.includes('weights.bin'));
      await expect(f.registry.activate(MODEL, corrupt.version, { force: true })).rejects.toMatchObject({ code: 'AR_ERR_MODEL_ARTIFACT_CORRUPT' });
      expect((await f.registry.active(MODEL))!.version).not.toBe(corrupt.version);
    });

    it('rebuilds a copy damaged on this machine alone from the database, and serves it', async () => {
      const out = await train('synthetic', { promote: false });
      fs.appendFileSync(path.join(f.modelsDir, MODEL, out.version, 'files', 'weights.bin'), Buffer.from([1]));
      await expect(f.registry.verify(MODEL, out.version)).resolves.toBeUndefined();
      expect((await f.registry.get(MODEL, out.version)).status).toBe('candidate');
    });

    it('refuses a weights file replaced by one of the right size', async () => {
      const out = await train('synthetic', { promote: false });
      const file = path.join(f.modelsDir, MODEL, out.version, 'files', 'weights.bin');
      await damageVersion(f.storage.db, f.modelsDir, MODEL, out.version, 'files/weights.bin', Buffer.alloc(fs.statSync(file).size));
      await expect(f.registry.activate(MODEL, out.version, { force: true })).rejects.toMatchObject({ code: 'AR_ERR_MODEL_ARTIFACT_CORRUPT' });
    });
  });

  describe('when two versions are made active behind the registry\'s back', () => {
    it('the database refuses the second', async () => {
      const versions = await f.registry.list(MODEL);
      const other = versions.find((v) => v.status !== 'active')!;
      await expect(
        f.storage.db.query("UPDATE model_versions SET status = 'active' WHERE model = $1 AND version = $2", [MODEL, other.version]),
      ).rejects.toThrow(/model_versions_one_active|unique/);
    });
  });

  describe('when a version or model does not exist', () => {
    it('says which model is unknown', async () => {
      await expect(f.registry.list('no-such-model')).rejects.toMatchObject({ code: 'AR_ERR_MODEL_UNKNOWN' });
    });

    it('says which version is unknown', async () => {
      await expect(f.registry.get(MODEL, '../../etc')).rejects.toMatchObject({ code: 'AR_ERR_MODEL_VERSION_NOT_FOUND' });
    });
  });
});

describe.each(await backends())('a first version on %s', (backend) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    const base = testCatalogue();
    f = await openRegistry(backend, { ...base, [MODEL]: { ...base[MODEL], window: { from: false, to: true } } });
  });
  afterAll(async () => f.close());

  it('is not activated when nothing measured it: a model never judged does not serve', async () => {
    const out = await trainModel({ registry: f.registry }, { model: MODEL, dataset: 'hollow', report: false });
    expect(out.promotion).toMatchObject({ activated: false, status: 'rejected' });
    expect(await f.registry.active(MODEL)).toBeNull();
  });

  // Promotion refuses such a version even as the first one and says to force it; left a candidate
  // (promote: false), a plain activation made it the served model.
  it('is activated by hand only when forced, when nothing measured it', async () => {
    const out = await trainModel({ registry: f.registry }, { model: MODEL, dataset: 'hollow', promote: false, report: false });
    await expect(f.registry.activate(MODEL, out.version, { actor: 'analyst' }))
      .rejects.toMatchObject({ code: 'AR_ERR_MODEL_WORSE', message: expect.stringMatching(/the auc of .* could not be measured on its holdout: pass force: true/) });
    expect(await f.registry.active(MODEL)).toBeNull();
    const forced = await f.registry.activate(MODEL, out.version, { actor: 'analyst', force: true });
    expect(forced).toMatchObject({ status: 'active', statusReason: expect.stringMatching(/^forced by analyst/) });
  });

  it('refuses a window end the model does not learn from, and registers nothing', async () => {
    const before = (await f.registry.list(MODEL)).length;
    await expect(trainModel({ registry: f.registry }, { model: MODEL, dataset: 'synthetic', window: { from: '2026-01-01', to: null }, report: false }))
      .rejects.toMatchObject({ code: 'AR_ERR_VALIDATION', message: expect.stringMatching(/`from` cannot be set/) });
    expect(await f.registry.list(MODEL)).toHaveLength(before);
  });
});

/** A registry of its own for one describe block: opened before its tests, closed after them. */
function freshRegistry(backend: 'pglite' | 'postgres'): { f: RegistryFixture } {
  const own = {} as { f: RegistryFixture };
  beforeAll(async () => {
    own.f = await openRegistry(backend);
  });
  afterAll(async () => own.f.close());
  return own;
}

describe.each(await backends())('a registration that fails half way on %s', (backend) => {
  const own = freshRegistry(backend);

  it('leaves neither the row nor the folder when its event cannot be written', async () => {
    // The event insert fails, as on a connection reset between the two statements.
    await own.f.storage.db.query(`CREATE FUNCTION refuse_registered() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'connection lost'; END $$`);
    await own.f.storage.db.query(`CREATE TRIGGER refuse_registered BEFORE INSERT ON model_events FOR EACH ROW
      WHEN (NEW.action = 'registered') EXECUTE FUNCTION refuse_registered()`);
    try {
      await expect(trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false })).rejects.toThrow(/connection lost/);
      expect(await own.f.registry.list(MODEL)).toEqual([]);
      expect(fs.readdirSync(path.join(own.f.modelsDir, MODEL)).filter((name) => !name.startsWith('.'))).toEqual([]);
    } finally {
      await own.f.storage.db.query('DROP TRIGGER refuse_registered ON model_events');
    }
  });
});

describe.each(await backends())('a training cancelled on %s', (backend) => {
  const own = freshRegistry(backend);

  // As the job runners do: once cancelled, every progress report throws.
  const cancelledAt = (message: string) => {
    const controller = new AbortController();
    return {
      signal: controller.signal,
      onProgress: (_fraction: number, said: string) => {
        if (said === message) controller.abort(new Error('cancelled'));
        controller.signal.throwIfAborted();
      },
    };
  };

  it('before its version is written, stops and registers nothing', async () => {
    await expect(trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false }, cancelledAt('writing the version'))).rejects.toThrow('cancelled');
    expect(await own.f.registry.list(MODEL)).toEqual([]);
  });

  it('once its version is written, completes and reports the version as it is', async () => {
    const out = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false }, cancelledAt('comparing with the active version'));
    expect(out.promotion).toMatchObject({ activated: true });
    expect((await own.f.registry.active(MODEL))?.version).toBe(out.version);
  });
});

describe.each(await backends())('a promotion overtaken by another activation on %s', (backend) => {
  const own = freshRegistry(backend);

  it('compares again with the version now active instead of failing', async () => {
    const train = (promote: boolean) => trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote });
    const first = await train(true);
    const challenger = await train(false);
    const overtaking = await train(false);
    await own.f.registry.activate(MODEL, overtaking.version, { force: true });
    // The promotion reads the active version as it was before the other activation.
    const stale = await own.f.registry.get(MODEL, first.version);
    const table = own.f.registry.table;
    const active = table.active.bind(table);
    let calls = 0;
    table.active = async (model, q) => (q === undefined && calls++ === 0 ? { ...stale, status: 'active' } : active(model, q));
    try {
      const decision = await own.f.registry.promote(MODEL, challenger.version);
      expect(decision.comparison?.champion).toBe(overtaking.version);
    } finally {
      table.active = active;
    }
  });
});

describe.each(await backends())('a rollback after older code alternated rollbacks, on %s', (backend) => {
  const own = freshRegistry(backend);

  it('goes back one step by the version pointer, then follows the history again', async () => {
    const train = async () => (await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: false })).version;
    const [a, b, c] = [await train(), await train(), await train()];
    for (const v of [a, b, a]) await own.f.registry.activate(MODEL, v, { force: true });
    // What the old pointer-only rollback wrote while it went A -> B -> A -> B -> A: more rollbacks than activations.
    for (const v of [b, a, b, a]) {
      await own.f.storage.db.query("INSERT INTO model_events (model, version, action) VALUES ($1, $2, 'rolled-back')", [MODEL, v]);
    }
    expect((await own.f.registry.rollback(MODEL)).version).toBe(b);
    await expect(own.f.registry.rollback(MODEL)).rejects.toMatchObject({ code: 'AR_ERR_CONFLICT' });
    await own.f.registry.activate(MODEL, c, { force: true });
    expect((await own.f.registry.rollback(MODEL)).version).toBe(b);
  });
});

describe.each(await backends())('a version trained on another machine, on %s', (backend) => {
  const own = freshRegistry(backend);

  it('is rebuilt from the database where its folder is missing, and serves there', async () => {
    const first = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false });
    const api = own.f.elsewhere();
    const opened = await api.registry.open(MODEL, first.version);
    expect(opened.version.status).toBe('active');
    expect(fs.existsSync(path.join(api.modelsDir, MODEL, first.version, 'manifest.json'))).toBe(true);
    // A challenger trained elsewhere is compared with the champion, not waved through.
    const worker = own.f.elsewhere();
    const second = await trainModel({ registry: worker.registry }, { model: MODEL, dataset: 'synthetic', report: false });
    expect(second.promotion?.comparison?.championValue).toEqual(expect.any(Number));
    await api.registry.rollback(MODEL);
    expect((await api.registry.active(MODEL))?.version).toBe(first.version);
  });

  it('registered before the database kept files, is copied in from the folder that holds it intact', async () => {
    const out = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: false });
    const damaged = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: false });
    await own.f.storage.db.query('DELETE FROM model_files WHERE version = ANY($1::text[])', [[out.version, damaged.version]]);
    fs.appendFileSync(path.join(own.f.modelsDir, MODEL, damaged.version, 'state.json'), ' ');
    expect(await own.f.registry.keepLocalFiles()).toBe(1);
    await expect(own.f.elsewhere().registry.verify(MODEL, out.version)).resolves.toBeUndefined();
    expect(await own.f.registry.keepLocalFiles()).toBe(0);
    // The damaged one had no other copy: refused once, with its reason, not again at every start.
    const refused = await own.f.registry.get(MODEL, damaged.version);
    expect(refused.status).toBe('rejected');
    const events = await own.f.storage.db.query<{ reason: string }>(
      "SELECT reason FROM model_events WHERE model = $1 AND version = $2 AND action = 'rejected'", [MODEL, damaged.version],
    );
    expect(events).toHaveLength(1);
    expect(events[0].reason).toContain('state.json does not match its sha256');
  });

  // The API and a worker on one machine share the models folder and heal it at once on start:
  // each removes the copy it found damaged or missing before restoring it, so one can remove the
  // copy the other has just restored, while that one reads it.
  it('loads, and is not rejected, when another process sharing the folder removes the copy this one just restored', async () => {
    const out = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: false });
    const machine = own.f.elsewhere();
    const restore = machine.registry.store.restore.bind(machine.registry.store);
    machine.registry.store.restore = async (model, version, files) => {
      await restore(model, version, files);
      fs.rmSync(path.join(machine.modelsDir, model, version), { recursive: true, force: true });
    };
    await expect(machine.registry.verify(MODEL, out.version)).resolves.toBeUndefined();
    expect((await own.f.registry.get(MODEL, out.version)).status).toBe('candidate');
  });

  it('is not rejected when the database fails while its files are fetched', async () => {
    const out = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: false });
    const { registry } = own.f.elsewhere();
    const files = registry.table.files.bind(registry.table);
    registry.table.files = async () => {
      throw new Error('Connection terminated unexpectedly');
    };
    try {
      await expect(registry.verify(MODEL, out.version)).rejects.toThrow('Connection terminated unexpectedly');
    } finally {
      registry.table.files = files;
    }
    expect((await registry.get(MODEL, out.version)).status).toBe('candidate');
    await expect(registry.verify(MODEL, out.version)).resolves.toBeUndefined();
  });

  it('is still refused when the bytes kept for it are damaged', async () => {
    const out = await trainModel({ registry: own.f.registry }, { model: MODEL, dataset: 'synthetic', report: false, promote: false });
    await own.f.storage.db.query(
      "UPDATE model_files SET bytes = bytes || '\\x00'::bytea WHERE model = $1 AND version = $2 AND path = 'state.json'",
      [MODEL, out.version],
    );
    const { registry } = own.f.elsewhere();
    await expect(registry.verify(MODEL, out.version)).rejects.toMatchObject({ code: 'AR_ERR_MODEL_ARTIFACT_CORRUPT' });
  });
});
