// The triage of an email import's own emails, done by the import itself when
// they are few: the AR platform sends emails one at a time or a handful as
// they arrive, and until the refresh after the import reached them (queued
// behind one rescoring the whole portfolio, a minute or more) the feed, saved
// searches and rules read no triage, or the previous text's. A large import
// leaves them to that refresh: the model's CPU time grows with the emails
// (INBOUND_IMPORT_TRIAGE_MAX), and the caller waits for the answer.
import type { ImportFollowUp } from '../ingest/import-job.js';
import { stagingColumn, type ImportResult } from '../ingest/load.js';
import { findEntity } from '../ingest/entities.js';
import type { ModelServer } from '../ml/registry/index.js';
import type { Predictor } from '../ml/model.js';
import type { InboundRequest, InboundTriage } from '../ml/inbound/index.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';
import { tryServed } from '../pipeline/served.js';
import { INBOUND_MODEL } from './catalogue.js';
import { STILL_DUE, triageEmails } from './triage.js';
import type { Db } from '../db/sql.js';

export const EMAILS_ENTITY = 'inbound-messages';

/** What an email import says of its emails' triage. */
export interface ImportTriageOutcome {
  /** Emails the import triaged itself, with their customers' openDisputes and sentimentTrend. */
  triaged: number;
  /** Why it left them (or some) to the refresh it sets off; null when it left none. */
  deferred: string | null;
}

/**
 * The emails of the file (staged in `stg`) that its upsert left due: new, or
 * changed in what the triage reads. A file of unchanged emails (a daily sync)
 * has none, whatever its size.
 */
const DUE_IN_FILE = `SELECT m.id FROM inbound_messages m JOIN stg s ON s.${stagingColumn(findEntity(EMAILS_ENTITY)!.fields[0])} = m.external_id
  WHERE ${STILL_DUE}`;

/**
 * For each import job of emails (the emails it changed, found before its
 * commit, triaged after it); null for other entities. `max` emails at
 * most (0: never). The import is committed before the triage starts, and
 * stands whatever becomes of it: an email the triage could not read stays due,
 * and the refresh the import sets off triages it.
 */
export function importTriage(db: Db, server: ModelServer, max: number, log: Logger = silentLogger): (entity: string) => ImportFollowUp<ImportTriageOutcome> | null {
  return (entity) => {
    if (entity !== EMAILS_ENTITY) return null;
    let due: number[] = [];
    return {
      async beforeCommit(tx, result) {
        const changed = result.inserted + result.updated;
        if (changed === 0 || changed > max) return;
        due = (await tx.query<{ id: number }>(DUE_IN_FILE)).map((r) => r.id);
      },
      async afterCommit(result) {
        const changed = result.inserted + result.updated;
        if (changed === 0) return { triaged: 0, deferred: null };
        if (changed > max) {
          return { triaged: 0, deferred: `the file inserted or changed ${changed} emails, more than INBOUND_IMPORT_TRIAGE_MAX (${max}): the refresh it sets off triages them` };
        }
        if (due.length === 0) return { triaged: 0, deferred: null };
        try {
          const model = tryServed<Predictor<InboundRequest, InboundTriage>>(server, INBOUND_MODEL);
          if (!model) return { triaged: 0, deferred: `no ${INBOUND_MODEL} model is served: the emails are triaged by the first refresh after one is trained` };
          const { messages } = await triageEmails(db, model, due);
          // Fewer: another import changed some since, and triages them (or its refresh does).
          return { triaged: messages, deferred: null };
        } catch (err) {
          log.error({ err, emails: due.length }, 'the triage of imported emails failed: the refresh after the import triages them');
          return { triaged: 0, deferred: `the triage failed (${(err as Error | null)?.message ?? String(err)}): the refresh it sets off triages them` };
        }
      },
    };
  };
}
