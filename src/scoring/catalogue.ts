// The models this service trains on its own database, added to the lifecycle's
// catalogue with a `db` dataset first (so the default).
import type { Db } from '../db/sql.js';
import { catalogue as baseCatalogue, defineEntry, type Catalogue } from '../ml/registry/index.js';
import { driftModel } from '../ml/drift/index.js';
import { paymentDelayDataset, driftDataset } from './datasets.js';

export const today = (): string => new Date().toISOString().slice(0, 10);

export function serviceCatalogue(db: Db, asOf: () => string = today): Catalogue {
  const delay = baseCatalogue['payment-delay'];
  return {
    ...baseCatalogue,
    'payment-delay': { ...delay, datasets: { db: (window) => paymentDelayDataset(db, asOf(), window), ...delay.datasets } },
    drift: defineEntry({
      kind: driftModel,
      description: 'Whose payment behaviour is changing: delays, payment method, engagement with reminders, disputes',
      datasets: { db: (window) => driftDataset(db, window.to ?? asOf()) },
    }),
  };
}
