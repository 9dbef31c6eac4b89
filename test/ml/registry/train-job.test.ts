// The train job run more than once: BullMQ runs a stalled job again, the first
// attempt dead or still training. The job records one version, and every
// attempt answers with it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../../helpers/storage.js';
import { makeTrainHandler, type TrainJobData, type TrainOutcome } from '../../../src/ml/registry/index.js';
import type { JobContext } from '../../../src/jobs/types.js';
import { MODEL, lateEntry } from './fixtures/logistic.js';
import { openRegistry, type RegistryFixture } from './fixtures/setup.js';

describe.each(await backends())('the train job on %s', (backend) => {
  let f: RegistryFixture;
  let trainings = 0;
  /** When set, trainings wait until this many have begun: racing attempts then all train before any records. */
  let together: { count: number; all: Promise<void>; arrived: () => void } | null = null;

  beforeAll(async () => {
    const entry = lateEntry();
    const kind = entry.kind;
    const counted = {
      ...kind,
      train: async (...args: Parameters<typeof kind.train>) => {
        trainings++;
        if (together && trainings >= together.count) together.arrived();
        await together?.all;
        return kind.train(...args);
      },
    };
    f = await openRegistry(backend, { [MODEL]: { ...entry, kind: counted } });
  });
  afterAll(async () => f.close());

  const attempt = (jobId: string, data: Partial<TrainJobData> = {}) => {
    const ctx: JobContext<TrainJobData> = {
      id: jobId,
      type: 'train',
      data: { model: MODEL, dataset: 'synthetic', report: false, ...data },
      progress: async () => undefined,
      signal: new AbortController().signal,
    };
    return makeTrainHandler({ registry: f.registry })(ctx) as Promise<TrainOutcome>;
  };
  const versionsOf = async (jobId: string) => (await f.registry.list(MODEL)).filter((v) => v.jobId === jobId);
  const folders = () => fs.readdirSync(path.join(f.modelsDir, MODEL)).filter((n) => !n.startsWith('.'));

  describe('when a job that recorded its version runs again', () => {
    it('trains and records once, both attempts answering with the same version and its promotion', async () => {
      trainings = 0;
      const first = await attempt('job-stalled');
      const second = await attempt('job-stalled');
      expect(trainings).toBe(1);
      expect(second).toMatchObject({ version: first.version, status: 'active', metrics: first.metrics, window: first.window });
      expect(second.promotion).toMatchObject({ activated: true, status: 'active', reason: first.promotion!.reason });
      expect((await versionsOf('job-stalled')).map((v) => v.version)).toEqual([first.version]);
      expect((await f.registry.events(MODEL, first.version)).filter((e) => e.action === 'registered')).toHaveLength(1);
    });
  });

  describe('when the attempt that recorded the version died before deciding on it', () => {
    it('decides on it, on the same holdout, without training again', async () => {
      trainings = 0;
      // An attempt that stopped between recording and promoting leaves what promote: false leaves.
      const first = await attempt('job-died', { promote: false });
      expect(first.status).toBe('candidate');
      const retry = await attempt('job-died');
      expect(trainings).toBe(1);
      expect(retry.version).toBe(first.version);
      expect(retry.promotion).toMatchObject({ version: first.version, reason: expect.any(String) });
      expect(retry.status).not.toBe('candidate');
      expect((await f.registry.events(MODEL, first.version)).some((e) => e.action === 'promoted' || e.action === 'rejected')).toBe(true);
    });
  });

  describe('when another job trains the same model', () => {
    it('trains and records a version of its own', async () => {
      trainings = 0;
      const [earlier] = await versionsOf('job-stalled');
      const other = await attempt('job-other');
      expect(trainings).toBe(1);
      expect(other.version).not.toBe(earlier.version);
      expect((await versionsOf('job-other')).map((v) => v.version)).toEqual([other.version]);
    });
  });

  describe('when two attempts of one job train at the same time', () => {
    it('records one version, keeps one folder, and both attempts answer with it', async () => {
      trainings = 0;
      let arrived!: () => void;
      together = { count: 2, all: new Promise((resolve) => (arrived = resolve)), arrived: () => arrived() };
      const before = folders().length;
      const [a, b] = await Promise.all([attempt('job-raced', { promote: false }), attempt('job-raced', { promote: false })]);
      together = null;
      expect(trainings).toBe(2);
      expect(a.version).toBe(b.version);
      expect((await versionsOf('job-raced')).map((v) => v.version)).toEqual([a.version]);
      expect(folders()).toHaveLength(before + 1);
      expect(folders()).toContain(a.version);
    });
  });
});
