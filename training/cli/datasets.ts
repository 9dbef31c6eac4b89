// The catalogue as the CLI sees it: the service's catalogue plus evaluation
// datasets read from files outside the repository (never copied into it).
// An evaluation script of training/<model>/ becomes a dataset here.
import { catalogue as serviceCatalogue, withDatasets, fingerprintRows, type Catalogue, type DatasetSplit } from '../../src/ml/registry/index.js';
import type { TrainingWindow } from '../../src/ml/model.js';
import type { PaymentDelayDataset } from '../../src/ml/payment-delay/evaluation.js';
import { issueDateTargets } from '../../src/ml/payment-delay/fit.js';
import { MissingDataError } from '../datasets/missing.js';
import { IBM_AR_CSV, IBM_AR_TEST_FROM, ibmArAvailable, loadIbmAr } from '../datasets/ibm-ar.js';

/**
 * IBM accounts-receivable sample, chronological protocol of
 * training/payment-delay/evaluate-ibm.ts: train on invoices issued before
 * 2013 (within the window), hold out the 2013 invoices, each scored as of its
 * issue date from the history settled before it.
 */
async function ibmPaymentDelay(window: TrainingWindow): Promise<DatasetSplit<PaymentDelayDataset>> {
  if (!ibmArAvailable()) throw new MissingDataError('the IBM accounts-receivable sample', IBM_AR_CSV, 'IBM_AR_CSV');
  const all = loadIbmAr();
  const train = all.filter((inv) => inv.issueDate < IBM_AR_TEST_FROM && (window.from == null || inv.issueDate >= window.from) && (window.to == null || inv.issueDate < window.to));
  const test = all.filter((inv) => inv.issueDate >= IBM_AR_TEST_FROM);
  return {
    train: { invoices: train },
    holdout: { invoices: all, targets: issueDateTargets(test) },
    fingerprint: fingerprintRows(train),
    holdoutFingerprint: fingerprintRows(test),
  };
}

export function cliCatalogue(base: Catalogue = serviceCatalogue): Catalogue {
  return withDatasets(base, 'payment-delay', { ibm: ibmPaymentDelay });
}
