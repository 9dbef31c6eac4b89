// POST /v1/inbound/score: triage one customer email (type, sentiment,
// priority, auto-reply eligibility, entities). Nothing is stored; imported
// emails are triaged on arrival by the refresh job.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, Instant, ProblemRef } from '../schemas/common.js';
import { served } from '../../pipeline/served.js';
import { INBOUND_MODEL } from '../../inbound/catalogue.js';
import { customerContext, inSenderZone, toContext, type CustomerContextRow } from '../../inbound/triage.js';
import type { Predictor } from '../../ml/model.js';
import type { InboundRequest, InboundTriage } from '../../ml/inbound/index.js';

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

const inboundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, models } = app.services;

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
};

export default inboundRoutes;
