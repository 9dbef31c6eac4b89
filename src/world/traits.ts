// Draws one customer: who they are (the customer file) and how they truly
// behave (latent traits, drift plan). Everything here comes from the
// customer's own `traits` and `drift` streams.
import {
  ADV, BUSINESS_LINES, COUNTRIES, FIRST_NAMES, LAST_NAMES, PHONE_PREFIX, PUBLIC_SECTORS, SALES_REPS, SECTORS,
  TIMEZONES, companyName, domainOf,
} from './catalog.js';
import { addMonths, parseDay, type Day } from './dates.js';
import { DRIFT_KINDS, type ResolvedOptions } from './options.js';
import { baseScenarioFor, collectorFor } from './platform.js';
import { customerStream, type Random } from './rng.js';
import type { DelayProfile, EngagementTraits, IncentiveTraits, PaymentTraits } from './truth.js';
import type { DriftKind, Language, PaymentMethod, Segment } from './types.js';

export interface Period {
  startDay: Day;
  endDay: Day;
}

export function periodOf(options: ResolvedOptions): Period {
  const endDay = parseDay(options.endDate);
  return { startDay: addMonths(endDay, -options.months) + 1, endDay };
}

export interface DriftPlan {
  kind: DriftKind;
  startDay: Day;
  before: Record<string, number | string>;
  after: Record<string, number | string>;
  /** Post-drift values the simulation switches to. */
  postDelayLocationDays: number;
  postDisputeRate: number;
  postInstalmentCount: [number, number];
  engagementFactor: number;
  riskSignalDaysBefore: number | null;
}

export interface CustomerPlan {
  index: number;
  externalId: string;
  name: string;
  country: string;
  timezone: string;
  language: Language;
  sector: string;
  companyType: 'public' | 'private';
  businessLine: string;
  segment: Segment;
  annualTurnover: number;
  invoicesPerYear: number;
  termsDays: number;
  email: string | null;
  domain: string;
  contactName: string;
  phone: string;
  salesRep: string;
  adv: string;
  interactiveEmails: boolean;
  latePenalties: boolean;
  recoveryFee: boolean;
  ndCover: boolean;
  insurerCoverShare: number | null;
  startDay: Day;
  payment: PaymentTraits;
  engagement: EngagementTraits;
  incentives: IncentiveTraits;
  drift: DriftPlan | null;
  noisyStable: boolean;
  insolvencyDay: Day | null;
  latentRiskScore: number;
  baseScenario: string;
  collector: string;
}

const SIZE_SIGMA = 1.7;

function segmentOf(turnover: number): Segment {
  if (turnover >= 4_000_000) return 'strategic';
  if (turnover >= 1_000_000) return 'large';
  if (turnover >= 100_000) return 'standard';
  return 'small';
}

const INVOICES_PER_YEAR: Record<Segment, number> = { strategic: 104, large: 52, standard: 24, small: 12 };

/** Delay profile mix: long delays concentrate on small accounts, as in real ledgers. */
function profileWeights(segment: Segment, isPublic: boolean): ReadonlyArray<readonly [DelayProfile, number]> {
  const big = segment === 'strategic' || segment === 'large';
  return [
    ['early', isPublic ? 0.2 : 0.4],
    ['on_time', 0.48],
    ['slightly_late', isPublic ? 0.15 : 0.03],
    ['habitually_late', big ? 0.01 : 0.015],
    ['very_late', big ? 0.014 : isPublic ? 0.015 : 0.04],
  ];
}

const PROFILE_DELAY: Record<DelayProfile, { loc: [number, number]; scale: [number, number] }> = {
  early: { loc: [-12, -5], scale: [1, 2.5] },
  on_time: { loc: [-5.5, -2.5], scale: [0.5, 1] },
  slightly_late: { loc: [-1.5, 1.5], scale: [1.5, 3] },
  habitually_late: { loc: [7, 10], scale: [1.2, 2.5] },
  very_late: { loc: [25, 55], scale: [6, 16] },
};

const PROFILE_RISK: Record<DelayProfile, number> = { early: 15, on_time: 25, slightly_late: 38, habitually_late: 50, very_late: 68 };

function pickDrift(rng: Random, options: ResolvedOptions): { drift: DriftKind | null; noisyStable: boolean } {
  let u = rng.next();
  for (const kind of DRIFT_KINDS) {
    u -= options.driftShare[kind];
    if (u < 0) return { drift: kind, noisyStable: false };
  }
  u -= options.noisyStableShare;
  return { drift: null, noisyStable: u < 0 };
}

function preferredHour(rng: Random): number {
  const band = rng.weighted([
    [[7.5, 10], 0.45],
    [[10, 13], 0.25],
    [[13, 17], 0.25],
    [[17, 20], 0.05],
  ] as const);
  return Math.round(rng.uniform(band[0], band[1]) * 4) / 4;
}

function paymentMethodFor(rng: Random, segment: Segment, country: string, isPublic: boolean): PaymentMethod {
  return rng.weighted<PaymentMethod>([
    ['transfer', 0.56],
    ['cheque', country === 'US' || country === 'CA' ? 0.15 : 0.02],
    ['card', segment === 'small' ? 0.14 : 0.03],
    ['direct_debit', isPublic ? 0 : 0.18],
  ]);
}

export function drawCustomer(options: ResolvedOptions, period: Period, index: number): CustomerPlan {
  const rng = customerStream(options.seed, index, 'traits');
  const driftRng = customerStream(options.seed, index, 'drift');
  const number = index + 1;
  const externalId = `CUS-${String(number).padStart(6, '0')}`;
  const { drift, noisyStable } = pickDrift(driftRng, options);

  const country = rng.weighted(COUNTRIES);
  const timezone = rng.weighted(TIMEZONES[country]);
  const isPublic = rng.chance(country === 'US' || country === 'CA' ? 0.12 : 0.04);
  const language: Language =
    country === 'FR' || (timezone === 'America/Montreal' && rng.chance(0.85)) ? 'fr' : 'en';
  const sector = rng.weighted(isPublic ? PUBLIC_SECTORS : SECTORS);
  const businessLine = rng.weighted(BUSINESS_LINES);
  const name = companyName(rng, country, isPublic);
  const domain = domainOf(name, country, number);

  const mu = Math.log(options.meanAnnualTurnover) - (SIZE_SIGMA * SIZE_SIGMA) / 2;
  const annualTurnover = Math.min(rng.lognormal(mu, SIZE_SIGMA), 120 * options.meanAnnualTurnover);
  const segment = segmentOf(annualTurnover);
  const invoicesPerYear = INVOICES_PER_YEAR[segment];
  const termsDays = rng.weighted<number>(isPublic ? [[30, 0.3], [45, 0.35], [60, 0.35]] : [[30, 0.62], [45, 0.25], [60, 0.13]]);

  const hasEmail = drift === 'engagement_drop' || rng.chance(isPublic ? 0.7 : segment === 'strategic' ? 1 : 0.86);
  const contactName = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  const email = hasEmail ? `${rng.pick(['ap', 'accounts.payable', 'invoices', 'finance', 'compta'])}@${domain}` : null;
  const phone = `${PHONE_PREFIX[country]} ${rng.int(200, 989)} ${rng.int(200, 999)} ${String(rng.int(0, 9999)).padStart(4, '0')}`;

  // ---- payment behaviour -------------------------------------------------
  let profile = rng.weighted(profileWeights(segment, isPublic));
  let method = paymentMethodFor(rng, segment, country, isPublic);
  if (drift === 'delay_creep') {
    profile = 'habitually_late';
    if (method === 'direct_debit' || method === 'cheque') method = 'transfer';
  }
  if (drift === 'method_shift') method = 'cheque';
  // "Always answered collection emails": they got reminders, answered them, then paid.
  if (drift === 'engagement_drop') {
    profile = 'slightly_late';
    if (method === 'direct_debit') method = 'transfer';
  }
  if (noisyStable) profile = rng.pick(['on_time', 'slightly_late'] as const);
  if (method === 'direct_debit' && profile !== 'early') profile = 'on_time';
  const band = PROFILE_DELAY[profile];
  // "Always answered collection emails": they get them, so they pay a few days
  // after the due date, once the first reminder has been answered.
  const location = drift === 'engagement_drop' ? [2, 7] : band.loc;
  const delayLocationDays = round1(rng.uniform(location[0], location[1]));
  const delayScaleDays = round1(noisyStable ? rng.uniform(8, 14) : rng.uniform(band.scale[0], band.scale[1]));
  // The brief's creeping payer was consistent before the creep: no seasonal swing.
  const seasonal = rng.chance(0.6) && drift !== 'delay_creep';
  const seasonality = {
    amplitudeDays: seasonal ? round1(rng.uniform(1, 3)) : 0,
    peakMonth: rng.weighted<number>([[12, 0.5], [8, 0.3], [rng.int(1, 12), 0.2]]),
  };
  // Pay runs would hide the noise of noisy-but-stable payers and the creep of
  // delay creepers, and pay before any reminder leaves: customers who answer
  // reminders must be getting them.
  const monthlyBatch =
    drift === 'method_shift' ||
    (drift !== 'delay_creep' && drift !== 'engagement_drop' && !noisyStable && (method === 'cheque' ? rng.chance(0.7) : method === 'transfer' ? rng.chance(0.15) : false));
  const instalmentPayer = drift !== 'method_shift' && !monthlyBatch && method !== 'direct_debit' && rng.chance(0.08);
  const baseDisputeRate =
    drift === 'dispute_spike'
      ? Math.min(0.25, 4 / invoicesPerYear)
      : rng.chance(0.7)
        ? rng.uniform(0, 0.006)
        : rng.uniform(0.006, 0.025);
  const payment: PaymentTraits = {
    profile,
    delayLocationDays,
    delayScaleDays,
    heavyTails: noisyStable,
    seasonality,
    partialPaymentPropensity: round3(!monthlyBatch && rng.chance(0.3) ? rng.uniform(0.05, noisyStable ? 0.4 : 0.25) : 0),
    instalments: {
      propensity: round3(instalmentPayer ? rng.uniform(0.5, 0.9) : 0),
      minCount: 2,
      maxCount: rng.int(3, 4),
      spacingDays: rng.int(7, 14),
    },
    monthlyPayRunDay: monthlyBatch ? rng.int(1, 28) : null,
    preferredMethod: method,
    directDebitFailureRate: round3(method === 'direct_debit' ? rng.uniform(0.005, 0.03) : 0),
    disputeRate: round3(baseDisputeRate),
    disputeDelayDays: Math.round(rng.uniform(15, 65)),
    promiseBiasDays: round1(rng.uniform(-5, 9)),
  };

  // ---- engagement with reminders -----------------------------------------
  const engaged = drift === 'engagement_drop';
  const machineKind = rng.next();
  const engagement: EngagementTraits = {
    timezone,
    language,
    hasEmail,
    emailBounces: hasEmail && !engaged && rng.chance(0.03),
    preferredReplyHour: preferredHour(rng),
    replyHourSpread: round1(rng.uniform(0.5, 2)),
    openPropensity: round3(engaged ? rng.uniform(0.8, 0.95) : rng.uniform(0.3, 0.9)),
    clickPropensity: round3(rng.uniform(0.05, 0.4)),
    replyPropensity: round3(engaged ? rng.uniform(0.6, 0.9) : rng.uniform(0.05, 0.35)),
    // An engagement drop must be visible in the data: those customers' opens are mostly human.
    machineOpenShare: round3(machineKind < 0.6 ? 0 : machineKind < 0.85 && !engaged ? rng.uniform(0.6, 1) : rng.uniform(0.1, 0.4)),
    callReachPropensity: round3(rng.uniform(0.3, 0.8)),
  };
  const sizeDiscount: Record<Segment, number> = { small: 1.3, standard: 1, large: 0.7, strategic: 0.4 };
  const incentives: IncentiveTraits = {
    discountSensitivity: round3(rng.lognormal(0, 0.5) * sizeDiscount[segment]),
    pressureSensitivity: round3(rng.lognormal(0, 0.5)),
    // Drifting customers never churn: their drift must stay observable to the end.
    churnSensitivity: round3(rng.lognormal(0, 0.6) * (drift === null ? 1 : 0)),
  };

  // ---- life events -------------------------------------------------------
  const span = period.endDay - period.startDay;
  const lateStart = drift === null && !noisyStable && rng.chance(0.1);
  const startDay = lateStart ? period.startDay + rng.int(30, Math.max(31, span - 200)) : period.startDay;
  const insolvent = drift === null && !noisyStable && rng.chance(segment === 'small' ? 0.012 : 0.006);
  const insolvencyDay = insolvent ? rng.int(Math.max(startDay + 150, period.startDay + Math.round(span * 0.4)), period.endDay - 45) : null;
  const latentRiskScore = clamp(Math.round(PROFILE_RISK[profile] + rng.gaussian(0, 9) - (isPublic ? 10 : 0)), 1, 99);

  const driftPlan = drift ? planDrift(driftRng, drift, period, invoicesPerYear, termsDays, payment, engagement) : null;
  const baseScenario = baseScenarioFor(segment, hasEmail);
  return {
    index,
    externalId,
    name,
    country,
    timezone,
    language,
    sector,
    companyType: isPublic ? 'public' : 'private',
    businessLine,
    segment,
    annualTurnover: Math.round(annualTurnover),
    invoicesPerYear,
    termsDays,
    email,
    domain,
    contactName,
    phone,
    salesRep: rng.pick(SALES_REPS),
    adv: rng.pick(ADV),
    interactiveEmails: hasEmail && rng.chance(0.8),
    latePenalties: country === 'FR' || rng.chance(0.25),
    recoveryFee: country === 'FR' || rng.chance(0.15),
    ndCover: rng.chance(0.08),
    insurerCoverShare: !isPublic && rng.chance(0.4) ? round3(rng.uniform(0.5, 1)) : null,
    startDay,
    payment,
    engagement,
    incentives,
    drift: driftPlan,
    noisyStable,
    insolvencyDay,
    latentRiskScore,
    baseScenario,
    collector: collectorFor(segment, timezone, country, index),
  };
}

/**
 * Drifts start late enough to leave a baseline (>= 35 % of the period and 4
 * months) and early enough that at least three affected invoices are issued
 * and resolved (paid or visibly disputed) before the end date.
 */
function planDrift(
  rng: Random,
  kind: DriftKind,
  period: Period,
  invoicesPerYear: number,
  termsDays: number,
  payment: PaymentTraits,
  engagement: EngagementTraits,
): DriftPlan {
  const span = period.endDay - period.startDay;
  const interval = 365 / invoicesPerYear;
  const earliest = period.startDay + Math.max(120, Math.round(span * 0.35));
  const latest = Math.max(earliest, period.endDay - Math.ceil(4 * interval + termsDays + 35));
  const startDay = rng.int(earliest, latest);
  const plan: DriftPlan = {
    kind,
    startDay,
    before: {},
    after: {},
    postDelayLocationDays: payment.delayLocationDays,
    postDisputeRate: payment.disputeRate,
    postInstalmentCount: [2, 4],
    engagementFactor: 1,
    riskSignalDaysBefore: null,
  };
  if (kind === 'delay_creep') {
    plan.postDelayLocationDays = round1(rng.uniform(17, 25));
    plan.before = { delayLocationDays: payment.delayLocationDays };
    plan.after = { delayLocationDays: plan.postDelayLocationDays };
    if (rng.chance(0.6)) plan.riskSignalDaysBefore = rng.int(15, 60);
  } else if (kind === 'method_shift') {
    plan.postInstalmentCount = [2, rng.int(3, 4)];
    plan.before = { method: 'cheque', paymentsPerInvoice: 1, monthlyPayRunDay: payment.monthlyPayRunDay ?? 0 };
    plan.after = { method: 'card', paymentsPerInvoice: `${plan.postInstalmentCount[0]}-${plan.postInstalmentCount[1]}` };
    if (rng.chance(0.3)) plan.riskSignalDaysBefore = rng.int(15, 60);
  } else if (kind === 'engagement_drop') {
    plan.engagementFactor = 0.05;
    plan.before = { openPropensity: engagement.openPropensity, replyPropensity: engagement.replyPropensity };
    plan.after = {
      openPropensity: round3(engagement.openPropensity * plan.engagementFactor),
      replyPropensity: round3(engagement.replyPropensity * plan.engagementFactor),
    };
    if (rng.chance(0.2)) plan.riskSignalDaysBefore = rng.int(15, 60);
  } else {
    plan.postDisputeRate = 0.9;
    plan.before = { disputeRate: payment.disputeRate };
    plan.after = { disputeRate: plan.postDisputeRate };
  }
  return plan;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
export function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
