// Per-class precision / recall / F1, macro-F1 and a confusion matrix.

export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface ClassificationReport {
  labels: string[];
  /** confusion[truthIndex][predictedIndex] */
  confusion: number[][];
  perClass: ClassReport[];
  /** Mean F1 over classes present in the truth or the predictions. */
  macroF1: number;
  accuracy: number;
  n: number;
}

export function classificationReport(labels: readonly string[], truth: readonly string[], predicted: readonly string[]): ClassificationReport {
  if (truth.length !== predicted.length) throw new Error('classificationReport: truth and predictions differ in length');
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  truth.forEach((t, i) => {
    const ti = index.get(t);
    const pi = index.get(predicted[i]);
    if (ti === undefined || pi === undefined) throw new Error(`classificationReport: unknown label '${ti === undefined ? t : predicted[i]}'`);
    confusion[ti][pi]++;
    if (ti === pi) correct++;
  });
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support, predicted: predictedCount };
  });
  const counted = perClass.filter((c) => c.support > 0 || c.predicted > 0);
  const macroF1 = counted.length ? counted.reduce((a, c) => a + c.f1, 0) / counted.length : 0;
  return { labels: [...labels], confusion, perClass, macroF1, accuracy: truth.length ? correct / truth.length : 0, n: truth.length };
}

const pct = (x: number) => (x * 100).toFixed(1).padStart(6);

/** A plain-text table a person can read in a terminal or a report. */
export function formatReport(report: ClassificationReport, title: string): string {
  const width = Math.max(12, ...report.labels.map((l) => l.length)) + 1;
  const lines = [`${title} (n=${report.n}, accuracy ${pct(report.accuracy).trim()} %, macro-F1 ${pct(report.macroF1).trim()} %)`];
  lines.push(`${'class'.padEnd(width)} precision recall     F1  support`);
  for (const c of report.perClass) {
    if (c.support === 0 && c.predicted === 0) continue;
    lines.push(`${c.label.padEnd(width)}    ${pct(c.precision)} ${pct(c.recall)} ${pct(c.f1)}  ${String(c.support).padStart(7)}`);
  }
  const short = report.labels.map((l) => l.slice(0, 6).padStart(7));
  lines.push(`confusion (rows = truth, columns = predicted)`);
  lines.push(`${''.padEnd(width)}${short.join('')}`);
  report.labels.forEach((l, i) => {
    if (report.confusion[i].every((v) => v === 0)) return;
    lines.push(`${l.padEnd(width)}${report.confusion[i].map((v) => String(v).padStart(7)).join('')}`);
  });
  return lines.join('\n');
}
