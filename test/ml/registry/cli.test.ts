import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runEvaluate, runTrain, type CliDeps } from '../../../training/cli/run.js';
import { parseTrainArgs } from '../../../training/cli/args.js';
import { MODEL, lateEntry } from './fixtures/logistic.js';
import { openRegistry, type RegistryFixture } from './fixtures/setup.js';

function capture(f: RegistryFixture): CliDeps & { stdout: () => string[]; stderr: () => string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    registry: f.registry,
    monitor: f.monitor,
    out: { write: (s: string) => out.push(s) },
    err: { write: (s: string) => err.push(s), isTTY: false },
    stdout: () => out.join('').split('\n').filter(Boolean),
    stderr: () => err.join('').split('\n').filter(Boolean),
  };
}

describe('the train and evaluate commands (PGlite)', () => {
  let f: RegistryFixture;
  let reportDir: string;

  beforeAll(async () => {
    f = await openRegistry('pglite');
    reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-reports-'));
  });
  afterAll(async () => {
    await f.close();
    fs.rmSync(reportDir, { recursive: true, force: true });
  });

  describe('when training off a terminal', () => {
    it('prints plain progress lines and ends stdout with one JSON line of metrics', async () => {
      const io = capture(f);
      const code = await runTrain([MODEL, '--dataset', 'synthetic', '--from', '2026-01-01', '--to', '2026-04-01'], io);
      expect(code).toBe(0);
      expect(io.stderr().some((l) => /^train late-logistic +\d+% training late-logistic$/.test(l))).toBe(true);
      const result = JSON.parse(io.stdout().at(-1)!);
      expect(result).toMatchObject({ model: MODEL, status: 'active', window: { from: '2026-01-01', to: '2026-04-01' } });
      expect(result.metrics.auc).toBeGreaterThan(0.7);
      expect(fs.existsSync(result.report)).toBe(true);
    });
  });

  describe('when the promotion gate keeps the new version out of service', () => {
    it('exits 3, and still ends stdout with the JSON line saying why', async () => {
      expect(await runTrain([MODEL, '--dataset', 'synthetic'], capture(f))).toBe(0);
      const before = await f.registry.active(MODEL);
      const io = capture(f);
      expect(await runTrain([MODEL, '--dataset', 'scrambled'], io)).toBe(3);
      const result = JSON.parse(io.stdout().at(-1)!);
      expect(result).toMatchObject({ status: 'rejected', promotion: { activated: false, reason: expect.stringMatching(/^worse than the active version/) } });
      expect((await f.registry.active(MODEL))?.version).toBe(before?.version);
    });

    it('exits 0 when --no-promote asked for a candidate, which it is', async () => {
      const io = capture(f);
      expect(await runTrain([MODEL, '--dataset', 'scrambled', '--no-promote'], io)).toBe(0);
      expect(JSON.parse(io.stdout().at(-1)!)).toMatchObject({ status: 'candidate', promotion: null });
    });
  });

  describe('when evaluating with --report', () => {
    it('writes the HTML report and prints the metrics next to the active version\'s', async () => {
      const io = capture(f);
      expect(await runEvaluate([MODEL, '--fresh', '--dataset', 'scrambled', '--report', reportDir], io)).toBe(0);
      const result = JSON.parse(io.stdout().at(-1)!);
      expect(result.version).toBeNull();
      expect(result.activeMetrics.auc).toBeGreaterThan(result.metrics.auc);
      expect(fs.readFileSync(result.report, 'utf8')).toContain('<svg');
    });
  });

  describe('when --report names a folder that cannot be made', () => {
    it('exits 2 saying so before evaluating, without a stack', async () => {
      const file = path.join(reportDir, 'a-file');
      fs.writeFileSync(file, '');
      const io = capture(f);
      expect(await runEvaluate([MODEL, '--fresh', '--dataset', 'synthetic', '--report', path.join(file, 'reports')], io)).toBe(2);
      expect(io.stderr()).toEqual([expect.stringMatching(new RegExp(`^--report ${file}/reports cannot hold the report: ENOTDIR`))]);
      expect(io.stdout()).toEqual([]);
    });
  });

  describe('when the arguments are wrong', () => {
    it('exits 2 with the usage', async () => {
      const io = capture(f);
      expect(await runTrain([MODEL, '--from', '1st of May'], io)).toBe(2);
      expect(io.stderr().join('\n')).toMatch(/--from must be a date/);
      expect(io.stdout()).toEqual([]);
    });

    it('exits 2 for a day the month does not have, before any training', async () => {
      const io = capture(f);
      expect(await runTrain([MODEL, '--dataset', 'synthetic', '--to', '2026-02-30'], io)).toBe(2);
      expect(io.stderr().join('\n')).toMatch(/--to must be a date YYYY-MM-DD, not "2026-02-30"/);
    });

    // The API takes days from 1900 to 2199 only; PostgreSQL refuses year 0 when the version is
    // written, which came after the whole training, as a database error with its stack.
    it.each(['0000-01-01', '1899-12-31', '2200-01-01'])('exits 2 for a --from of %s outside the years the service keeps, before any training', async (day) => {
      const io = capture(f);
      expect(await runTrain([MODEL, '--dataset', 'synthetic', '--from', day], io)).toBe(2);
      expect(io.stderr().join('\n')).toMatch(new RegExp(`--from must be a day from 1900-01-01 to 2199-12-31, not "${day}"`));
      expect(io.stderr().join('\n')).not.toMatch(/loading/);
    });

    it('exits 1 naming the known models for an unknown one', async () => {
      const io = capture(f);
      expect(await runTrain(['nope'], io)).toBe(1);
      expect(io.stderr()[0]).toMatch(/AR_ERR_MODEL_UNKNOWN: .*late-logistic/);
    });

    it('reads --no-promote', () => {
      expect(parseTrainArgs([MODEL, '--no-promote']).promote).toBe(false);
    });

    it('reads a --seed of 32 bits, and exits 2 for a larger one, which the generator would take for another', async () => {
      expect(parseTrainArgs([MODEL, '--seed', '4294967295']).seed).toBe(4294967295);
      const io = capture(f);
      expect(await runTrain([MODEL, '--seed', '4294967296'], io)).toBe(2);
      expect(io.stderr().join('\n')).toMatch(/--seed must be a whole number from 0 to 4294967295/);
    });

    it('reads --settings as a JSON object, and exits 2 for anything else', async () => {
      expect(parseTrainArgs([MODEL, '--settings', '{"iterations":50}']).settings).toEqual({ iterations: 50 });
      for (const bad of ['iterations=50', '[50]']) {
        const io = capture(f);
        expect(await runTrain([MODEL, '--settings', bad], io)).toBe(2);
        expect(io.stderr().join('\n')).toMatch(/--settings must be a JSON object/);
      }
    });

    it('exits 1 with the problems of settings outside the model\'s schema, before training', async () => {
      const io = capture(f);
      expect(await runTrain([MODEL, '--settings', '{"iterations":0}'], io)).toBe(1);
      expect(io.stderr()[0]).toMatch(/AR_ERR_MODEL_SETTINGS: .*\/iterations must be >= 1/);
      expect(io.stderr().join('\n')).not.toMatch(/loading/);
    });
  });
});

describe('when evaluating a model on a window end it does not learn from (PGlite)', () => {
  let f: RegistryFixture;
  beforeAll(async () => {
    // As drift, send-time and incentives: all history before `to`, so a `from` changes nothing.
    f = await openRegistry('pglite', { [MODEL]: { ...lateEntry(), window: { from: false, to: true } } });
  });
  afterAll(async () => f.close());

  // Before, the metrics came back under a window naming that `from`, identical to those without it.
  it('exits 1 saying so before loading anything, as training does, rather than printing metrics the window did not shape', async () => {
    const io = capture(f);
    expect(await runEvaluate([MODEL, '--dataset', 'synthetic', '--fresh', '--from', '2026-01-01'], io)).toBe(1);
    expect(io.stderr().join('\n')).toMatch(/AR_ERR_VALIDATION: .*late-logistic learns from all its history before `to`: `from` cannot be set/);
    expect(io.stderr().join('\n')).not.toMatch(/loading/);
    expect(io.stdout()).toEqual([]);
  });
});

describe('when the command cannot start', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const train = (env: Record<string, string>) => spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'training', 'train.ts'), 'drift'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 90_000,
  });

  it('says in one line that the database could not be opened, and exits 2 without a stack', () => {
    // Port 1: nothing listens there, so the connection is refused at once.
    const run = train({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^error: the database could not be opened \(check DATABASE_URL\): .*ECONNREFUSED/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('says a --world folder without truth.json is no world, and exits 2 without a stack', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-no-world-'));
    const run = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'training', 'evaluate.ts'), 'send-time', '--dataset', 'world', '--world', empty], {
      cwd: root, encoding: 'utf8', timeout: 90_000,
    });
    fs.rmSync(empty, { recursive: true });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`error: ${empty} is not a world folder (no truth.json): make one with npx tsx training/world.ts --out ${empty}, or leave --world out for the default world (seed 7)`);
  }, 120_000);

  it('names the setting that is wrong, and exits 2 without a stack', () => {
    const run = train({ PORT: 'abc' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^error: PORT: "abc" is not a whole number/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});
