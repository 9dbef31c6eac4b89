import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSendTimeModel, hourDistance, SendTimeArtifactError, type SendTimePredictor } from '../../../src/ml/send-time/index.js';
import { customer, trainOnSmallWorld, type TrainedWorld } from './factories.js';

let trained: TrainedWorld;
let predictor: SendTimePredictor;
beforeAll(async () => {
  trained = await trainOnSmallWorld();
  predictor = trained.predictor;
});

// Reminders leave between 6 am and 6 pm New York time (11:00–23:00 UTC in January).
const SPREAD_SENDS = [11, 13, 15, 17, 19, 21, 23, 12, 16, 20];

describe('when a customer replies at 9 am local time', () => {
  it('recommends about 9 am, confidently, with the count of answers behind it', () => {
    const p = predictor.predict(customer({ n: 12, sentHoursUtc: SPREAD_SENDS, replyHourUtc: 14 }));
    expect(Math.abs(p.value.bestHour - 9)).toBeLessThanOrEqual(1);
    expect(p.confidence).toBeGreaterThan(0.8);
    expect(p.reasons.find((r) => r.factor === 'repliedNearBestHour')?.text).toMatch(/^replied to \d+ of \d+ reminders sent .* \d+ of \d+ sent at other hours$/);
  });

  it('moves the hour with the timezone: the same UTC replies are 3 pm in Paris', () => {
    const ny = predictor.predict(customer({ n: 12, sentHoursUtc: SPREAD_SENDS.map((h) => h - 6), replyHourUtc: 14 }));
    const paris = predictor.predict(customer({ zone: 'Europe/Paris', n: 12, sentHoursUtc: SPREAD_SENDS.map((h) => h - 6), replyHourUtc: 14 }));
    expect(paris.value.bestHour - ny.value.bestHour).toBe(6);
    expect(paris.value.timezone).toBe('Europe/Paris');
  });
});

describe('when a customer answers every reminder', () => {
  // Their rate hits the model's cap over many hours: the hour must still be where the answers are.
  it('recommends the hour the answers come at, confidently', () => {
    const p = predictor.predict(customer({ n: 48, sentHoursUtc: [14], replyHourUtc: 21 }));
    expect(Math.abs(p.value.bestHour - 16)).toBeLessThanOrEqual(1);
    expect(p.confidence).toBeGreaterThan(0.8);
  });
});

describe('when the only opens are machine opens', () => {
  // Unanswered sends still count against their hours: the proxy's opens must add nothing to them.
  it('gets the same hour and rate as the same reminders left unopened, and says the opens were ignored', () => {
    const proxy = predictor.predict(customer({ n: 15, sentHoursUtc: [20, 21, 22], machineOpens: true }));
    const unopened = predictor.predict(customer({ n: 15, sentHoursUtc: [20, 21, 22] }));
    expect(proxy.value).toEqual({ ...unopened.value, evidence: { ...unopened.value.evidence, machineOpensIgnored: 15 } });
    expect(proxy.reasons.some((r) => r.factor === 'machineOpensIgnored' && r.value === 15)).toBe(true);
  });
});

describe('when a customer has little data', () => {
  it('is pulled to the segment and less confident than a customer with many answers', () => {
    const one = predictor.predict(customer({ n: 6, sentHoursUtc: SPREAD_SENDS, replyHourUtc: 20, answered: (i) => i === 0 }));
    const many = predictor.predict(customer({ n: 20, sentHoursUtc: SPREAD_SENDS, replyHourUtc: 20 }));
    expect(many.value.bestHour).toBe(15);
    expect(one.confidence).toBeLessThan(many.confidence);
    expect(one.reasons.some((r) => r.factor === 'segmentHabit')).toBe(true);
    expect(many.reasons.some((r) => r.factor === 'segmentHabit')).toBe(false);
  });

  it('reads an unknown timezone in the portfolio’s usual zone and says so', () => {
    const p = predictor.predict(customer({ zone: null, n: 3, sentHoursUtc: [14] }));
    expect(p.value.timezone).toBe(predictor.state.defaultTimezone);
    expect(p.reasons.find((r) => r.factor === 'timezone')?.text).toMatch(/timezone unknown/);
  });
});

describe('whatever the history', () => {
  it('recommends a whole hour inside the send window, with rates and uplift consistent', () => {
    const [from, to] = predictor.state.config.sendWindow;
    const history = fc.record({
      n: fc.integer({ min: 0, max: 30 }),
      sentHoursUtc: fc.array(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 5 }),
      replyHourUtc: fc.option(fc.integer({ min: 0, max: 23 }), { nil: undefined }),
      zone: fc.constantFrom('America/New_York', 'Europe/Paris', 'America/Los_Angeles'),
      every: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(history, (h) => {
        const p = predictor.predict(customer({ ...h, answered: (i) => i % h.every === 0 }));
        const v = p.value;
        return (
          Number.isInteger(v.bestHour) && v.bestHour >= from && v.bestHour <= to &&
          v.expectedResponseRate >= v.defaultResponseRate - 1e-4 &&
          Math.abs(v.vsDefault - (v.expectedResponseRate - v.defaultResponseRate)) < 2e-4 &&
          p.confidence >= 0 && p.confidence <= 1
        );
      }),
      { numRuns: 60 },
    );
  });
});

describe('when training and reloading', () => {
  it('round-trips the artifact through JSON with identical predictions', async () => {
    const kind = createSendTimeModel();
    const reloaded = await kind.load(JSON.parse(JSON.stringify(trained.artifact)));
    for (const input of trained.inputs.slice(0, 40)) expect(reloaded.predict(input)).toEqual(predictor.predict(input));
  });

  it('is deterministic: the same data gives the same artifact', async () => {
    const kind = createSendTimeModel();
    const again = await kind.train({ customers: trained.inputs });
    expect(JSON.stringify(again)).toBe(JSON.stringify(trained.artifact));
  });

  it('refuses an artifact of another model', async () => {
    await expect(createSendTimeModel().load({ state: { model: 'drift' } })).rejects.toBeInstanceOf(SendTimeArtifactError);
  });

  it('finds the true desk hour more often than one hour for everyone (synthetic truth)', async () => {
    const kind = createSendTimeModel();
    const metrics = await kind.evaluate(trained.artifact, { customers: trained.inputs, truePreferredHour: Object.fromEntries(trained.preferredHour) });
    const defaultHour = predictor.state.defaultHour;
    const hits = [...trained.preferredHour.values()].filter((h) => hourDistance(h, defaultHour) <= 1).length;
    expect(metrics.within1h).toBeGreaterThan(hits / trained.preferredHour.size + 0.1);
  });
});
