import { describe, expect, it } from 'vitest';
import { resolvePrimary } from '../../../src/ml/inbound/models/primaryType.js';

describe('when choosing the primary intent of a multi-intent email', () => {
  it('answers a dispute before recording the promise that rides along it', () => {
    expect(resolvePrimary('promise_to_pay', ['dispute', 'invoice_copy'])).toEqual({ type: 'dispute', secondaryTypes: ['promise_to_pay', 'invoice_copy'] });
  });

  it('answers a plan request before a promise for part of the balance', () => {
    expect(resolvePrimary('promise_to_pay', ['payment_plan'])).toEqual({ type: 'payment_plan', secondaryTypes: ['promise_to_pay'] });
  });

  it('reads a message written by a machine as "other", whatever words it carries', () => {
    expect(resolvePrimary('contact_update', ['unsubscribe'], true)).toEqual({ type: 'other', secondaryTypes: [] });
  });

  it('keeps the classifier\'s choice otherwise', () => {
    expect(resolvePrimary('promise_to_pay', ['invoice_copy'])).toEqual({ type: 'promise_to_pay', secondaryTypes: ['invoice_copy'] });
    expect(resolvePrimary('invoice_copy', ['promise_to_pay'])).toEqual({ type: 'invoice_copy', secondaryTypes: ['promise_to_pay'] });
  });
});
