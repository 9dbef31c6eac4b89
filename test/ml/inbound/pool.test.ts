import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateEmails } from '../../../src/ml/inbound/corpus/index.js';
import { inboundModel, inboundModelOnThreads, loadInboundModels, trainInbound } from '../../../src/ml/inbound/model.js';
import { scoreInbound, type InboundModels } from '../../../src/ml/inbound/score.js';
import { TriagePool } from '../../../src/ml/inbound/pool/pool.js';
import type { Artifact } from '../../../src/ml/model.js';

async function whenReady(pool: TriagePool, input: Parameters<TriagePool['score']>[0]) {
  for (let i = 0; i < 300; i++) {
    const answer = pool.score(input);
    if (answer) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the triage thread never became ready');
}

describe('triage on worker threads', () => {
  let artifact: Artifact;
  let models: InboundModels;
  const emails = generateEmails({ n: 40, seed: 7, split: 'heldout' }).map((e) => ({ subject: e.subject, body: e.body, receivedAt: '2026-11-02T09:00:00Z', customer: null }));

  beforeAll(async () => {
    artifact = await trainInbound(generateEmails({ n: 600, seed: 101 }), { seed: 3 }, { type: { epochs: 3, maxFeatures: 2000 }, sentiment: { epochs: 2, maxFeatures: 1000 } });
    models = await loadInboundModels(artifact);
  }, 120_000);

  describe('a pool', () => {
    let pool: TriagePool;
    beforeAll(() => {
      pool = new TriagePool(artifact, 1);
    });
    afterAll(async () => pool.close());

    it('gives the answers scoring in place gives, once its thread is ready', async () => {
      await whenReady(pool, emails[0]);
      const answers = await Promise.all(emails.map((e) => pool.score(e)!));
      expect(answers).toEqual(emails.map((e) => scoreInbound(e, e.customer, models)));
    }, 60_000);

    // A triage takes a tenth of a millisecond: whether the thread answers
    // before it is terminated is a race, but nothing may be left hanging.
    it('says to score in place once closed, and settles what was in flight', async () => {
      const inFlight = Array.from({ length: 50 }, (_, i) => pool.score(emails[i % emails.length])!);
      await pool.close();
      for (const r of await Promise.allSettled(inFlight)) {
        if (r.status === 'fulfilled') expect(r.value.type).toEqual(expect.any(String));
        else expect(String(r.reason)).toMatch(/exited/);
      }
      expect(pool.score(emails[1])).toBeNull();
    });
  });

  it('says to score in place until its thread has loaded the model', () => {
    const pool = new TriagePool(artifact, 1);
    try {
      expect(pool.score(emails[0])).toBeNull();
    } finally {
      void pool.close();
    }
  });

  it('lets a served predictor answer the same whether its threads are ready or not', async () => {
    const predictor = await inboundModelOnThreads(1).load(artifact);
    try {
      const first = await predictor.predictAsync!(emails[2]);
      expect(first).toEqual(predictor.predict(emails[2]));
      // By now its thread has loaded the model (about a second here).
      await new Promise((r) => setTimeout(r, 3000));
      for (const e of emails.slice(2, 12)) expect(await predictor.predictAsync!(e)).toEqual(predictor.predict(e));
    } finally {
      predictor.dispose?.();
    }
  }, 60_000);

  it('is the plain model with no thread', () => {
    expect(inboundModelOnThreads(0)).toBe(inboundModel);
  });
});
