// How well could any detector see an engagement drop within the window? An
// upper bound on a synthetic world, to tell a detector problem from an
// observability one.
//   npx tsx training/drift/engagement-ceiling.ts --world DIR [--window 2] [--rates true|estimated]
// The oracle knows what no detector can: each customer's true reaction
// probabilities (truth.json: propensities, preferred hour, the send-time
// effect) and the size of the drop (× 0.05). With both known, the CUSUM of the
// per-reminder log-likelihood ratio is the optimal change detector (Lorden,
// Moustakides). Its maximum is read from the drift start to the settlement
// closing the window for drifting customers, over the whole history for the
// customers without drift; precision counts alerts at any delay, as
// evaluate-world does. The threshold is chosen on the truth itself: the one
// with the highest recall at precision ≥ 0.9. So the recall printed is what a
// perfect detector could reach. With `--rates estimated` the same CUSUM uses
// only what a detector can know (each channel's reaction rate so far, see
// estimatedRates) but still knows the drop's size and picks its threshold on
// the truth: a reference for the detector the service runs. Prints one JSON line.
import fs from 'node:fs';
import path from 'node:path';
import type { CustomerHistory } from '../../src/ml/drift/types.js';
import { sendTimeFactor, SEND_TIME_EFFECT } from '../../src/world/engagement.js';
import { localHour } from '../../src/world/timezones.js';
import type { EngagementTraits } from '../../src/world/truth.js';
import { REACTABLE_CHANNELS } from './replay.js';
import { loadWorld } from './world-data.js';
import { scriptOptions } from '../cli/options.js';

const DROP = 0.05;
const TARGET_PRECISION = 0.9;

/** Probability, without drift, that a person's reaction to this reminder shows in the data. */
function visibleReaction(c: CustomerHistory['communications'][number], t: EngagementTraits): number {
  const f = sendTimeFactor(localHour(t.timezone, Date.parse(c.sentAt)), t.preferredReplyHour);
  const reply = (floor: number) => t.replyPropensity * (floor + (1 - floor) * f);
  const channel = c.channel ?? 'email';
  if (channel === 'call') return t.callReachPropensity * (0.5 + 0.5 * f);
  if (channel === 'sms') return reply(SEND_TIME_EFFECT.replyFloor) * 0.4;
  const open = t.openPropensity * (SEND_TIME_EFFECT.openFloor + (1 - SEND_TIME_EFFECT.openFloor) * f);
  // A proxy-opened email hides the human open: only a click or a reply shows.
  if (c.machineOpen) return open * (1 - (1 - t.clickPropensity) * (1 - reply(SEND_TIME_EFFECT.replyFloor)));
  return open;
}

/**
 * What a detector can know instead of the truth: per channel (a proxy-opened
 * email apart), the rate of reactions to the customer's earlier reminders,
 * shrunk to a portfolio-wide guess by 3 pseudo-reminders.
 */
function estimatedRates(): (c: CustomerHistory['communications'][number], reacted: boolean) => number {
  const guess: Record<string, number> = { email: 0.55, proxy: 0.25, sms: 0.1, call: 0.5 };
  const counts = new Map<string, [number, number]>();
  return (c, reacted) => {
    const key = c.channel === 'email' || !c.channel ? (c.machineOpen ? 'proxy' : 'email') : c.channel;
    const [k, n] = counts.get(key) ?? [0, 0];
    counts.set(key, [k + (reacted ? 1 : 0), n + 1]);
    return (3 * (guess[key] ?? 0.3) + k) / (3 + n);
  };
}

/** Largest CUSUM (log10) of "dropped" against "as usual" over reminders sent from `from` to `until`. */
function maxCusum(h: CustomerHistory, t: EngagementTraits, from: string, until: string, estimated: boolean): number {
  const reminders = h.communications
    .filter((c) => REACTABLE_CHANNELS.has(c.channel ?? 'email') && !c.bouncedAt && c.sentAt.slice(0, 10) <= until)
    .sort((a, b) => (a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : 0));
  const rateOf = estimated ? estimatedRates() : null;
  let s = 0;
  let best = 0;
  for (const c of reminders) {
    const reacted = !!(c.repliedAt || c.clickedAt || (c.openedAt && !c.machineOpen));
    const q = Math.min(estimated ? 0.95 : 0.999, rateOf ? rateOf(c, reacted) : visibleReaction(c, t));
    s = Math.max(0, s + (reacted ? Math.log10(DROP) : Math.log10((1 - DROP * q) / (1 - q))));
    if (c.sentAt.slice(0, 10) >= from) best = Math.max(best, s);
  }
  return best;
}

const values = scriptOptions({ world: { type: 'string' }, window: { type: 'string', default: '2' }, rates: { type: 'string', default: 'true' } });
if (!values.world || !['true', 'estimated'].includes(values.rates!)) {
  throw new Error('usage: engagement-ceiling.ts --world DIR [--window 2] [--rates true|estimated]');
}
const estimated = values.rates === 'estimated';
const windowInvoices = Number(values.window);
const world = loadWorld(values.world);
const truth = JSON.parse(fs.readFileSync(path.join(values.world, 'truth.json'), 'utf8')) as {
  customers: Record<string, { engagement: EngagementTraits }>;
};
const driftOf = new Map(world.drifts.map((d) => [d.customerExternalId, d]));

const drifting: number[] = [];
/** The same customers read to the end of the history: alerts at any delay count for precision, as in evaluate-world. */
const driftingAnyDelay: number[] = [];
const windowReminders: number[] = [];
const stable: number[] = [];
for (const h of world.histories) {
  const id = h.customerExternalId ?? '';
  const traits = truth.customers[id].engagement;
  const d = driftOf.get(id);
  if (!d) {
    stable.push(maxCusum(h, traits, '', world.endDate, estimated));
    continue;
  }
  if (d.kind !== 'engagement_drop') continue;
  const settled = h.invoices
    .filter((i) => i.settledDate)
    .sort((a, b) => (a.settledDate! < b.settledDate! ? -1 : a.settledDate! > b.settledDate! ? 1 : 0));
  const first = settled.findIndex((i) => i.externalId === d.firstAffectedInvoiceExternalId);
  if (first < 0) continue;
  const windowEnd = settled[Math.min(settled.length - 1, first + windowInvoices)].settledDate!;
  windowReminders.push(
    h.communications.filter(
      (c) => REACTABLE_CHANNELS.has(c.channel ?? 'email') && !c.bouncedAt && c.sentAt.slice(0, 10) >= d.startDate && c.sentAt.slice(0, 10) <= windowEnd,
    ).length,
  );
  drifting.push(maxCusum(h, traits, d.startDate, windowEnd, estimated));
  driftingAnyDelay.push(maxCusum(h, traits, d.startDate, world.endDate, estimated));
}

// The threshold with the highest recall at the target precision (a false alert counted once per customer).
let ceiling = { threshold: Infinity, recall: 0, precision: NaN };
for (const t of new Set(drifting.filter((x) => x > 0))) {
  const hits = drifting.filter((x) => x >= t).length;
  const alerted = driftingAnyDelay.filter((x) => x >= t).length;
  const falseAlerts = stable.filter((x) => x >= t).length;
  const precision = alerted / (alerted + falseAlerts);
  if (precision >= TARGET_PRECISION && hits / drifting.length > ceiling.recall) {
    ceiling = { threshold: t, recall: hits / drifting.length, precision };
  }
}
const sorted = [...windowReminders].sort((a, b) => a - b);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    dataset: 'world',
    kind: 'engagement_drop',
    windowInvoices,
    rates: values.rates,
    drifting: drifting.length,
    stableCustomers: stable.length,
    medianRemindersInWindow: sorted.length ? sorted[sorted.length >> 1] : null,
    ceilingThreshold: r3(ceiling.threshold),
    ceilingRecall: r3(ceiling.recall),
    ceilingPrecision: r3(ceiling.precision),
  }),
);
