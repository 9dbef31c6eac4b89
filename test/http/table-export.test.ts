// A table sent as a file: the file's name goes with the file only, and a
// workbook answers a problem, never a hung request, when no thread can build it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, afterEach } from 'vitest';
import Fastify from 'fastify';
import { contentDisposition, sendTable } from '../../src/http/table-export.js';
import { exportName } from '../../src/http/export-name.js';
import problem from '../../src/http/plugins/problem.js';
import { loadConfig } from '../../src/config.js';
import type { Services } from '../../src/services.js';
import { workbookThreads, type Table } from '../../src/reports/index.js';
import { countedTable, holdEveryThread } from '../helpers/workbooks.js';
import { eventually } from '../helpers/eventually.js';

const failing: Table<number> = { columns: [{ header: 'n', value: () => { throw new Error('no value'); } }], rows: [1] };

/** An app with one route sending `table` as a file, under the settings `env`. */
async function fileApp(format: 'csv' | 'xlsx', table: Table<number>, env: Record<string, string> = {}) {
  const app = Fastify({ logger: false });
  app.decorate('services', { config: loadConfig(env) } as Services);
  await app.register(problem);
  app.get('/file', async (_request, reply) => sendTable(reply, format, 'stem', 'sheet', table));
  return app;
}

let close: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of close.reverse()) await c();
  close = [];
  expect(workbookThreads.state).toEqual({ held: 0, waiting: 0 });
});

describe('when the file cannot be built', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`answers the error without naming a ${format} file to save it as`, async () => {
      const app = await fileApp(format, failing);
      close.push(() => app.close());
      const res = await app.inject({ url: '/file' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-disposition']).toBeUndefined();
    });
  }
});

describe('when a workbook is built within its limits', () => {
  it('answers it as the file named', async () => {
    const app = await fileApp('xlsx', countedTable(3).table);
    close.push(() => app.close());
    const res = await app.inject({ url: '/file' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="stem.xlsx"');
  });
});

describe('when a workbook is not built within XLSX_TIMEOUT_MS', () => {
  it('answers 504 with a problem saying what to ask for instead, and frees its thread', async () => {
    // 1 ms: no thread even starts that soon.
    const app = await fileApp('xlsx', countedTable(20_000).table, { XLSX_TIMEOUT_MS: '1' });
    close.push(() => app.close());
    const res = await app.inject({ url: '/file' });
    expect(res.statusCode).toBe(504);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json()).toMatchObject({ code: 'AR_ERR_EXPORT_TIMEOUT', rows: 20_000, timeoutMs: 1 });
    expect(res.json().detail).toContain('format=csv');
    expect(workbookThreads.state).toEqual({ held: 0, waiting: 0 });
  });
});

describe('when every workbook thread builds and XLSX_QUEUE_LIMIT exports wait already', () => {
  it('answers 503 at once, with a Retry-After, reading none of its rows', async () => {
    const { table, reads } = countedTable(10);
    const app = await fileApp('xlsx', table, { XLSX_QUEUE_LIMIT: '0' });
    close.push(() => app.close(), holdEveryThread());
    const res = await app.inject({ url: '/file' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ code: 'AR_ERR_EXPORTS_BUSY', waiting: 0 });
    expect(reads.count).toBe(0);
  });
});

/** The app listening on a port of its own, asked for /file over a socket the test may close. */
async function askOverASocket(app: Awaited<ReturnType<typeof fileApp>>) {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const request = http.get({ host: '127.0.0.1', port: (app.server.address() as AddressInfo).port, path: '/file' });
  request.on('error', () => undefined);
  return request;
}

describe('when the client goes away while its workbook waits for a thread', () => {
  it('gives its place in line up, its rows never read', async () => {
    const { table, reads } = countedTable(10);
    const app = await fileApp('xlsx', table, { XLSX_QUEUE_LIMIT: '1' });
    close.push(() => app.close(), holdEveryThread());
    const request = await askOverASocket(app);
    await eventually(async () => expect(workbookThreads.state.waiting).toBe(1));
    request.destroy();
    await eventually(async () => expect(workbookThreads.state.waiting).toBe(0));
    expect(reads.count).toBe(0);
  });
});

describe('when the client goes away while its workbook builds', () => {
  it('stops the thread and frees its place', async () => {
    // 100,000 rows: seconds of building, against the 25 ms the test polls at.
    const app = await fileApp('xlsx', countedTable(100_000).table);
    const failures: string[] = [];
    app.addHook('onError', async (_request, _reply, err) => { failures.push((err as { code?: string }).code ?? err.message); });
    close.push(() => app.close());
    const request = await askOverASocket(app);
    await eventually(async () => expect(workbookThreads.state.held).toBe(1));
    request.destroy();
    await eventually(async () => expect(workbookThreads.state.held).toBe(0));
    expect(failures).toEqual(['AR_ERR_CLIENT_CLOSED']);
  });
});

describe("when an export's name holds letters other than ASCII (a collector 'Équipe Île')", () => {
  it('keeps them in the name, and only what a file name cannot hold becomes _', () => {
    expect(exportName('aging', { collector: 'Équipe Île', group: 'Clés/Export' }, 'EUR')).toBe('aging-Équipe_Île-group-Clés_Export-EUR');
  });

  it('sends the name as it is in filename*, with an ASCII fallback in filename', () => {
    expect(contentDisposition('aging-Équipe_Île-EUR-2026-12-07.csv'))
      .toBe("attachment; filename=\"aging-_quipe__le-EUR-2026-12-07.csv\"; filename*=UTF-8''aging-%C3%89quipe_%C3%8Ele-EUR-2026-12-07.csv");
  });

  it('leaves a plain ASCII name as it was', () => {
    expect(contentDisposition('aging-COL-01-USD-2026-03-31.xlsx')).toBe('attachment; filename="aging-COL-01-USD-2026-03-31.xlsx"');
  });
});
