// The models this service trains on its own database, added to the lifecycle's
// catalogue with a `db` dataset first (so the default): those the rescoring
// serves, and the inbound triage.
import type { Db } from '../db/sql.js';
import type { Catalogue } from '../ml/registry/index.js';
import { inboundEntry } from '../inbound/catalogue.js';
import { scoringCatalogue, today } from './scoring-catalogue.js';

export { scoringCatalogue, today };

export function serviceCatalogue(db: Db, asOf: () => string = today, options: { inboundCorpusSize?: number; inboundThreads?: number } = {}): Catalogue {
  return { ...scoringCatalogue(db, asOf), 'inbound-triage': inboundEntry(options.inboundCorpusSize, options.inboundThreads) };
}
