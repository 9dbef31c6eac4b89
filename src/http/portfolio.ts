// Which customers a caller reads. A key bound to a collector reads that
// collector's portfolio only, on customer reads as on its agenda, reports and
// emails: the list of every customer's balances would give away what the
// reports refuse it. A key bound to none, and every other role, reads all, as
// docs/api.md says of collectors' keys.
import type { FastifyRequest } from 'fastify';
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
