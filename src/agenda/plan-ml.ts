// Suggestions read from model outputs (computed fields): behaviour drift,
// pre-due courtesy calls, inbound emails that need a person, incentives. Pure.
import { addDays, daysBetween, minIso } from './dates.js';
import { ago, invoiceList, money, percent, readModelReasons } from './format.js';
import { coveredInvoiceIds, groupBy, invoiceTask, summarise } from './invoices.js';
import { planEmailPromises } from './plan-email-promise.js';
import { keyPart, recurrence } from './keys.js';
import type { AgendaPolicy } from './policy.js';
import { floorIn } from './currencies.js';
import { flaggedKinds, nextConversation, reviewType } from './drift-next-step.js';
import { priority, risk, urgency } from './priority.js';
import { STAGE_LEVERS } from '../ml/incentives/types.js';
import type { ActionReason, CustomerContext, InboundEmail, InboundField, IsoDate, PlanningFacts, Suggestion } from './types.js';

function exposureReason(c: CustomerContext): ActionReason {
  return {
    factor: 'exposure',
    text: `${money(c.openAmount, c.currency)} open, ${money(c.overdueAmount, c.currency)} overdue`,
    value: c.openAmount,
  };
}

// A model output is stored as of its last run only: one computed after the
// planning day (the agenda of a past day) was not known that day, and dating
// it that day would show today's alert in the past. The day a suggestion
// from it counts from, or null for no suggestion.
const knownFrom = (computedOn: IsoDate | null, asOf: IsoDate): IsoDate | null =>
  computedOn === null ? asOf : computedOn <= asOf ? computedOn : null;

const customerLevel = (c: CustomerContext) => ({
  origin: 'ml' as const,
  task: true,
  customerId: c.customerId,
  collectorId: c.collectorId,
  invoiceId: null,
  invoices: [],
  currency: c.currency,
});

export function planDriftReviews(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const out: Suggestion[] = [];
  for (const c of facts.customers.values()) {
    const flaggedOn = knownFrom(c.driftOn, facts.asOf);
    if (c.driftAlert !== true || flaggedOn === null) continue;
    const r = recurrence(`ml:drift:c${c.customerId}`, facts.closures, flaggedOn, 0, policy.driftReviewEveryDays);
    if (r.dueDate > facts.asOf) continue;
    const model = readModelReasons(c.driftReasons, 4);
    const kinds = flaggedKinds(model);
    const next = nextConversation(c, kinds);
    const score = c.driftScore === null ? '' : ` (drift score ${c.driftScore.toFixed(2)})`;
    const amount = Math.max(c.openAmount, floorIn(policy, c.currency, facts.rates));
    out.push({
      ...customerLevel(c),
      dedupeKey: r.dedupeKey,
      kind: 'drift_review',
      type: reviewType(kinds),
      dueDate: r.dueDate,
      reason: `Review: payment behaviour changed${score}${model[0] ? `: ${model[0].text}` : ''}${next ? `. ${next.text}` : ''}`,
      reasons: [
        { factor: 'driftScore', text: `behaviour drift model flags a material and persistent change${score}`, value: c.driftScore },
        ...model,
        ...(next ? [next] : []),
        exposureReason(c),
      ],
      priority: priority(amount, urgency('drift_review', c.maxDaysOverdue ?? 0), risk(c), c.currency),
    });
  }
  return out;
}

export function planPreDueCalls(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const { horizonDays, minAmount, minLateProbability } = policy.preDue;
  const eligible = facts.preDueInvoices.filter((i) => {
    const until = daysBetween(facts.asOf, i.dueDate);
    return until > 0 && until <= horizonDays && i.openAmount >= minAmount && i.lateProbability >= minLateProbability;
  });
  return [...groupBy(eligible, (i) => String(i.customerId)).values()].map((members) => {
    const customer = facts.customers.get(members[0].customerId);
    const g = summarise(members, facts.asOf, customer);
    const likeliest = members.reduce((a, b) => (b.lateProbability > a.lateProbability ? b : a));
    const firstDue = minIso(members.map((m) => m.dueDate));
    const p = likeliest.lateProbability;
    const source = likeliest.probabilitySource === 'invoice' ? 'payment-delay model' : "payment-delay model, customer's average";
    return {
      ...invoiceTask('ml', likeliest.customerId, customer, g),
      dedupeKey: `ml:predue:c${likeliest.customerId}:i${g.anchorId}`,
      kind: 'pre_due_call' as const,
      type: 'call' as const,
      dueDate: addDays(firstDue, -horizonDays),
      reason: `Courtesy call before the due date: ${invoiceList(g.refs)} (${g.amounts}) due ${firstDue} ` +
        `(${ago(daysBetween(firstDue, facts.asOf))}); late probability ${percent(p)} (${source})`,
      reasons: [
        { factor: 'lateProbability', text: `late probability ${percent(p)} for ${likeliest.number} (${source})`, value: p, ...coveredInvoiceIds(g) },
        g.amountReason,
        ...readModelReasons(likeliest.modelReasons, 3),
      ],
      priority: priority(g.amount, urgency('pre_due_call', 0, 0.5 + p), risk(customer), g.currency),
    };
  });
}

/**
 * A debit the customer always let through did not go through: the mandate was
 * revoked, the account changed or lacked funds. The dunning reminder says
 * "you have not paid"; what helps is a call to find out why and have the debit
 * presented again, or a transfer. One call per customer while such invoices
 * stay open, from the day after the earliest missed due date.
 */
export function planMissedDebits(facts: PlanningFacts): Suggestion[] {
  return [...groupBy(facts.missedDebitInvoices, (i) => String(i.customerId)).values()].map((members) => {
    const customer = facts.customers.get(members[0].customerId);
    const g = summarise(members, facts.asOf, customer);
    const firstDue = minIso(members.map((m) => m.dueDate));
    const earliest = members.find((m) => m.dueDate === firstDue)!;
    const model = readModelReasons(earliest.modelReasons, 6);
    const missed = model.find((r) => r.factor === 'missedDueDate');
    return {
      ...invoiceTask('ml', earliest.customerId, customer, g),
      dedupeKey: `ml:debit:c${earliest.customerId}:i${g.anchorId}`,
      kind: 'missed_debit' as const,
      type: 'call' as const,
      dueDate: addDays(firstDue, 1),
      reason: `Usual due-date payment missed: ${g.text}; ask why (a rejected direct debit: mandate, account, funds?) and have it presented again or paid by transfer`,
      reasons: [
        ...(missed ? [missed] : []),
        { ...g.amountReason, ...coveredInvoiceIds(g) },
        ...model.filter((r) => r !== missed && r.factor !== 'daysOverdue').slice(0, 2),
      ],
      priority: priority(g.amount, urgency('missed_debit', g.maxDaysOverdue), risk(customer), g.currency),
    };
  });
}

// Inbound triage writes these (another model); names are read defensively.
export const INBOUND_FIELD_NAMES = {
  type: ['inboundType', 'type', 'inboundCategory'],
  priority: ['inboundPriority', 'priority'],
  autoReplyEligible: ['autoReplyEligible', 'autoReply'],
};

const field = (fields: InboundField[], names: string[]) => names.map((n) => fields.find((f) => f.name === n)).find(Boolean);

const PRIORITY_WORDS: Record<string, number> = { urgent: 1, critical: 1, high: 0.8, medium: 0.5, normal: 0.5, low: 0.2 };

/** Priority as 0..1 whether the triage writes 0..1, 0..100 or a word. */
export function inboundPriority(fields: InboundField[]): number | null {
  const f = field(fields, INBOUND_FIELD_NAMES.priority);
  if (!f) return null;
  if (f.num !== null && Number.isFinite(f.num)) return Math.min(1, Math.max(0, f.num > 1 ? f.num / 100 : f.num));
  if (f.text) return PRIORITY_WORDS[f.text.toLowerCase()] ?? null;
  return null;
}

export function readInbound(m: InboundEmail) {
  const typeField = field(m.fields, INBOUND_FIELD_NAMES.type);
  const auto = field(m.fields, INBOUND_FIELD_NAMES.autoReplyEligible);
  return {
    type: typeField?.text ?? null,
    typeConfidence: typeField?.confidence ?? null,
    typeReasons: typeField?.reasons,
    priority: inboundPriority(m.fields),
    autoReplyEligible: auto ? auto.bool ?? (auto.num === null ? null : auto.num > 0) : null,
  };
}

// What the triage read in the email (see entityReasons): what the collector acts on.
const SAID_FACTORS = new Set(['promisedDate', 'invoiceNumbers', 'poNumbers', 'amounts']);

export function planInboundAnswers(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of facts.inbound) {
    const days = daysBetween(m.receivedOn, facts.asOf);
    if (days < 0 || days > policy.inboundLookbackDays) continue;
    const t = readInbound(m);
    // Eligible emails get the automatic answer; unclassified ones wait for a person, not for a model that may never run.
    if (t.autoReplyEligible === true) continue;
    const c = facts.customers.get(m.customerId);
    if (!c) continue;
    // What the customer owes now is at stake; a customer with nothing overdue still has its open balance.
    const atStake = c.overdueAmount > 0 ? c.overdueAmount : c.openAmount;
    const classified = t.type ? `classified as ${t.type}${t.typeConfidence !== null ? ` (confidence ${percent(t.typeConfidence)})` : ''}` : 'not classified by inbound triage yet';
    const typeReasons = readModelReasons(t.typeReasons, 10);
    const said = typeReasons.filter((r) => SAID_FACTORS.has(r.factor));
    const amount = Math.max(atStake, floorIn(policy, c.currency, facts.rates));
    out.push({
      ...customerLevel(c),
      dedupeKey: `ml:inbound:c${m.customerId}:m${m.messageId}`,
      kind: 'answer_email',
      type: 'answer_email',
      dueDate: m.receivedOn,
      reason: `Answer the email "${m.subject || '(no subject)'}" received ${m.receivedOn} (${ago(days)}): ${classified}` +
        `${said.map((r) => `, ${r.text}`).join('')}${t.priority !== null ? `, priority ${percent(t.priority)}` : ''}; it needs a person`,
      reasons: [
        { factor: 'inboundType', text: classified, value: t.type },
        ...(t.priority !== null ? [{ factor: 'inboundPriority', text: `triage priority ${percent(t.priority)}`, value: t.priority }] : []),
        {
          factor: 'autoReplyEligible',
          text: t.autoReplyEligible === false ? 'not eligible for an automatic reply' : 'no automatic-reply decision yet',
          value: t.autoReplyEligible,
        },
        ...said,
        ...typeReasons.filter((r) => !SAID_FACTORS.has(r.factor)).slice(0, 2),
        exposureReason(c),
      ],
      priority: priority(amount, urgency('answer_email', days, 0.5 + (t.priority ?? 0.5)), risk(c), c.currency),
    });
  }
  return out;
}

const LEVER_TEXT: Record<string, string> = {
  discount: 'an early-payment discount',
  late_penalty: 'late-payment penalties',
  card_payment: 'payment by card (send a card payment link)',
  collection_agency: 'handing the account to a collection agency',
  service_termination: 'suspending the service',
};

const LEVER_KEY = /^ml:lever:c(\d+):/;

/**
 * The last day a person closed an incentive suggestion of each customer,
 * whatever its lever: keys are per lever, but the pause between incentives is
 * per customer, so a card link closed last week holds back the late penalties
 * the model switched to since. One pass over the closures.
 */
function lastIncentiveClosures(closures: PlanningFacts['closures']): Map<number, IsoDate> {
  const out = new Map<number, IsoDate>();
  for (const [base, c] of closures) {
    const m = LEVER_KEY.exec(base);
    if (!m || c.lastClosedByPersonOn === null) continue;
    const id = Number(m[1]);
    const last = out.get(id);
    if (last === undefined || c.lastClosedByPersonOn > last) out.set(id, c.lastClosedByPersonOn);
  }
  return out;
}

/**
 * What the lever did for customers like this one, in the model's words (". Card payment link cut 5.8 days
 * from days-to-pay for similar customers (n=240)"): the why a collector gives when offering it. Empty when
 * the model's reasons do not state it (versions trained before they did, or a field other code wrote).
 */
function leverEffect(reasons: unknown, lever: string): string {
  const effect = readModelReasons(reasons, Infinity).find((r) => r.factor === `effect:${lever}`);
  return effect ? `. ${effect.text}` : '';
}

export function planIncentives(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const out: Suggestion[] = [];
  const closedOn = lastIncentiveClosures(facts.closures);
  for (const c of facts.customers.values()) {
    const lever = c.recommendedLever;
    // Levers are about what is overdue and not contested, as the model weighs it.
    const owed = c.undisputedOverdueAmount;
    if (!lever || lever === 'none' || owed <= 0) continue;
    // The pre-due lever: the model gives it only when nothing undisputed is overdue, so beside an
    // overdue it is older than the overdue (an invoice fell due since the model ran) or the overdue
    // is contested, on which no lever is pulled. Overdue invoices are not paid early.
    if ((STAGE_LEVERS.pre_due as readonly string[]).includes(lever)) continue;
    if (c.lastIncentiveOn && daysBetween(c.lastIncentiveOn, facts.asOf) < policy.incentiveEveryDays) continue;
    const recommendedOn = knownFrom(c.leverOn, facts.asOf);
    if (recommendedOn === null) continue;
    const r = recurrence(
      `ml:lever:c${c.customerId}:${keyPart(lever)}`, facts.closures, recommendedOn, 0, policy.incentiveEveryDays, closedOn.get(c.customerId) ?? null,
    );
    if (r.dueDate > facts.asOf) continue;
    const what = LEVER_TEXT[lever] ?? lever;
    const confidence = c.leverConfidence !== null ? ` (confidence ${percent(c.leverConfidence)})` : '';
    out.push({
      ...customerLevel(c),
      dedupeKey: r.dedupeKey,
      kind: 'incentive',
      type: 'incentive',
      dueDate: r.dueDate,
      reason: `Suggest ${what}: the incentive model recommends it${confidence} for ${money(owed, c.currency)} overdue${owed < c.overdueAmount ? ', not disputed' : ''}${leverEffect(c.leverReasons, lever)}`,
      reasons: [
        { factor: 'recommendedLever', text: `recommended lever: ${lever}${confidence}`, value: lever },
        ...readModelReasons(c.leverReasons, 3),
        ...(c.lastIncentiveOn ? [{ factor: 'lastIncentive', text: `last incentive offered on ${c.lastIncentiveOn}`, value: c.lastIncentiveOn }] : []),
        exposureReason(c),
      ],
      priority: priority(owed, urgency('incentive', c.maxDaysOverdue ?? 0), risk(c), c.currency),
    });
  }
  return out;
}

export function planMlSuggestions(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  return [
    ...planDriftReviews(facts, policy),
    ...planPreDueCalls(facts, policy),
    ...planMissedDebits(facts),
    ...planInboundAnswers(facts, policy),
    ...planEmailPromises(facts, policy),
    ...planIncentives(facts, policy),
  ];
}
