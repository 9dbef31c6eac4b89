// A triage that reads "wrong" as a dispute, "pay by <day>" as a promise to pay
// by that day and anything else as a thank-you, noting each body it reads: what
// is read again, and when, is under test, not how well.
import { Readable } from 'node:stream';
import type { Db } from '../../src/db/sql.js';
import { findEntity } from '../../src/ingest/entities.js';
import { importRecords, type ImportOptions } from '../../src/ingest/load.js';
import { parseRecords } from '../../src/ingest/parse.js';
import { ndjson } from '../ingest/factories.js';

export function readingTriage(read: string[]) {
  return {
    version: 'stub-1',
    predictor: {
      predict: ({ body }: { body: string }) => {
        read.push(body);
        const dispute = body.includes('wrong');
        const promisedDate = /pay by (\d{4}-\d{2}-\d{2})/.exec(body)?.[1] ?? null;
        return {
          value: {
            type: dispute ? 'dispute' : promisedDate ? 'promise_to_pay' : 'other', typeConfidence: 0.9, secondaryTypes: [], priority: { score: 0.5, reasons: [] },
            autoReply: { eligible: false, reasons: [] }, sentiment: { score: dispute ? -0.5 : 0.5, reasons: [] },
            entities: { invoiceNumbers: [], amounts: [], dates: [], promisedDate, poNumbers: [], emails: [], phones: [] },
          },
          confidence: 0.9,
          reasons: [],
        };
      },
    },
  } as never;
}

const yesterday = new Date(Date.now() - 86_400_000).toISOString();

/** Imports email M1 of `customer` (an external id) saying `body`, received yesterday unless `receivedAt`. */
export const sendEmail = (db: Db, customer: string, body: string, options: ImportOptions = {}, receivedAt = yesterday) => importRecords(db, findEntity('inbound-messages')!,
  parseRecords(Readable.from([ndjson([{ externalId: 'M1', customerExternalId: customer, receivedAt, subject: 'Invoice F-1', body }])]), 'ndjson'),
  options);

/** `db`, but `land` runs once, right after a triage has read the emails' text and before it stores anything. */
export function landingAfterRead(db: Db, land: () => Promise<void>): Db {
  let landed = false;
  const query: Db['query'] = async (sql, params) => {
    const rows = await db.query(sql, params);
    if (!landed && /\bm\.body\b/.test(sql)) {
      landed = true;
      await land();
    }
    return rows as never;
  };
  return new Proxy(db, {
    get: (target, key) => (key === 'query' ? query : Reflect.get(target, key, target)),
  });
}
