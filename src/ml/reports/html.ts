// The evaluation report: one self-contained HTML page (inline CSS and SVG, no
// script, nothing fetched) that an analyst can open from disk or from the API.
import type { Metrics } from '../model.js';
import {
  calibrationChart, confusionChart, importanceChart, overTimeChart, precisionRecallChart, rocChart, segmentChart, type Chart,
} from './charts.js';
import { renderSvg } from './render.js';
import type { Diagnostics, Evaluation } from './types.js';

export interface ReportInput {
  /** e.g. "payment-delay" */
  model: string;
  /** e.g. "payment-delay@20261123-101500-ab12cd", or "unregistered evaluation". */
  subject: string;
  evaluation: Evaluation;
  primaryMetric?: string;
  /** Metrics of another model on the same holdout (the active version), shown side by side. */
  baseline?: { label: string; metrics: Metrics };
  /** Label → value lines: dataset, window, fingerprint, code version, champion comparison. */
  facts?: [string, string][];
  generatedAt?: Date;
}

export interface RenderedReport {
  html: string;
  /** Ids of the plots rendered, and the ones the evaluation gave no data for. */
  charts: string[];
  missing: string[];
}

const PLOTS: { id: string; name: string; build: (d: Diagnostics) => Chart | null }[] = [
  { id: 'roc', name: 'ROC curve', build: (d) => (d.scores ? rocChart(d.scores) : null) },
  { id: 'precision-recall', name: 'precision-recall curve', build: (d) => (d.scores ? precisionRecallChart(d.scores) : null) },
  { id: 'calibration', name: 'calibration', build: (d) => (d.scores ? calibrationChart(d.scores) : null) },
  { id: 'confusion', name: 'confusion matrix', build: (d) => (d.confusion ? confusionChart(d.confusion) : null) },
  { id: 'by-segment', name: 'a metric by segment', build: (d) => (d.bySegment ? segmentChart(d.bySegment) : null) },
  { id: 'importance', name: 'feature importance', build: (d) => (d.importance ? importanceChart(d.importance) : null) },
  { id: 'over-time', name: 'metric over time', build: (d) => (d.overTime ? overTimeChart(d.overTime) : null) },
];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return Math.abs(x) >= 100 ? x.toFixed(1) : Number(x.toPrecision(4)).toString();
}

function metricsTable(metrics: Metrics, primary?: string, baseline?: ReportInput['baseline']): string {
  const head = baseline ? `<tr><th></th><td>this model</td><td>${escapeHtml(baseline.label)}</td></tr>` : '';
  const rows = Object.entries(metrics)
    .map(([k, v]) => {
      const other = baseline ? `<td>${formatNumber(baseline.metrics[k] ?? NaN)}</td>` : '';
      return `<tr${k === primary ? ' class="primary"' : ''}><th>${escapeHtml(k)}${k === primary ? ' (primary)' : ''}</th><td>${formatNumber(v)}</td>${other}</tr>`;
    })
    .join('');
  return `<table class="metrics">${head}${rows}</table>`;
}

function factsList(facts: [string, string][]): string {
  if (!facts.length) return '';
  return `<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

const STYLE = `
body{font-family:Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin:.2rem 0}
.sub{color:#666;margin-top:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}
dt{color:#666}dd{margin:0;font-family:monospace;word-break:break-all}
table.metrics{border-collapse:collapse;font-size:.9rem}
table.metrics th{text-align:left;font-weight:normal;color:#444;padding:.15rem 1.5rem .15rem 0}
table.metrics td{text-align:right;font-family:monospace;padding-left:1.5rem}
tr.primary th,tr.primary td{font-weight:bold}
.grid{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:0;border:1px solid #ddd;border-radius:4px;padding:.8rem;max-width:100%;overflow-x:auto}
figcaption{font-size:.85rem;color:#555;max-width:420px;margin-top:.4rem}
.missing{color:#888;font-size:.85rem}`;

/** Renders the report; plots without data are listed, not drawn. */
export async function buildReport(input: ReportInput): Promise<RenderedReport> {
  const diagnostics = input.evaluation.diagnostics ?? {};
  const figures: string[] = [];
  const charts: string[] = [];
  const missing: string[] = [];
  for (const plot of PLOTS) {
    const chart = plot.build(diagnostics);
    if (!chart) {
      missing.push(plot.id);
      continue;
    }
    // Let the event loop breathe between plots: training jobs may run inside the API process.
    await new Promise((resolve) => setImmediate(resolve));
    const svg = await renderSvg(chart.spec);
    charts.push(chart.id);
    figures.push(
      `<figure id="${chart.id}"><h2>${escapeHtml(chart.title)}</h2>${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
    );
  }
  const generated = (input.generatedAt ?? new Date()).toISOString();
  const missingNote = missing.length
    ? `<p class="missing">Not provided by this model's evaluation: ${PLOTS.filter((p) => missing.includes(p.id)).map((p) => p.name).join(', ')}.</p>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.subject)} evaluation</title>
<meta name="generator" content="collections-intelligence model registry"><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(input.model)}: evaluation report</h1>
<p class="sub">${escapeHtml(input.subject)} · generated ${escapeHtml(generated)}</p>
${factsList(input.facts ?? [])}
<h2>Metrics on the holdout</h2>
${metricsTable(input.evaluation.metrics, input.primaryMetric, input.baseline)}
<div class="grid">${figures.join('\n')}</div>
${missingNote}
</body></html>
`;
  return { html, charts, missing };
}
