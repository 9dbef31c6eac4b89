import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/ml/model.js';
import { DEFAULT_OPTIONS, fitPaymentDelay, issueDateTargets } from '../../../src/ml/payment-delay/fit.js';
import { createPaymentDelayModel, paymentDelayModel } from '../../../src/ml/payment-delay/model.js';
import type { PaymentDelayInput } from '../../../src/ml/payment-delay/predictor.js';
import { addDays } from '../../../src/ml/payment-delay/dates.js';
import { customerInvoices, invoice, portfolio } from './factories.js';

const book = portfolio();
/** The same kinds of customers under other ids: unseen by training. */
const holdout = portfolio().map((inv) => ({ ...inv, invoiceId: `H-${inv.invoiceId}`, customerId: `H-${inv.customerId}` }));

function inputs(): PaymentDelayInput[] {
  const history = customerInvoices({ customerId: 'RT', daysLate: 6, invoices: 10, disputeEvery: 3 });
  const open = invoice({ customerId: 'RT', issueDate: '2023-09-01', promisedDate: '2023-10-10' });
  const all = [...history, open];
  return [
    { invoice: open, history: all, asOf: open.issueDate },
    { invoice: open, history: all, asOf: addDays(open.dueDate, 7) },
    { invoice: invoice({ customerId: 'NEW' }), history: [], asOf: '2024-01-01' },
  ];
}

describe('when the model is trained and its artifact saved and loaded', () => {
  it('gives identical predictions after a JSON round trip', async () => {
    const artifact = await paymentDelayModel.train({ invoices: book });
    const reloaded: Artifact = JSON.parse(JSON.stringify(artifact));
    const scored = inputs();
    const before = (await paymentDelayModel.load(artifact)).predictMany!(scored);
    const after = (await paymentDelayModel.load(reloaded)).predictMany!(scored);
    expect(after).toEqual(before);
    expect(JSON.stringify(reloaded)).toBe(JSON.stringify(artifact));
  });

  it('refuses an artifact of another model', async () => {
    await expect(paymentDelayModel.load({ state: { kind: 'send-time' } })).rejects.toMatchObject({ code: 'AR_ERR_PAYMENT_DELAY_ARTIFACT' });
  });
});

describe('when the model is evaluated on customers it never saw', () => {
  it('ranks late invoices first (synthetic book with known delays)', async () => {
    const artifact = await paymentDelayModel.train({ invoices: book });
    const metrics = await paymentDelayModel.evaluate(artifact, { invoices: holdout });
    expect(metrics.auc).toBeGreaterThan(0.9);
    expect(metrics.n).toBe(holdout.length);
  });
});

describe('when a training window is given', () => {
  it('learns only from invoices issued inside it', async () => {
    const artifact = await createPaymentDelayModel().train({ invoices: book }, { window: { from: null, to: '2023-06-01' } });
    const state = artifact.state as { trainedOn: { invoices: number; lastIssue: string } };
    expect(state.trainedOn.lastIssue < '2023-06-01').toBe(true);
    expect(state.trainedOn.invoices).toBe(issueDateTargets(book).filter((t) => t.invoice.issueDate < '2023-06-01').length);
  });
});

describe('when the location model is chosen on the latest training invoices', () => {
  // The book's truth is customer level + dispute + paper + uniform noise: nothing else to find.
  const state = fitPaymentDelay(book, issueDateTargets(book), DEFAULT_OPTIONS);

  it('records the groups kept, the customer-and-invoice core first', () => {
    expect(state.selection?.groups[0]).toBe('customerAndInvoice');
    expect(state.location.names).toEqual(expect.arrayContaining(['customerEffect', 'disputed']));
    expect(state.selection!.holdOutRmse).toBeLessThanOrEqual(state.selection!.holdOutRmseCore);
  });

  it('learns a dispute effect close to the true 12 days', () => {
    const j = state.location.names.indexOf('disputed');
    expect(state.location.weights[j] / state.location.scales[j]).toBeGreaterThan(9);
    expect(state.location.weights[j] / state.location.scales[j]).toBeLessThan(15);
  });

  it('uses every location column when selection is switched off', () => {
    const all = fitPaymentDelay(book, issueDateTargets(book), { ...DEFAULT_OPTIONS, selectColumns: false });
    expect(all.selection).toBeNull();
    expect(all.location.names.length).toBeGreaterThan(state.location.names.length);
  });

  it('leaves the invoice’s own dispute flag out when it is not known at scoring', () => {
    const noDispute = fitPaymentDelay(book, issueDateTargets(book), { ...DEFAULT_OPTIONS, useDisputed: false });
    expect(noDispute.location.names).not.toContain('disputed');
    expect(noDispute.location.names).not.toContain('disputedCustomerEffect');
    expect(noDispute.location.names).toContain('disputeRate');
  });
});
