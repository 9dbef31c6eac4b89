import { describe, it, expect, beforeAll } from 'vitest';
import { buildReport, type RenderedReport } from '../../../src/ml/reports/index.js';
import { lateEntry, lateDatasets, MODEL } from '../registry/fixtures/logistic.js';

describe('when a report is built from a real evaluation', () => {
  let report: RenderedReport;

  beforeAll(async () => {
    const entry = lateEntry();
    const split = await lateDatasets().synthetic({ from: null, to: null });
    const artifact = await entry.kind.train(split.train);
    const evaluation = await entry.diagnose!(artifact, split.holdout);
    report = await buildReport({
      model: MODEL,
      subject: `${MODEL}@test <b>`,
      evaluation,
      primaryMetric: 'auc',
      baseline: { label: 'active', metrics: { auc: 0.5 } },
      facts: [['dataset', 'synthetic']],
    });
  });

  it('draws every plot as inline SVG', () => {
    expect(report.charts).toEqual(['roc', 'precision-recall', 'calibration', 'confusion', 'by-segment', 'importance', 'over-time']);
    const svgs = report.html.match(/<svg [^>]*>[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(7);
    for (const svg of svgs) expect(svg).toMatch(/class="mark-(line|rect|symbol)/);
  });

  it('labels the axes of the ROC curve', () => {
    const roc = report.html.slice(report.html.indexOf('<figure id="roc"'));
    expect(roc).toMatch(/false positive rate/);
    expect(roc).toMatch(/true positive rate/);
  });

  it('shows one AUC per month of the holdout', () => {
    const overTime = report.html.slice(report.html.indexOf('<figure id="over-time"'));
    for (const month of ['2026-01', '2026-06']) expect(overTime).toContain(`>${month}<`);
  });

  it('is self-contained: no script and nothing fetched', () => {
    expect(report.html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('escapes what it is given', () => {
    expect(report.html).toContain('@test &lt;b&gt;');
  });

  it('puts the champion\'s metrics next to the challenger\'s', () => {
    expect(report.html).toMatch(/<tr class="primary"><th>auc \(primary\)<\/th><td>0\.\d+<\/td><td>0\.5<\/td><\/tr>/);
  });
});

describe('when the evaluation has metrics only', () => {
  it('says which plots the model does not provide', async () => {
    const { html, charts, missing } = await buildReport({ model: 'x', subject: 'x@1', evaluation: { metrics: { rmse: 3.2 } } });
    expect(charts).toEqual([]);
    expect(missing).toHaveLength(7);
    expect(html).not.toContain('<svg');
    expect(html).toMatch(/Not provided by this model's evaluation: ROC curve/);
  });
});
