// POST /v1/inbound/score: triage one customer email (type, sentiment,
// priority, auto-reply eligibility, entities). Nothing is stored; imported
// emails are triaged by their import (a few) or the refresh after it, and GET
// /v1/inbound/messages gives them back to the platform as triaged.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AR_ERR } from '../../errors.js';
import { Cursor, Page, errorResponses, Instant, ProblemRef } from '../schemas/common.js';
import { served } from '../../pipeline/served.js';
import { INBOUND_MODEL } from '../../inbound/catalogue.js';
import { customerContext, inSenderZone, toContext, type CustomerContextRow } from '../../inbound/triage.js';
import type { Predictor } from '../../ml/model.js';
import type { InboundRequest, InboundTriage } from '../../ml/inbound/index.js';
import { INBOUND_TYPES } from '../../ml/inbound/types.js';
import { getInboundMessage, listWithUntriaged, untriagedSummary, whyUntriaged, UNTRIAGED_COUNT_CAP } from '../../inbound/messages.js';
import { collectorIdOf } from '../../agenda/index.js';
import { collectorScope } from '../request-scope.js';

const Reason = Type.Object({ factor: Type.String(), text: Type.String() }, { additionalProperties: true });

const TriageOut = Type.Object({
  type: Type.String(),
  secondaryTypes: Type.Array(Type.String()),
  typeConfidence: Type.Number(),
  language: Type.String(),
  sentiment: Type.Object({ label: Type.String(), score: Type.Number(), reasons: Type.Array(Reason) }),
  legalThreat: Type.Boolean(),
  priority: Type.Object({ score: Type.Number(), level: Type.String(), reasons: Type.Array(Reason) }),
  autoReply: Type.Object({ eligible: Type.Boolean(), template: Type.Union([Type.String(), Type.Null()]), reasons: Type.Array(Reason) }),
  entities: Type.Unknown({ description: 'invoice numbers, amounts, promised dates, PO numbers, contacts' }),
  customerKnown: Type.Boolean(),
  modelVersion: Type.String(),
});

const ReasonList = Type.Array(Type.Unknown());

const QualifiedInvoice = Type.Object({
  externalId: Type.String(),
  number: Type.String(),
  dueDate: Type.String({ format: 'date' }),
  openAmount: Type.Number(),
  currency: Type.String(),
  currentStatus: Type.Union([Type.String(), Type.Null()], { description: 'its status on the platform now' }),
});

const InboundMessage = Type.Object({
  cursor: Type.Union([Type.Integer(), Type.Null()], {
    description: 'its place in GET /v1/inbound/messages (after=cursor lists those published after it): where a client resumes once it has read to the end, '
      + 'where nextCursor is null; null until triaged',
  }),
  externalId: Type.String(),
  customerExternalId: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String({ format: 'date-time' }),
  sender: Type.Union([Type.String(), Type.Null()]),
  subject: Type.String(),
  triage: Type.Union([Type.Object({
    type: Type.String(),
    typeConfidence: Type.Union([Type.Number(), Type.Null()]),
    secondaryTypes: Type.Array(Type.String()),
    priority: Type.Object({ score: Type.Union([Type.Number(), Type.Null()]), reasons: ReasonList }),
    sentiment: Type.Object({ score: Type.Union([Type.Number(), Type.Null()]), reasons: ReasonList }),
    autoReply: Type.Object({ eligible: Type.Boolean(), template: Type.Union([Type.String(), Type.Null()]), reasons: ReasonList }),
    entities: Type.Object({
      promisedDate: Type.Union([Type.String(), Type.Null()]),
      invoiceNumbers: Type.Array(Type.String()),
      poNumbers: Type.Array(Type.String()),
    }),
    modelVersion: Type.String(),
    triagedAt: Type.String({ format: 'date-time' }),
    stale: Type.Boolean({
      description: 'true when an import changed the email (text, receivedAt or customer) since this triage read it: '
        + 'the previous triage, shown until the email is triaged again (by the import itself when it changed at most INBOUND_IMPORT_TRIAGE_MAX emails, else by the refresh it set off); no automatic reply is offered meanwhile',
    }),
  }), Type.Null()], { description: 'null until triaged: by its import when that changed at most INBOUND_IMPORT_TRIAGE_MAX emails, else by the refresh after it; never while no inbound model is served' }),
  suggestedQualification: Type.Union([Type.Object({
    status: Type.Union(['promise_to_pay', 'payment_plan', 'dispute', 'paid_not_received'].map((s) => Type.Literal(s))),
    promisedDate: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'the promised day, or the next instalment of a plan' }),
    invoices: Type.Array(QualifiedInvoice),
    reason: Type.String(),
  }), Type.Null()], {
    description: 'the invoice status the email asks the platform to record, on the invoices it is about; null when it asks for none, '
      + 'does not say which invoices, or they already carry it (invoices in litigation are left out), and while its triage is stale',
  }),
});

const Untriaged = Type.Object({
  count: Type.Integer({ description: 'emails in the scope asked (customer, collector, receivedFrom; whatever type or autoReply) not triaged yet, so not in the list: each is listed, after the others, once triaged' }),
  countCapped: Type.Boolean({ description: `true: the count stopped at ${UNTRIAGED_COUNT_CAP.toLocaleString('en')}, and more emails wait (count is "${UNTRIAGED_COUNT_CAP.toLocaleString('en')} or more")` }),
  reason: Type.Union([Type.Literal('no_model_served'), Type.Literal('triage_pending'), Type.Null()], {
    description: 'no_model_served: none is trained, or the active version failed to load, and none is triaged until one is; '
      + 'triage_pending: imported since the last triage, their import or the refresh it set off triages them; null when none waits',
  }),
  detail: Type.Union([Type.String(), Type.Null()], { description: 'the reason in words, with the model server\'s own when no model is served' }),
});

const inboundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, models } = app.services;

  /** Why no inbound model answers (none trained, or the active one failed to load), in the server's words; null when one does. */
  const modelProblem = (): string | null => {
    try {
      models.server.get(INBOUND_MODEL);
      return null;
    } catch (err) {
      return (err as Error | null)?.message ?? String(err);
    }
  };

  // A collector's key reads the emails of its own customers, as its agenda: what
  // they say and the qualification they ask for are that collector's to act on.
  const collectorOfKey = async (request: Parameters<typeof collectorScope>[0]): Promise<number | undefined> => {
    const { collector, restricted } = collectorScope(request, undefined, 'read triaged emails');
    return restricted ? collectorIdOf(storage.db, collector!) : undefined;
  };

  app.post('/v1/inbound/score', {
    config: { roles: ['platform', 'analyst', 'collector'], action: 'score inbound emails' },
    schema: {
      tags: ['inbound'],
      summary: 'Type, sentiment, priority and auto-reply eligibility of one customer email (nothing is stored)',
      body: Type.Object({
        subject: Type.String({ maxLength: 2000, default: '' }),
        body: Type.String({ maxLength: 200_000 }),
        customerExternalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        receivedAt: Type.Optional(Instant()),
      }, { additionalProperties: false }),
      response: { 200: TriageOut, 503: ProblemRef, ...errorResponses },
    },
  }, async (request) => {
    const model = served<Predictor<InboundRequest, InboundTriage>>(models.server, INBOUND_MODEL);
    const { subject, body, customerExternalId, receivedAt } = request.body;
    let context: CustomerContextRow | undefined;
    if (customerExternalId) {
      const [c] = await storage.db.query<{ id: number }>('SELECT id FROM customers WHERE external_id = $1', [customerExternalId]);
      if (c) context = (await customerContext(storage.db, [c.id])).get(c.id);
    }
    const customer = toContext(context);
    // A UTC stamp says when, not on whose clock: the customer's timezone says that.
    const senderAt = receivedAt && /z$/i.test(receivedAt) ? inSenderZone(receivedAt, context?.timezone) : receivedAt;
    const input = { subject, body, receivedAt: senderAt, customer };
    const t = (model.predictor.predictAsync ? await model.predictor.predictAsync(input) : model.predictor.predict(input)).value;
    return {
      type: t.type,
      secondaryTypes: t.secondaryTypes,
      typeConfidence: t.typeConfidence,
      language: t.language,
      sentiment: t.sentiment,
      legalThreat: t.legalThreat,
      priority: t.priority,
      autoReply: t.autoReply,
      entities: t.entities,
      customerKnown: customer !== null,
      modelVersion: model.version,
    };
  });

  app.get('/v1/inbound/messages', {
    config: { roles: ['platform', 'analyst', 'collector'], action: 'read triaged emails' },
    schema: {
      tags: ['inbound'],
      summary: 'Imported emails as the triage read them, in the order it published them: auto-reply or a person, and the qualification each asks for',
      querystring: Type.Object({
        customerExternalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        type: Type.Optional(Type.Union(INBOUND_TYPES.map((t) => Type.Literal(t)))),
        autoReply: Type.Optional(Type.Boolean({ description: 'true: only those cleared for the automatic reply; false: only those for a person' })),
        receivedFrom: Type.Optional(Instant('only emails received at or after this instant')),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        after: Cursor(),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ ...Page(InboundMessage).properties, untriaged: Untriaged }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const collectorId = await collectorOfKey(request);
    const q = { ...request.query, ...(collectorId === undefined ? {} : { collectorId }) };
    const { page, waiting } = await listWithUntriaged(storage.db, q);
    return { ...page, untriaged: untriagedSummary(waiting, waiting.count === 0 ? null : modelProblem()) };
  });

  app.get('/v1/inbound/messages/:externalId', {
    config: { roles: ['platform', 'analyst', 'collector'], action: 'read triaged emails' },
    schema: {
      tags: ['inbound'],
      summary: 'One imported email as the triage read it (triage null until then, and untriaged says why)',
      params: Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 200 }) }),
      response: {
        200: Type.Object({
          ...InboundMessage.properties,
          untriaged: Type.Union([Type.Omit(Untriaged, ['count', 'countCapped']), Type.Null()], { description: 'why the email is not triaged yet, as the list says of those it leaves out; null once triaged' }),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const collectorId = await collectorOfKey(request);
    const found = await getInboundMessage(storage.db, request.params.externalId);
    if (!found) throw AR_ERR.NOT_FOUND(['Inbound message', request.params.externalId]);
    if (collectorId !== undefined && found.collectorId !== collectorId) {
      throw AR_ERR.FORBIDDEN(['collector', `read inbound message "${request.params.externalId}": it is from a customer of another collector`]);
    }
    const { message } = found;
    return { ...message, untriaged: message.triage === null ? whyUntriaged(modelProblem()) : null };
  });
};

export default inboundRoutes;
