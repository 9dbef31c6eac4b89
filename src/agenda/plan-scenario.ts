// Dunning-scenario steps due on open, unqualified invoices. Pure.
//
// Each invoice moves through its scenario in order (brief 003: reminders in a
// funnel, the next one chosen from the previous ones): the next step is the
// first step after the last one done whose date has come. A step is done when
// a reminder of its level was sent for the invoice, or when a person closed
// the agenda action that carried it.
import { dayOf, isoOf, minIso } from './dates.js';
import { invoiceList } from './format.js';
import { creditsHeld, heldCreditReason } from './plan-credit.js';
import { promisedByEmail } from './plan-email-promise.js';
import { groupBy, summarise } from './invoices.js';
import type { AgendaPolicy } from './policy.js';
import { priority, risk, urgency } from './priority.js';
import type {
  ActionReason, ActionType, DunningScenario, DunningStep, EmailPromiseInvoice, PlanningFacts, ScenarioInvoice, SendRecord, Suggestion,
  UnappliedCredit,
} from './types.js';

const CHANNEL_TYPES: Record<string, ActionType> = { call: 'call', email: 'email', letter: 'letter', sms: 'sms', review: 'review' };

const VERB: Record<ActionType, string> = {
  call: 'call the customer',
  email: 'send the email',
  letter: 'send the letter',
  sms: 'send the SMS',
  review: 'review the account',
  follow_up: 'follow up',
  answer_email: 'answer the email',
  incentive: 'offer the incentive',
};

/**
 * Does this send count for this step? The level must match (the brief's rule).
 * Scenarios reuse a level (a courtesy email before the due date and a first
 * reminder after it are both level 1), so the same template, or else the same
 * channel sent no earlier than a few days before the step's date, is required.
 */
export function sendCountsFor(send: SendRecord, step: DunningStep, stepDay: number, policy: AgendaPolicy): boolean {
  if (send.level !== step.level) return false;
  if (send.template && step.template && send.template === step.template) return true;
  const sameChannel = !send.channel || send.channel === step.channel;
  return sameChannel && dayOf(send.on) >= stepDay - policy.sendToleranceDays;
}

export interface NextStep {
  index: number;
  step: DunningStep;
  stepDate: string;
}

export function nextStep(steps: DunningStep[], invoice: ScenarioInvoice, asOf: string, policy: AgendaPolicy): NextStep | null {
  const due = dayOf(invoice.dueDate);
  const today = dayOf(asOf);
  let lastDone = -1;
  steps.forEach((step, i) => {
    if (invoice.sends.some((s) => sendCountsFor(s, step, due + step.dayOffset, policy))) lastDone = i;
  });
  for (let i = lastDone + 1; i < steps.length; i++) {
    const day = due + steps[i].dayOffset;
    if (day > today) return null;
    // The platform sends automatic steps; one it never reported must not block the call after it forever.
    if (steps[i].automatic && today - day > policy.automaticStepGraceDays) continue;
    return { index: i, step: steps[i], stepDate: isoOf(day) };
  }
  return null;
}

function lastSendReason(invoices: ScenarioInvoice[]): ActionReason {
  const sends = invoices.flatMap((i) => i.sends);
  if (sends.length === 0) return { factor: 'lastReminder', text: 'no reminder recorded yet for these invoices', value: null };
  const last = sends.reduce((a, b) => (b.on > a.on ? b : a));
  return {
    factor: 'lastReminder',
    text: `last reminder: level ${last.level}${last.channel ? ` ${last.channel}` : ''} on ${last.on}`,
    value: last.on,
  };
}

function stepSuggestion(
  facts: PlanningFacts,
  context: { credits: Map<string, UnappliedCredit[]>; promised: Map<number, EmailPromiseInvoice> },
  scenario: DunningScenario,
  next: NextStep,
  members: { invoice: ScenarioInvoice; stepDate: string }[],
): Suggestion {
  const { step, index } = next;
  const invoices = members.map((m) => m.invoice);
  const customerId = invoices[0].customerId;
  const customer = facts.customers.get(customerId);
  const g = summarise(invoices, facts.asOf, customer);
  const type = CHANNEL_TYPES[step.channel] ?? 'review';
  const dueDate = minIso(members.map((m) => m.stepDate));
  const stepName = `step ${index + 1} of ${scenario.steps.length} of scenario "${scenario.name}"`;
  const what = `level ${step.level} ${step.channel}${step.template ? ` "${step.template}"` : ''}`;
  const reason = step.automatic
    ? `${what[0].toUpperCase()}${what.slice(1)} will be sent automatically (${stepName}, due ${dueDate}) for ${g.text}`
    : `${VERB[type][0].toUpperCase()}${VERB[type].slice(1)}: ${stepName}, ${what}, due since ${dueDate}, for ${g.text}`;
  const offset = step.dayOffset >= 0 ? `${step.dayOffset} days after` : `${-step.dayOffset} days before`;
  const reasons: ActionReason[] = [
    {
      factor: 'scenarioStep',
      text: `${stepName}: ${what}, ${offset} the due date${step.automatic ? ' (automatic)' : ''}`,
      value: step.level,
      invoiceIds: g.refs.map((r) => r.invoiceId),
      level: step.level,
      channel: step.channel,
      template: step.template,
    },
    g.amountReason,
    { factor: 'daysOverdue', text: `${invoiceList(g.refs)}: ${g.late}`, value: g.maxDaysOverdue },
    lastSendReason(invoices),
    ...[heldCreditReason(context.credits, customerId, g.currency)].filter((r) => r !== null),
    ...promiseReason(context.promised, invoices),
  ];
  return {
    dedupeKey: `scenario:c${customerId}:s${scenario.id}:${index}:i${g.anchorId}`,
    origin: 'scenario',
    kind: 'scenario_step',
    type,
    task: !step.automatic,
    customerId,
    collectorId: customer?.collectorId ?? null,
    invoiceId: g.singleInvoiceId,
    dueDate,
    reason,
    reasons,
    invoices: g.refs,
    currency: g.currency,
    priority: priority(g.amount, urgency('scenario_step', g.maxDaysOverdue), risk(customer), g.currency),
  };
}

/** One suggestion per customer and step: all the customer's invoices at that step in one call or letter. */
export function planScenarioSteps(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const promised = promisedByEmail(facts, policy);
  const due: { invoice: ScenarioInvoice; next: NextStep; stepDate: string }[] = [];
  for (const invoice of facts.scenarioInvoices) {
    const scenario = facts.scenarios.get(invoice.scenarioId);
    if (!scenario || scenario.steps.length === 0) continue;
    const next = nextStep(scenario.steps, invoice, facts.asOf, policy);
    // A person's step waits for a standing promise; the platform's automatic sends are only told of it.
    if (next && !(promised.has(invoice.invoiceId) && !next.step.automatic)) due.push({ invoice, next, stepDate: next.stepDate });
  }
  const groups = groupBy(due, (d) => `${d.invoice.customerId}|${d.invoice.scenarioId}|${d.next.index}`);
  const context = { credits: creditsHeld(facts), promised };
  return [...groups.values()].map((members) => {
    const scenario = facts.scenarios.get(members[0].invoice.scenarioId)!;
    return stepSuggestion(facts, context, scenario, members[0].next, members);
  });
}

/** For an automatic reminder about invoices a standing email promise covers: the platform will send it unless paused. */
function promiseReason(promised: Map<number, EmailPromiseInvoice>, invoices: ScenarioInvoice[]): ActionReason[] {
  const p = invoices.map((i) => promised.get(i.invoiceId)).find((x) => x !== undefined);
  if (!p) return [];
  return [{
    factor: 'emailPromise',
    text: `the customer's email of ${p.receivedOn} promised to pay by ${p.promisedDate}: pause this reminder on the platform, or it goes out anyway`,
    value: p.promisedDate,
  }];
}
