import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { ArtifactStore, newVersionName } from '../../../src/ml/registry/artifact-store.js';
import type { Artifact } from '../../../src/ml/model.js';

const manifest = (version: string) => ({
  formatVersion: 1 as const, model: 'm', version, createdAt: new Date().toISOString(), codeVersion: 'test', dataset: null,
  window: { from: null, to: null }, dataFingerprint: 'd', holdoutFingerprint: 'h', primaryMetric: 'auc', metricDirection: 'higher' as const, metrics: {},
});

describe('version folders on disk', () => {
  let root: string;
  let store: ArtifactStore;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-store-'));
    store = new ArtifactStore(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('when an artifact has nested binary files', () => {
    it('reads back the same state and bytes', async () => {
      const artifact: Artifact = {
        state: { parts: { intent: { layers: 2 } }, threshold: 0.25 },
        files: { 'intent/weights.bin': Uint8Array.from([1, 2, 3, 255]), 'vocab.bin': Uint8Array.from([9]) },
      };
      const version = newVersionName();
      const written = await store.write({ manifest: manifest(version), artifact });
      const back = await store.read('m', version, written.checksums);
      expect(back.artifact.state).toEqual(artifact.state);
      expect(Array.from(back.artifact.files!['intent/weights.bin'])).toEqual([1, 2, 3, 255]);
      expect(Array.from(back.artifact.files!['vocab.bin'])).toEqual([9]);
    });
  });

  describe('when a file name tries to leave the folder', () => {
    it('refuses to write and leaves nothing behind', async () => {
      const version = newVersionName();
      await expect(store.write({ manifest: manifest(version), artifact: { state: {}, files: { '../escape.bin': new Uint8Array(1) } } }))
        .rejects.toThrow(/not allowed/);
      const dir = path.join(root, 'm');
      expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
    });
  });

  describe('when a version is written twice', () => {
    it('never overwrites the first', async () => {
      const version = newVersionName();
      const first = await store.write({ manifest: manifest(version), artifact: { state: { a: 1 } } });
      await expect(store.write({ manifest: manifest(version), artifact: { state: { a: 2 } } })).rejects.toThrow();
      expect((await store.read('m', version, first.checksums)).artifact.state).toEqual({ a: 1 });
    });
  });

  describe('when a file is missing', () => {
    it('says which', async () => {
      const version = newVersionName();
      const written = await store.write({ manifest: manifest(version), artifact: { state: {}, files: { 'w.bin': new Uint8Array(4) } } });
      fs.rmSync(path.join(root, 'm', version, 'files', 'w.bin'));
      await expect(store.read('m', version, written.checksums)).rejects.toThrow(/files\/w\.bin is missing/);
    });
  });

  describe('when a file is there but cannot be read', () => {
    it('says so, rather than calling it missing', async () => {
      const version = newVersionName();
      const written = await store.write({ manifest: manifest(version), artifact: { state: {}, files: { 'w.bin': new Uint8Array(4) } } });
      // A directory where the file was: reading it fails with EISDIR, whoever runs the test.
      const file = path.join(root, 'm', version, 'files', 'w.bin');
      fs.rmSync(file);
      fs.mkdirSync(file);
      await expect(store.read('m', version, written.checksums)).rejects.toThrow(/files\/w\.bin could not be read \(EISDIR\)/);
    });
  });

  // A process killed while it wrote a version (a worker stopped mid-job, the machine restarted) leaves its
  // temporary folder behind: never a version, never read, and nothing else removed it.
  describe('when a process died while writing a version', () => {
    it('sweeps the temporary folder it left, once it is old enough that no writer can still be at it', async () => {
      const kept = newVersionName();
      await store.write({ manifest: manifest(kept), artifact: { state: {} } });
      const stale = path.join(root, 'm', `.tmp-${newVersionName()}-0badc0de`);
      const fresh = path.join(root, 'm', `.tmp-${newVersionName()}-0000beef`);
      for (const dir of [stale, fresh]) {
        fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'state.json'), '{"half":');
      }
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
      expect(await store.sweepTemporary()).toBe(1);
      expect(fs.readdirSync(path.join(root, 'm')).sort()).toEqual([path.basename(fresh), kept].sort());
    });
  });
});
