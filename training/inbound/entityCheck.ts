// Compares extracted entities with the ones labelled in the hand-written fixture.
import type { InboundTriage } from '../../src/ml/inbound/score.js';

interface LabelledEntities {
  invoiceNumbers?: string[];
  amounts?: Array<{ value: number; currency: string }>;
  promisedDate?: string;
  poNumbers?: string[];
  emails?: string[];
}

export function checkEntities(data: ReadonlyArray<{ entities?: LabelledEntities }>, predictions: InboundTriage[]): Record<string, string> {
  const tally: Record<string, [number, number]> = {};
  const count = (key: string, ok: boolean) => {
    tally[key] ??= [0, 0];
    tally[key][0] += ok ? 1 : 0;
    tally[key][1]++;
  };
  const upper = (xs: string[]) => xs.map((x) => x.toUpperCase());
  data.forEach((e, i) => {
    const want = e.entities;
    const got = predictions[i].entities;
    if (!want) return;
    if (want.invoiceNumbers) count('invoiceNumbers', want.invoiceNumbers.every((x) => upper(got.invoiceNumbers).includes(x.toUpperCase())));
    if (want.amounts) count('amounts', want.amounts.every((a) => got.amounts.some((g) => Math.abs(g.value - a.value) < 0.01 && g.currency === a.currency)));
    if (want.promisedDate) count('promisedDate', got.promisedDate === want.promisedDate);
    if (want.poNumbers) count('poNumbers', want.poNumbers.every((x) => upper(got.poNumbers).includes(x.toUpperCase())));
    if (want.emails) count('emails', want.emails.every((x) => got.emails.includes(x)));
  });
  return Object.fromEntries(Object.entries(tally).map(([k, [ok, all]]) => [k, `${ok}/${all}`]));
}
