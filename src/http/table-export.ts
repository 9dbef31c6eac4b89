// A list or report answered as JSON, or its rows as a file: CSV, or an Excel
// workbook (src/reports/xlsx.ts). One negotiation for every route that
// exports, so ?format and the Accept header mean the same everywhere.
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { preferredType } from './accept.js';
import { AR_ERR } from '../errors.js';
import { tableCsv, toXlsx, XLSX_TYPE, type Table } from '../reports/index.js';

export type ExportFormat = 'json' | 'csv' | 'xlsx';

export const ExportFormatParam = (description: string) =>
  Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')], {
    description: `${description}; when absent, the Accept header chooses (application/json, text/csv or ${XLSX_TYPE}; JSON by default)`,
  }));

/** The 200 of a route that exports: its JSON schema, and the two files. */
export const exportContent = <S>(schema: S, csvDescription: string) => ({
  'application/json': { schema },
  'text/csv': { schema: Type.String({ description: csvDescription }) },
  [XLSX_TYPE]: { schema: Type.String({ format: 'binary', description: 'One sheet: the CSV\'s header and rows, numbers as numbers, days as dates' }) },
});

const OFFERS = { 'application/json': 'json', 'text/csv': 'csv', 'application/csv': 'csv', [XLSX_TYPE]: 'xlsx' } as const satisfies Record<string, ExportFormat>;

/** An explicit ?format wins; otherwise the Accept header chooses, JSON by default. */
export function formatOf(request: FastifyRequest, reply: FastifyReply, format: ExportFormat | undefined): ExportFormat {
  if (format !== undefined) return format;
  // The answer depends on the header: a cache must not hand one client's CSV to another's JSON.
  reply.header('vary', 'Accept');
  const offers = Object.keys(OFFERS) as [keyof typeof OFFERS, ...(keyof typeof OFFERS)[]];
  return OFFERS[preferredType(request.headers.accept, offers)];
}

/** The rows as a file named `<stem>.<format>`, the sheet named `sheet`. */
export async function sendTable<T>(reply: FastifyReply, format: 'csv' | 'xlsx', stem: string, sheet: string, table: Table<T>) {
  // Built before it is named: a file that fails answers a problem, which a client must not save as stem.xlsx.
  const file = format === 'csv' ? tableCsv(table) : await workbook(reply, `${stem}.xlsx`, sheet, table);
  return reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
    .header('content-disposition', contentDisposition(`${stem}.${format}`))
    .send(file);
}

/**
 * `attachment; filename="…"`, with the name as it is in `filename*` (RFC 6266, RFC 8187) when it is not
 * plain ASCII: "aging-Équipe-Île-….csv" rather than "aging-_quipe-_le-….csv", which browsers save; the
 * ASCII fallback is for clients that read `filename` only.
 */
export function contentDisposition(file: string): string {
  if (/^[A-Za-z0-9_.-]*$/.test(file)) return `attachment; filename="${file}"`;
  const ascii = file.replace(/[^A-Za-z0-9_.-]/g, '_');
  const encoded = encodeURIComponent(file).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Within the settings' limits, and given up if the client goes before it is built. */
function workbook<T>(reply: FastifyReply, file: string, sheet: string, table: Table<T>): Promise<Buffer> {
  const { xlsxTimeoutMs: timeoutMs, xlsxQueueLimit: queueLimit } = reply.server.services.config;
  return toXlsx(table, sheet, { timeoutMs, queueLimit, signal: whileConnected(reply, file) });
}

/** Aborted once the client has gone: its workbook gives up its place in line, or has its thread stopped. */
function whileConnected(reply: FastifyReply, file: string): AbortSignal {
  const gone = new AbortController();
  const leave = () => gone.abort(AR_ERR.CLIENT_CLOSED([file]));
  // Also emitted once the answer is sent, when the workbook is long built: then it aborts nothing.
  if (reply.raw.destroyed) leave();
  else reply.raw.once('close', leave);
  return gone.signal;
}
