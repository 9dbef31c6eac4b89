import { describe, expect, it } from 'vitest';
import { autoReplyConfig, decideAutoReply, type AutoReplyInput } from '../../../src/ml/inbound/autoReply.js';

const calmRequest = (over: Partial<AutoReplyInput> = {}): AutoReplyInput => ({
  type: 'invoice_copy',
  typeConfidence: 0.97,
  margin: 0.95,
  secondaryTypes: [],
  disputeProbability: 0.01,
  sentiment: 'neutral',
  negativeProbability: 0.02,
  legalThreat: false,
  isAutoReply: false,
  ...over,
});

describe('when deciding whether to answer automatically', () => {
  it('answers a confident, calm invoice-copy request with the PDF template', () => {
    expect(decideAutoReply(calmRequest())).toMatchObject({ eligible: true, template: 'invoice_copy.send_pdf' });
  });

  it('suggests a template per simple type', () => {
    expect(decideAutoReply(calmRequest({ type: 'payment_link' })).template).toBe('payment_link.send_payment_details');
    expect(decideAutoReply(calmRequest({ type: 'unsubscribe' })).template).toBe('unsubscribe.confirm_removal');
  });

  it('never answers a dispute or a payment plan', () => {
    const d = decideAutoReply(calmRequest({ type: 'dispute' }));
    expect(d).toMatchObject({ eligible: false, template: null });
    expect(d.reasons[0]).toMatchObject({ factor: 'typeNeedsPerson', text: 'a dispute needs a person' });
    expect(decideAutoReply(calmRequest({ type: 'other' })).reasons[0].text).toBe('an email of another kind needs a person');
    expect(decideAutoReply(calmRequest({ type: 'payment_plan' })).eligible).toBe(false);
  });

  it('does not answer an angry customer, but still suggests the template to the collector', () => {
    const d = decideAutoReply(calmRequest({ sentiment: 'negative' }));
    expect(d.eligible).toBe(false);
    expect(d.template).toBe('invoice_copy.send_pdf');
    expect(d.reasons.map((r) => r.factor)).toContain('negativeSentiment');
  });

  it('does not answer when the tone may be negative even if neutral won', () => {
    expect(decideAutoReply(calmRequest({ negativeProbability: 0.35 })).reasons.map((r) => r.factor)).toContain('possiblyUpset');
  });

  it('does not answer two simple requests with one template, but lets a promise ride along', () => {
    const d = decideAutoReply(calmRequest({ secondaryTypes: ['po_number'] }));
    expect(d.eligible).toBe(false);
    expect(d.reasons.map((r) => r.factor)).toContain('twoRequests');
    expect(decideAutoReply(calmRequest({ secondaryTypes: ['promise_to_pay'] })).eligible).toBe(true);
  });

  it('does not answer when a second request is fairly likely, even below the secondary-type threshold', () => {
    const d = decideAutoReply(calmRequest({ presentProbabilities: { invoice_copy: 0.99, payment_link: 0.3, promise_to_pay: 0.9 } }));
    expect(d.eligible).toBe(false);
    expect(d.reasons.map((r) => r.factor)).toContain('possibleSecondRequest');
    expect(decideAutoReply(calmRequest({ presentProbabilities: { invoice_copy: 0.99, payment_plan: 0.25 } })).eligible).toBe(false);
    // A promise or a confirmation needs no answer of its own.
    expect(decideAutoReply(calmRequest({ presentProbabilities: { invoice_copy: 0.99, payment_link: 0.1, promise_to_pay: 0.9 } })).eligible).toBe(true);
  });

  it('does not send a copy asked "for our records" when a promise or a payment is likely the point of the email', () => {
    const d = decideAutoReply(calmRequest({ copyForTheFiles: true, presentProbabilities: { invoice_copy: 0.95, promise_to_pay: 0.27 } }));
    expect(d.eligible).toBe(false);
    expect(d.reasons.map((r) => r.factor)).toContain('statementWithCopy');
    expect(decideAutoReply(calmRequest({ copyForTheFiles: true, presentProbabilities: { invoice_copy: 0.95, payment_confirmation: 0.6 } })).eligible).toBe(false);
    // The copy needed to pay still lets a promise ride along; a copy for the files alone is answered.
    expect(decideAutoReply(calmRequest({ copyForTheFiles: false, presentProbabilities: { invoice_copy: 0.95, promise_to_pay: 0.9 } })).eligible).toBe(true);
    expect(decideAutoReply(calmRequest({ copyForTheFiles: true, presentProbabilities: { invoice_copy: 0.95, promise_to_pay: 0.05 } })).eligible).toBe(true);
  });

  it('does not answer when a dispute rides along or may be hidden', () => {
    expect(decideAutoReply(calmRequest({ secondaryTypes: ['dispute'] })).eligible).toBe(false);
    expect(decideAutoReply(calmRequest({ disputeProbability: 0.4 })).eligible).toBe(false);
    expect(decideAutoReply(calmRequest({ disputeWording: 'credit note' })).reasons[0].factor).toBe('disputeWording');
  });

  it('does not answer a legal threat or an out-of-office', () => {
    expect(decideAutoReply(calmRequest({ legalThreat: true })).eligible).toBe(false);
    expect(decideAutoReply(calmRequest({ isAutoReply: true })).eligible).toBe(false);
  });

  it('does not answer when unsure or when two types are close', () => {
    expect(decideAutoReply(calmRequest({ typeConfidence: 0.7 })).reasons[0].factor).toBe('lowConfidence');
    expect(decideAutoReply(calmRequest({ margin: 0.2 })).reasons.map((r) => r.factor)).toContain('ambiguousType');
  });

  it('lets an admin set a per-type threshold', () => {
    const strict = autoReplyConfig({ minConfidence: { invoice_copy: 0.99 } });
    expect(decideAutoReply(calmRequest(), strict).eligible).toBe(false);
    expect(decideAutoReply(calmRequest({ type: 'po_number' }), strict).eligible).toBe(true);
  });
});
