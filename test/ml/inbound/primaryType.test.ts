import { describe, expect, it } from 'vitest';
import { wantsCopyForTheFiles } from '../../../src/ml/inbound/features/concepts.js';
import { resolvePrimary } from '../../../src/ml/inbound/models/primaryType.js';
import { foldText, tokenize } from '../../../src/ml/inbound/text/normalize.js';

const forTheFiles = (text: string) => wantsCopyForTheFiles(tokenize(foldText(text)));

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

  it('records a promise or a payment first when the copy asked alongside is only for the files', () => {
    expect(resolvePrimary('invoice_copy', ['promise_to_pay'], false, true)).toEqual({ type: 'promise_to_pay', secondaryTypes: ['invoice_copy'] });
    expect(resolvePrimary('invoice_copy', ['payment_confirmation'], false, true)).toEqual({ type: 'payment_confirmation', secondaryTypes: ['invoice_copy'] });
    // A copy for the files with nothing else to record is still a copy request.
    expect(resolvePrimary('invoice_copy', ['po_number'], false, true)).toEqual({ type: 'invoice_copy', secondaryTypes: ['po_number'] });
  });

  it('keeps the classifier\'s choice otherwise', () => {
    expect(resolvePrimary('promise_to_pay', ['invoice_copy'])).toEqual({ type: 'promise_to_pay', secondaryTypes: ['invoice_copy'] });
    expect(resolvePrimary('invoice_copy', ['promise_to_pay'])).toEqual({ type: 'invoice_copy', secondaryTypes: ['promise_to_pay'] });
  });
});

describe('when telling a copy for the files from a copy needed to pay', () => {
  it('recognises records, archives and audits in both languages', () => {
    for (const text of ['Please send a copy for our records.', 'A PDF for the auditors would help.', 'Merci de nous transmettre un exemplaire pour nos archives.', 'Une copie pour notre comptabilité svp.']) {
      expect(forTheFiles(text), text).toBe(true);
    }
  });

  it('does not mistake a missing invoice for one wanted for the files', () => {
    for (const text of ['I cannot find it in our files, please resend it.', 'Nous ne retrouvons pas la facture dans nos dossiers.', 'Please send the invoice so we can pay.']) {
      expect(forTheFiles(text), text).toBe(false);
    }
  });
});
