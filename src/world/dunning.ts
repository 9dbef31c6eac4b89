// Outbound reminders: each customer's dunning scenario applied to each invoice
// while it is unpaid (not disputed, customer not insolvent), grouped per
// customer, day and step, with the customer's reaction to each.
import { MS_PER_DAY, nextBusinessDay, type Day } from './dates.js';
import { reactToCall, reactToEmail, reactToSms, type Engagement } from './engagement.js';
import type { InvoiceSim } from './invoicing.js';
import { scenarioById } from './platform.js';
import { customerStream } from './rng.js';
import { fromLocal } from './timezones.js';
import type { CustomerPlan, Period } from './traits.js';
import type { DunningStep } from './types.js';

export interface ReminderSim extends Engagement {
  externalId: string;
  step: DunningStep;
  sentAt: number;
  invoices: InvoiceSim[];
}

/** When each kind of reminder leaves: automatic batches at random hours (the logging policy), people in office hours. */
export const SEND_POLICY = {
  automaticEmailLocalHours: [6, 20],
  manualEmailLocalHours: [8, 17.5],
  callLocalHours: [8.5, 17],
  letterLocalHour: 9,
  weekendStepsMoveToMonday: true,
};

function isDue(invoice: InvoiceSim, day: Day, plan: CustomerPlan): boolean {
  if (day <= invoice.issueDay || (invoice.settleDay !== null && invoice.settleDay <= day)) return false;
  if (invoice.disputeDay !== null && day >= invoice.disputeDay) return false;
  return plan.insolvencyDay === null || day < plan.insolvencyDay;
}

export function simulateReminders(seed: number, plan: CustomerPlan, invoices: InvoiceSim[], period: Period): ReminderSim[] {
  const rng = customerStream(seed, plan.index, 'dunning');
  const scenario = scenarioById(plan.baseScenario);
  const groups = new Map<string, { day: Day; stepIndex: number; invoices: InvoiceSim[] }>();
  for (const invoice of invoices) {
    scenario.steps.forEach((step, stepIndex) => {
      const day = nextBusinessDay(invoice.dueDay + step.dayOffset);
      if (day > period.endDay || !isDue(invoice, day, plan)) return;
      const key = `${day}|${stepIndex}`;
      const group = groups.get(key);
      if (group) group.invoices.push(invoice);
      else groups.set(key, { day, stepIndex, invoices: [invoice] });
    });
  }
  const ordered = [...groups.values()].sort((a, b) => a.day - b.day || a.stepIndex - b.stepIndex);
  const number = plan.externalId.slice(4);
  const drift = plan.drift;
  return ordered.map((group, i) => {
    const step = scenario.steps[group.stepIndex];
    const sentAt = sendTime(rng.next(), plan.timezone, group.day, step);
    const factor = drift && drift.kind === 'engagement_drop' && sentAt >= drift.startDay * MS_PER_DAY ? drift.engagementFactor : 1;
    let engagement: Engagement = { openedAt: null, machineOpen: false, clickedAt: null, repliedAt: null, bouncedAt: null };
    if (step.channel === 'email') engagement = reactToEmail(rng, plan.engagement, sentAt, factor);
    else if (step.channel === 'call') engagement.repliedAt = reactToCall(rng, plan.engagement, sentAt, factor);
    else if (step.channel === 'sms') engagement.repliedAt = reactToSms(rng, plan.engagement, sentAt, factor);
    return { externalId: `COM-${number}-${String(i + 1).padStart(5, '0')}`, step, sentAt, invoices: group.invoices, ...engagement };
  });
}

function sendTime(u: number, zone: string, day: Day, step: DunningStep): number {
  let hours: number[];
  if (step.channel === 'letter') return fromLocal(zone, day, SEND_POLICY.letterLocalHour);
  if (step.channel === 'call') hours = SEND_POLICY.callLocalHours;
  else hours = step.automatic ? SEND_POLICY.automaticEmailLocalHours : SEND_POLICY.manualEmailLocalHours;
  const hour = hours[0] + u * (hours[1] - hours[0]);
  // Whole minutes: what a mail log records.
  return Math.round(fromLocal(zone, day, hour) / 60_000) * 60_000;
}
