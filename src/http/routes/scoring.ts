// Scoring for the AR platform: invoices it sends (nothing stored), and one
// customer's payment behaviour with its drift signals.
import { flaggedKinds, nextConversation } from '../../agenda/drift-next-step.js';
import { Type, type Static } from 'typebox';
import { MONEY_LIMIT } from '../../util/bounds.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AR_ERR, invalidAt } from '../../errors.js';
import { Day, errorResponses, ProblemRef, Text } from '../schemas/common.js';
import { scoreInvoices, customerBehaviour } from '../../scoring/on-demand.js';
import { today } from '../../scoring/catalogue.js';
import { asOfBeyondReach } from '../../scoring/as-of.js';
import { addDays, dayOf } from '../../ml/payment-delay/dates.js';
import { served } from '../../pipeline/served.js';
import type { PaymentDelayPredictor } from '../../ml/payment-delay/index.js';
import type { DriftPredictor } from '../../ml/drift/index.js';
import { computedFieldsOf } from '../../scoring/computed-fields.js';
import { portfolioFilter } from '../../customers/queries.js';
import { portfolioOf } from '../portfolio.js';

const IsoDate = Day();
const Reason = Type.Object({ factor: Type.String(), text: Type.String() }, { additionalProperties: true });

// Not blank, as imports require: no customer is stored under "  ", so one sent would be scored as unknown.
const InvoiceIn = Type.Object({
  externalId: Text(200),
  customerExternalId: Text(200),
  issueDate: IsoDate,
  dueDate: IsoDate,
  amount: Type.Number({ minimum: 0, exclusiveMaximum: MONEY_LIMIT }),
  disputed: Type.Optional(Type.Boolean()),
  promisedDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  paymentTermsDays: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: 365,
    description: "the invoice's payment terms (default: its customer's); dueDate may fall after issueDate plus the terms (end of month, a due date put back), not before",
  })),
}, { additionalProperties: false });

const ScoredOut = Type.Object({
  externalId: Type.String(),
  customerKnown: Type.Boolean(),
  probabilities: Type.Object({ onTime: Type.Number(), late1to30: Type.Number(), lateOver30: Type.Number() }),
  lateProbability: Type.Number(),
  expectedPaymentDate: Type.String(),
  paymentDate: Type.Object({ p10: Type.String(), p50: Type.String(), p90: Type.String() }),
  confidence: Type.Number(),
  reasons: Type.Array(Reason),
  modelVersion: Type.String(),
});

type InvoiceInT = Static<typeof InvoiceIn>;

// Answers are matched to invoices by externalId: two invoices with one id
// would make the answer ambiguous.
function checkInvoices(invoices: InvoiceInT[], asOf: string, latestIssue: string, now: string): void {
  const errors: { path: string; message: string }[] = [];
  const beyond = asOfBeyondReach(asOf, now);
  if (beyond) errors.push({ path: '/asOf', message: beyond });
  const seen = new Map<string, number>();
  for (const [i, inv] of invoices.entries()) {
    if (inv.dueDate < inv.issueDate) errors.push({ path: `/invoices/${i}/dueDate`, message: 'is before issueDate' });
    if (inv.issueDate > latestIssue) {
      errors.push({ path: `/invoices/${i}/issueDate`, message: latestIssue === asOf ? `is after asOf (${asOf})` : `is after today (${asOf} UTC, or ${latestIssue} east of it)` });
    }
    if (inv.promisedDate && inv.promisedDate < inv.issueDate) errors.push({ path: `/invoices/${i}/promisedDate`, message: 'is before issueDate' });
    const termsEnd = inv.paymentTermsDays === undefined ? null : addDays(inv.issueDate, inv.paymentTermsDays);
    // No terms fall due before they end; a later due date is what terms of N days end of month, or
    // a due date put back by agreement, give, and the model reads terms and due date apart.
    if (termsEnd !== null && inv.dueDate >= inv.issueDate && inv.dueDate < termsEnd) {
      errors.push({
        path: `/invoices/${i}/paymentTermsDays`,
        message: `is ${inv.paymentTermsDays}, but invoice "${inv.externalId}" issued ${inv.issueDate} is due ${inv.dueDate}, ` +
          `${dayOf(inv.dueDate) - dayOf(inv.issueDate)} days later: terms of ${inv.paymentTermsDays} days fall due ${termsEnd} at the earliest`,
      });
    }
    const first = seen.get(inv.externalId);
    if (first !== undefined) errors.push({ path: `/invoices/${i}/externalId`, message: `repeats invoices[${first}]` });
    else seen.set(inv.externalId, i);
  }
  if (errors.length > 0) throw AR_ERR.VALIDATION([errors.map((e) => `${e.path} ${e.message}`).join('; ')], { errors });
}

const scoringRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, models } = app.services;

  app.post('/v1/score/invoices', {
    config: { roles: ['platform', 'analyst'], action: 'score invoices' },
    schema: {
      tags: ['scoring'],
      summary: 'Late probability and payment-date distribution of the invoices sent (nothing is stored)',
      description: "Each invoice is scored against its customer's stored history as of `asOf` (default today, UTC; " +
        'then an invoice issued tomorrow, UTC, which is today east of it, is scored as of its issue date; at most a year after today). ' +
        'An unknown customer is scored from the portfolio prior and says so (`customerKnown: false`).',
      body: Type.Object({
        invoices: Type.Array(InvoiceIn, { minItems: 1, maxItems: 1000 }),
        asOf: Type.Optional(IsoDate),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ScoredOut) }), 503: ProblemRef, ...errorResponses },
    },
  }, async (request) => {
    const now = today();
    const asOf = request.body.asOf ?? now;
    // Without an asOf, an invoice issued today in Tokyo (tomorrow's UTC date) is scored as of its issue date.
    const latestIssue = request.body.asOf ?? addDays(asOf, 1);
    checkInvoices(request.body.invoices, asOf, latestIssue, now);
    const model = served<PaymentDelayPredictor>(models.server, 'payment-delay');
    return { items: await scoreInvoices(storage.db, model, request.body.invoices, asOf) };
  });

  app.get('/v1/customers/:externalId/behaviour', {
    schema: {
      tags: ['customers', 'scoring'],
      summary: "A customer's payment behaviour: baseline, recent, drift signals and reasons",
      description: '`asOf`: default today, UTC; at most a year after today, as for POST /v1/score/invoices.',
      params: Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 200 }) }),
      querystring: Type.Object({ asOf: Type.Optional(IsoDate) }),
      response: {
        200: Type.Object({
          externalId: Type.String(),
          asOf: Type.String(),
          driftScore: Type.Number(),
          alert: Type.Boolean(),
          kinds: Type.Array(Type.String()),
          changeDate: Type.Union([Type.String(), Type.Null()]),
          signals: Type.Unknown({ description: 'per signal: score, flag, baseline, recent, text' }),
          reasons: Type.Array(Reason),
          confidence: Type.Number(),
          nextStep: Type.Union([Type.String(), Type.Null()], {
            description: 'who has the next conversation and what to ask, for the changes flagged (as the agenda\'s drift review says it); null when none is',
          }),
          modelVersion: Type.String(),
          stored: Type.Array(Type.Unknown(), { description: 'the computed fields stored by the last scoring run' }),
        }),
        503: ProblemRef,
        ...errorResponses,
      },
    },
  }, async (request) => {
    const now = today();
    const asOf = request.query.asOf ?? now;
    const beyond = asOfBeyondReach(asOf, now);
    if (beyond) throw invalidAt('/asOf', beyond);
    const only = portfolioFilter(portfolioOf(request), [request.params.externalId]);
    const [c] = await storage.db.query<{ id: number; salesRep: string | null; adv: string | null }>(
      `SELECT id, sales_rep AS "salesRep", adv FROM customers c WHERE external_id = $1${only.sql}`, only.params);
    // Before the model: an unknown customer is a 404 whether or not a drift model serves.
    if (!c) throw AR_ERR.NOT_FOUND(['Customer', request.params.externalId]);
    const model = served<DriftPredictor>(models.server, 'drift');
    const b = await customerBehaviour(storage.db, model, c.id, asOf);
    return {
      externalId: request.params.externalId,
      asOf,
      driftScore: b.assessment.score,
      alert: b.assessment.alert,
      kinds: b.assessment.kinds,
      changeDate: b.assessment.changeDate,
      signals: b.assessment.signals,
      reasons: b.reasons,
      confidence: b.confidence,
      nextStep: nextConversation(c, flaggedKinds(b.reasons))?.text ?? null,
      modelVersion: b.modelVersion,
      stored: await computedFieldsOf(storage.db, 'customer', c.id),
    };
  });
};

export default scoringRoutes;
