import { describe, expect, it } from 'vitest';
import { generateEmails } from '../../src/ml/inbound/corpus/index.js';
import { trainInbound } from '../../src/ml/inbound/model.js';
import { buildReport } from '../../src/ml/reports/index.js';
import { diagnoseInbound } from '../../src/inbound/catalogue.js';

describe('when the inbound triage report is built', () => {
  it('plots which types are taken for which, and the F1 of each type present in the holdout', async () => {
    const artifact = await trainInbound(generateEmails({ n: 600, seed: 101 }), { seed: 3 }, { type: { epochs: 3, maxFeatures: 2000 }, sentiment: { epochs: 2, maxFeatures: 1000 } });
    const holdout = generateEmails({ n: 120, seed: 9, split: 'heldout' });
    const evaluation = await diagnoseInbound(artifact, holdout);
    const confusion = evaluation.diagnostics!.confusion!;
    expect(confusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(holdout.length);
    const present = new Set(holdout.map((e) => e.type));
    expect(evaluation.diagnostics!.bySegment!.segments.map((s) => s.segment).sort()).toEqual([...present].sort());
    const report = await buildReport({ model: 'inbound-triage', subject: 'inbound-triage@test', evaluation });
    expect(report.charts).toEqual(expect.arrayContaining(['confusion', 'by-segment']));
  }, 60_000);
});
