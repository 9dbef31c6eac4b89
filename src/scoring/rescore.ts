// The nightly (or after-import) rescoring run: slice by slice, load histories,
// score open invoices and customers, write computed fields. Memory stays
// bounded by the slice size whatever the portfolio size.
import type { Db } from '../db/sql.js';
import type { Prediction } from '../ml/model.js';
import type { PaymentDelayForecast, PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { DriftPredictor } from '../ml/drift/index.js';
import { loadSlice, customerRanges } from './histories.js';
import { writeComputedFields, dropSettledInvoiceFields, type ComputedFieldRow } from './computed-fields.js';
import { customerDelayFields, customerDriftFields, invoiceFields, type InvoiceForecast } from './fields-from-models.js';

export interface ServedModel<P> {
  predictor: P;
  /** '<model>@<version>', recorded with every computed field. */
  version: string;
}

export interface RescoreModels {
  paymentDelay?: ServedModel<PaymentDelayPredictor>;
  drift?: ServedModel<DriftPredictor>;
}

export interface RescoreOptions {
  asOf: string;
  /** Only these customers (on-change rescoring); all otherwise. */
  customerIds?: number[];
  sliceSize?: number;
  onProgress?: (fraction: number, message: string) => Promise<void> | void;
  signal?: AbortSignal;
}

export interface RescoreResult {
  customers: number;
  openInvoices: number;
  fieldsWritten: number;
  alerts: number;
  models: string[];
}

export async function rescore(db: Db, models: RescoreModels, options: RescoreOptions): Promise<RescoreResult> {
  const ranges = await customerRanges(db, options.sliceSize ?? 5000, options.customerIds);
  const result: RescoreResult = { customers: 0, openInvoices: 0, fieldsWritten: 0, alerts: 0, models: [] };
  for (const m of [models.paymentDelay, models.drift]) if (m) result.models.push(m.version);
  for (const [i, [lo, hi]] of ranges.entries()) {
    if (options.signal?.aborted) throw options.signal.reason;
    const slice = await loadSlice(db, lo, hi, options.asOf);
    const rows: ComputedFieldRow[] = [];
    if (models.paymentDelay) {
      const byCustomer = new Map<number, InvoiceForecast[]>();
      const open = slice.invoices.filter((inv) => slice.openAmounts.has(inv.invoiceId));
      models.paymentDelay.predictor.scoreRequests(
        slice.invoices,
        open.map((invoice) => ({ invoice, asOf: options.asOf })),
        (r, prediction: Prediction<PaymentDelayForecast>) => {
          const inv = open[r];
          const f: InvoiceForecast = {
            invoiceId: Number(inv.invoiceId),
            customerId: Number(inv.customerId),
            openAmount: slice.openAmounts.get(inv.invoiceId)!,
            prediction,
          };
          rows.push(...invoiceFields(f, models.paymentDelay!.version));
          const list = byCustomer.get(f.customerId) ?? [];
          list.push(f);
          byCustomer.set(f.customerId, list);
        },
      );
      for (const [customerId, list] of byCustomer) rows.push(...customerDelayFields(customerId, list, models.paymentDelay.version));
      result.openInvoices += open.length;
    }
    if (models.drift) {
      for (const [customerId, history] of slice.histories) {
        const p = models.drift.predictor.predict(history);
        if (p.value.alert) result.alerts++;
        rows.push(...customerDriftFields(customerId, p, models.drift.version));
      }
    }
    result.customers += slice.customers.length;
    result.fieldsWritten += await writeComputedFields(db, rows);
    await options.onProgress?.((i + 1) / ranges.length, `${result.customers} customers scored`);
  }
  await dropSettledInvoiceFields(db);
  return result;
}
