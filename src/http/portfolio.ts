// Which customers a caller reads. A key bound to a collector reads that
// collector's portfolio only, on customer reads as on its agenda, reports and
// emails: the list of every customer's balances would give away what the
// reports refuse it. A key bound to none, and every other role, reads all, as
// docs/api.md says of collectors' keys.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/sql.js';
import { AR_ERR } from '../errors.js';
import { inPortfolio } from '../customers/queries.js';
import { collectorScope } from './routes/agenda.js';

/**
 * The collector whose customers the request may read: the bound collector for
 * such a key (another one asked for is a 403, as for reports), else the one
 * asked for, or null for all.
 */
export function portfolioOf(request: FastifyRequest, asked?: string): string | null {
  if (request.role !== 'collector' || !request.collectorExternalId) return asked ?? null;
  return collectorScope(request, asked, 'read customers').collector;
}

/** For routes that read a customer through another module: its 404, as an unknown one's, when the key may not read it. */
export async function refuseOutsidePortfolio(db: Db, request: FastifyRequest, externalId: string): Promise<void> {
  const portfolio = portfolioOf(request);
  if (portfolio !== null && !(await inPortfolio(db, externalId, portfolio))) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
}
