import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeEach, afterEach, beforeAll, afterAll } from 'vitest';
import { lockFolder, StorageLockedError } from '../../src/db/lock.js';
import { openStorage, type Storage } from '../../src/db/open.js';
import { withAdvisoryLock } from '../../src/db/advisory-lock.js';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A process that is alive until killed. */
function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the lock of an embedded database folder', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-lock-'));
    file = path.join(dir, 'pglite.lock');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the pid, refuses a second taker, and is gone once released', async () => {
    const lock = await lockFolder(file, dir);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    await expect(lockFolder(file, dir)).rejects.toThrow(StorageLockedError);
    await lock.release();
    expect(fs.existsSync(file)).toBe(false);
    await (await lockFolder(file, dir)).release();
  });

  it('refuses a folder a live process holds, naming it and saying what to do', async () => {
    const other = sleeper();
    try {
      fs.writeFileSync(file, `${other.pid}\n`);
      const err = await lockFolder(file, dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageLockedError);
      expect((err as StorageLockedError).pid).toBe(other.pid);
      expect((err as Error).message).toBe(
        `${dir} is in use by pid ${other.pid}: PGlite is single-process; stop it or set DATABASE_URL (PostgreSQL takes many processes); ` +
          'models can be trained through POST /v1/models/:model/train',
      );
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    fs.writeFileSync(file, `${deadPid()}\n`);
    const lock = await lockFolder(file, dir);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    await lock.release();
  });

  it('takes over a lock naming its own pid that it does not hold (an earlier container run)', async () => {
    fs.writeFileSync(file, `${process.pid}\n`);
    await (await lockFolder(file, dir)).release();
  });

  it('takes over an empty lock file (a process that died while writing it)', async () => {
    fs.writeFileSync(file, '');
    await (await lockFolder(file, dir)).release();
  });

  it('never removes a lock another process has since taken over', async () => {
    const lock = await lockFolder(file, dir);
    fs.writeFileSync(file, '424242\n');
    await lock.release();
    expect(fs.readFileSync(file, 'utf8').trim()).toBe('424242');
  });
});

describe('when a second process opens the embedded database of a running one', () => {
  let dataDir: string;
  let storage: Storage | null = null;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-lock-data-'));
  });
  afterEach(async () => {
    await storage?.close();
    storage = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to open it, and releases it on close', async () => {
    const pgliteDir = path.join(dataDir, 'pglite');
    storage = await openStorage({ databaseUrl: null, pgliteDir });
    await storage.db.query('CREATE TABLE written (n int)');
    expect(fs.readFileSync(`${pgliteDir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await expect(openStorage({ databaseUrl: null, pgliteDir })).rejects.toThrow(`${pgliteDir} is in use by pid ${process.pid}`);
    await storage.close();
    storage = null;
    expect(fs.existsSync(`${pgliteDir}.lock`)).toBe(false);
    storage = await openStorage({ databaseUrl: null, pgliteDir });
    expect(await storage.db.query('SELECT count(*)::int AS n FROM written')).toEqual([{ n: 0 }]);
  });

  it('npm run train says the server holds it and exits 2, without touching it', async () => {
    const pgliteDir = path.join(dataDir, 'pglite');
    storage = await openStorage({ databaseUrl: null, pgliteDir });
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const run = spawnSync(tsx, [path.join(ROOT, 'training', 'train.ts'), 'payment-delay'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, MODELS_DIR: path.join(dataDir, 'models'), DATABASE_URL: '' },
      timeout: 90_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`error: ${pgliteDir} is in use by pid ${process.pid}: PGlite is single-process`);
    expect(fs.readFileSync(`${pgliteDir}.lock`, 'utf8').trim()).toBe(String(process.pid));
  }, 120_000);
});

describe.each(await backends())('when two holders want the same advisory lock on %s', (backend) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage(backend);
  });
  afterAll(async () => storage.close());

  it('runs the second once the first has finished, and after one that failed', async () => {
    const seen: string[] = [];
    const hold = (name: string, fail = false) => withAdvisoryLock(storage.db, 'test-lock', async () => {
      seen.push(`${name} in`);
      // Work that spans transactions and waits on I/O, as a refresh does.
      await storage.db.query('SELECT pg_sleep(0.05)');
      seen.push(`${name} out`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    }, { pollMs: 10 });
    const results = await Promise.allSettled([hold('a', true), hold('b'), hold('c')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    for (let i = 0; i < seen.length; i += 2) expect(seen[i + 1]).toBe(seen[i].replace(' in', ' out'));
    expect(seen).toHaveLength(6);
  });
});
