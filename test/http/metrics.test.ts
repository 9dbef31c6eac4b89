// What /metrics tells an operator about the workbook exports: threads busy and
// exports waiting, read when scraped.
import { describe, it, expect } from 'vitest';
import Fastify from 'fastify';
import metrics from '../../src/http/plugins/metrics.js';
import { toXlsx, workbookThreads } from '../../src/reports/index.js';
import { countedTable, holdEveryThread } from '../helpers/workbooks.js';

const gauge = (body: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);

describe('GET /metrics', () => {
  it('gives the workbook threads busy and the exports waiting for one', async () => {
    const app = Fastify({ logger: false });
    await app.register(metrics);
    const idle = (await app.inject('/metrics')).body;
    expect([gauge(idle, 'xlsx_export_threads_busy'), gauge(idle, 'xlsx_exports_waiting')]).toEqual([0, 0]);

    const release = holdEveryThread();
    const waiting = [toXlsx(countedTable(1).table, 'a'), toXlsx(countedTable(1).table, 'b')];
    const busy = (await app.inject('/metrics')).body;
    expect([gauge(busy, 'xlsx_export_threads_busy'), gauge(busy, 'xlsx_exports_waiting')]).toEqual([workbookThreads.size, 2]);

    await release();
    await Promise.all(waiting);
    const after = (await app.inject('/metrics')).body;
    expect([gauge(after, 'xlsx_export_threads_busy'), gauge(after, 'xlsx_exports_waiting')]).toEqual([0, 0]);
    await app.close();
  });
});
