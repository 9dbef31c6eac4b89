// The `rescore` job: every customer (nightly) or some (after an import).
import type { Db } from '../db/sql.js';
import type { JobHandler } from '../jobs/types.js';
import type { ModelServer } from '../ml/registry/index.js';
import { rescore, type RescoreResult } from '../scoring/rescore.js';
import { today } from '../scoring/catalogue.js';
import { servedForRescore } from './served.js';

export const RESCORE_JOB = 'rescore';

export interface RescoreJobData {
  customerIds?: number[];
  asOf?: string;
}

export function makeRescoreHandler(db: Db, server: ModelServer): JobHandler<RescoreJobData, RescoreResult> {
  return async (ctx) => {
    await server.refresh();
    return rescore(db, servedForRescore(server), {
      asOf: ctx.data.asOf ?? today(),
      customerIds: ctx.data.customerIds,
      signal: ctx.signal,
      onProgress: (f, msg) => ctx.progress(f, msg),
    });
  };
}
