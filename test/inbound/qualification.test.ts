// The qualification an email asks the platform to record, from what the triage read.
import { describe, it, expect } from 'vitest';
import { suggestQualification, type CustomerInvoice, type EmailSaid } from '../../src/inbound/qualification.js';

const inv = (externalId: string, dueDate: string, over: Partial<CustomerInvoice> = {}): CustomerInvoice => ({
  externalId, number: externalId.replace('X-', 'F-'), dueDate, openAmount: 100, currency: 'EUR', status: null, promisedDate: null, ...over,
});
const email = (over: Partial<EmailSaid>): EmailSaid => ({ type: 'other', receivedOn: '2026-12-01', promisedDate: null, invoiceNumbers: [], ...over });
const ids = (s: ReturnType<typeof suggestQualification>) => s?.invoices.map((i) => i.externalId);

const book = [inv('X-1', '2026-11-01'), inv('X-2', '2026-11-20'), inv('X-3', '2027-01-15'), inv('X-9', '2026-10-01', { openAmount: 0 })];

describe('when an email promises to pay by a date', () => {
  it('names the invoices it named, by number or id, whatever the case', () => {
    const s = suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-15', invoiceNumbers: ['f-2'] }), book);
    expect(s).toMatchObject({ status: 'promise_to_pay', promisedDate: '2026-12-15' });
    expect(ids(s)).toEqual(['X-2']);
    expect(s?.reason).toBe('the email of 2026-12-01 promises to pay invoice F-2 by 2026-12-15');
  });

  it('covers every open invoice due by the promised date when it names none', () => {
    expect(ids(suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-15' }), book))).toEqual(['X-1', 'X-2']);
  });

  it('asks for nothing when the invoices it named are paid since: the promise was kept', () => {
    expect(suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-15', invoiceNumbers: ['F-9'] }), book)).toBeNull();
  });

  it('asks for nothing without a date: there is no promise to follow up', () => {
    expect(suggestQualification(email({ type: 'promise_to_pay', invoiceNumbers: ['F-1'] }), book)).toBeNull();
  });

  it('leaves out invoices already promised for that date, and asks again for another date', () => {
    const promised = [inv('X-1', '2026-11-01', { status: 'promise_to_pay', promisedDate: '2026-12-15' }), inv('X-2', '2026-11-20')];
    expect(ids(suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-15' }), promised))).toEqual(['X-2']);
    const later = suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-20' }), promised);
    expect(later?.invoices.map((i) => [i.externalId, i.currentStatus])).toEqual([['X-1', 'promise_to_pay'], ['X-2', null]]);
  });

  it('leaves invoices in litigation to the legal process', () => {
    const s = suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-15' }),
      [inv('X-1', '2026-11-01', { status: 'litigation' }), inv('X-2', '2026-11-20')]);
    expect(ids(s)).toEqual(['X-2']);
  });
});

describe('when an email disputes or says it paid', () => {
  it('qualifies the open invoices it named as disputed', () => {
    const s = suggestQualification(email({ type: 'dispute', invoiceNumbers: ['F-3', 'F-1'] }), book);
    expect(s).toMatchObject({ status: 'dispute', promisedDate: null, reason: 'the email of 2026-12-01 disputes 2 invoices (F-1, F-3)' });
    expect(ids(s)).toEqual(['X-1', 'X-3']);
  });

  it('asks for nothing when it names no invoice the customer has', () => {
    expect(suggestQualification(email({ type: 'dispute', invoiceNumbers: ['F-404'] }), book)).toBeNull();
    expect(suggestQualification(email({ type: 'payment_confirmation' }), book)).toBeNull();
  });

  it('turns a payment confirmation into paid_not_received, once', () => {
    expect(suggestQualification(email({ type: 'payment_confirmation', invoiceNumbers: ['F-1'] }), book)?.status).toBe('paid_not_received');
    const recorded = [inv('X-1', '2026-11-01', { status: 'paid_not_received' })];
    expect(suggestQualification(email({ type: 'payment_confirmation', invoiceNumbers: ['F-1'] }), recorded)).toBeNull();
  });
});

describe('when an email asks for a payment plan', () => {
  it('covers what is overdue when it was written, with the next instalment when it gives one', () => {
    const s = suggestQualification(email({ type: 'payment_plan', promisedDate: '2026-12-10' }), book);
    expect(s).toMatchObject({ status: 'payment_plan', promisedDate: '2026-12-10' });
    expect(ids(s)).toEqual(['X-1', 'X-2']);
  });
});

describe('when an email asks for no qualification', () => {
  it('suggests none for an invoice copy, even naming an invoice', () => {
    expect(suggestQualification(email({ type: 'invoice_copy', invoiceNumbers: ['F-1'] }), book)).toBeNull();
  });

  it('suggests none for a customer with nothing open', () => {
    expect(suggestQualification(email({ type: 'promise_to_pay', promisedDate: '2026-12-15' }), [])).toBeNull();
  });
});
