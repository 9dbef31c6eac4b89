import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../../src/world/index.js';
import { createSendTimeModel } from '../../../src/ml/send-time/index.js';
import { diagnoseSendTime } from '../../../src/ml/send-time/diagnose.js';
import { driftModel } from '../../../src/ml/drift/index.js';
import { diagnoseDrift } from '../../../src/ml/drift/diagnose.js';
import { buildReport } from '../../../src/ml/reports/index.js';
import { sendTimeWorld } from '../../../training/send-time/world-data.js';
import { fromMemory } from '../../../training/send-time/world-files.js';
import { simulateCustomer } from '../drift/factories.js';
import { trainOnSmallWorld as trainIncentives } from '../incentives/factories.js';
import { diagnoseIncentives } from '../../../src/ml/incentives/diagnose.js';
import { ACTIONS } from '../../../src/ml/incentives/index.js';

/** Delay creepers (who then pay later: the outcome) and steady payers, in two segments. */
function loadedHistories() {
  return Array.from({ length: 60 }, (_, i) => {
    const creeps = i % 2 === 0;
    const segment = i % 4 < 2 ? 'small' : 'standard';
    const c = simulateCustomer({ seed: 700 + i, segment, ...(creeps ? { drift: { kind: 'delay_creep' as const, atInvoice: 13 } } : {}) });
    return { history: c.history, outcome: creeps };
  });
}

describe('when the send-time report is built', () => {
  it('plots the off-policy uplift of each segment with enough logged reminders', async () => {
    const world = generateWorld({ customers: 150, months: 12, seed: 5 });
    const data = sendTimeWorld(fromMemory(world), '2026-07-31');
    const kind = createSendTimeModel();
    const artifact = await kind.train({ customers: data.inputs });
    const evaluation = await diagnoseSendTime(artifact, { customers: data.inputs });
    const segments = evaluation.diagnostics?.bySegment?.segments ?? [];
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) {
      expect(s.n).toBeGreaterThanOrEqual(50);
      expect(Math.abs(s.value)).toBeLessThan(100);
    }
    const report = await buildReport({ model: 'send-time', subject: 'send-time@test', evaluation });
    expect(report.charts).toContain('by-segment');
  });
});

describe('when the drift report is built on customers with a known later outcome', () => {
  it('plots how the score ranks them, overall and per segment, and gives each signal its flag rate', async () => {
    const examples = loadedHistories();
    const artifact = await driftModel.train({ examples });
    const evaluation = await diagnoseDrift(artifact, { examples });
    expect(evaluation.metrics.auc).toBeGreaterThan(0.5);
    expect(evaluation.metrics.flagRate_delay_creep).toBeGreaterThan(0);
    expect(evaluation.diagnostics?.scores?.label).toHaveLength(examples.length);
    const report = await buildReport({ model: 'drift', subject: 'drift@test', evaluation });
    expect(report.charts).toEqual(expect.arrayContaining(['roc', 'precision-recall', 'by-segment']));
    expect(report.charts).not.toContain('calibration');
  });
});

describe('when the incentives report is built', () => {
  it('crosses the lever the platform used with the one the model recommends, decision by decision', async () => {
    const { artifact, customers } = await trainIncentives();
    const evaluation = await diagnoseIncentives(artifact, { customers });
    const confusion = evaluation.diagnostics?.confusion;
    expect(confusion?.classes).toEqual([...ACTIONS]);
    const total = confusion!.counts.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(evaluation.metrics.decisions);
    const report = await buildReport({ model: 'incentives', subject: 'incentives@test', evaluation });
    expect(report.charts).toContain('confusion');
    expect(report.html).toContain('lever logged by lever recommended');
  });
});
