// A synthetic world as send-time inputs, plus the hidden truth of each
// customer's engagement (their real desk hour and response propensities).
import type { EngagementTraits } from '../../src/world/index.js';
import type { SendTimeInput } from '../../src/ml/send-time/index.js';
import { hourDistance } from '../../src/ml/send-time/index.js';
import { byCustomer, type LoadedWorld } from './world-files.js';

export interface SendTimeWorld {
  inputs: SendTimeInput[];
  engagement: Map<string, EngagementTraits>;
  effect: { widthHours: number; openFloor: number; replyFloor: number };
  startDate: string;
  endDate: string;
}

export function sendTimeWorld(world: LoadedWorld, asOf: string | null): SendTimeWorld {
  const comms = byCustomer(world.rows.communications);
  const payments = byCustomer(world.rows.payments);
  const inputs: SendTimeInput[] = (world.rows.customers ?? []).map((c) => ({
    customerExternalId: c.externalId,
    segment: c.segment,
    timezone: c.timezone,
    asOf,
    communications: (comms.get(c.externalId) ?? []).map((r) => ({
      channel: r.channel,
      sentAt: r.sentAt,
      openedAt: r.openedAt,
      machineOpen: r.machineOpen,
      clickedAt: r.clickedAt,
      repliedAt: r.repliedAt,
      bouncedAt: r.bouncedAt,
      template: r.template,
    })),
    payments: (payments.get(c.externalId) ?? []).map((p) => ({ paymentDate: p.paymentDate })),
  }));
  const engagement = new Map(Object.entries(world.truth.customers).map(([id, c]) => [id, c.engagement]));
  const models = world.truth.models as { sendTime: { effect: SendTimeWorld['effect'] } };
  return { inputs, engagement, effect: models.sendTime.effect, startDate: world.truth.period.startDate, endDate: world.truth.period.endDate };
}

/**
 * The world's true chance that one email sent at `localHour` gets a reply, and
 * a visible human response (a person's open, click or reply; a proxy open
 * hides the person's open). From the generator's formulas, as data in truth.json.
 */
export function trueResponse(t: EngagementTraits, effect: SendTimeWorld['effect'], localHour: number): { reply: number; response: number } {
  if (!t.hasEmail || t.emailBounces) return { reply: 0, response: 0 };
  const d = hourDistance(localHour, t.preferredReplyHour);
  const f = Math.exp(-(d * d) / (2 * effect.widthHours ** 2));
  const open = t.openPropensity * (effect.openFloor + (1 - effect.openFloor) * f);
  const replyGivenOpen = t.replyPropensity * (effect.replyFloor + (1 - effect.replyFloor) * f);
  const m = t.machineOpenShare;
  return {
    reply: open * replyGivenOpen,
    response: open * (1 - m + m * (1 - (1 - t.clickPropensity) * (1 - replyGivenOpen))),
  };
}
