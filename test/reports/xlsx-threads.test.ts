// Many workbooks asked at once: each is built on a thread of its own, and
// more threads than cores finish no sooner while each holds its rows and heap.
// The rest wait in a line of bounded length, and a build has a time limit.
import os from 'node:os';
import { describe, it, expect, vi } from 'vitest';
import readXlsxFile from 'read-excel-file/node';
import { countedTable, holdEveryThread } from '../helpers/workbooks.js';

// Every workbook thread the writer starts, counted while it lives.
const threads = vi.hoisted(() => ({ alive: 0, most: 0 }));
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>();
  class CountedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      threads.most = Math.max(threads.most, ++threads.alive);
      this.once('exit', () => threads.alive--);
    }
  }
  return { ...real, Worker: CountedWorker };
});

const { toXlsx, workbookThreads } = await import('../../src/reports/index.js');

describe('when more workbooks are asked at once than the machine has cores', () => {
  it('builds every one, on no more threads at a time than cores', async () => {
    const cores = os.availableParallelism();
    const asked = Array.from({ length: 2 * cores + 1 }, (_, i) =>
      toXlsx({ columns: [{ header: 'n', value: (r: number) => r }], rows: [i] }, 'test'));
    const books = await Promise.all(asked);
    expect(await Promise.all(books.map(async (b) => (await readXlsxFile(b))[0].data[1]))).toEqual(books.map((_, i) => [i]));
    expect(threads.most).toBeGreaterThan(0);
    expect(threads.most).toBeLessThanOrEqual(cores);
  });
});

describe('when a workbook takes longer than its time limit', () => {
  it('stops its thread, frees its place and answers a 504 problem', async () => {
    // 1 ms: no thread even starts that soon, let alone writes 20,000 rows.
    const late = Array.from({ length: workbookThreads.size }, () => toXlsx(countedTable(20_000).table, 'test', { timeoutMs: 1 }));
    for (const result of await Promise.allSettled(late)) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'AR_ERR_EXPORT_TIMEOUT', statusCode: 504 } });
    }
    expect(threads.alive).toBe(0);
    expect(workbookThreads.state).toEqual({ held: 0, waiting: 0 });
    // Every place is free again: as many exports as threads start at once, with no line at all.
    const next = Array.from({ length: workbookThreads.size }, () => toXlsx(countedTable(1).table, 'test', { timeoutMs: 60_000, queueLimit: 0 }));
    expect(await Promise.all(next)).toHaveLength(workbookThreads.size);
  });
});

describe('when every thread builds and as many exports wait as may', () => {
  it('refuses one more at once with a 503 problem', async () => {
    const release = holdEveryThread();
    const waiting = toXlsx(countedTable(1).table, 'test', { queueLimit: 1 });
    await expect(toXlsx(countedTable(1).table, 'test', { queueLimit: 1 })).rejects.toMatchObject({ code: 'AR_ERR_EXPORTS_BUSY', statusCode: 503 });
    await release();
    expect(Buffer.isBuffer(await waiting)).toBe(true);
  });

  it('reads the rows of one waiting only once it has a thread', async () => {
    const release = holdEveryThread();
    const { table, reads } = countedTable(100);
    const waiting = toXlsx(table, 'test', { queueLimit: 1 });
    await Promise.resolve();
    expect(reads.count).toBe(0);
    await release();
    await waiting;
    expect(reads.count).toBe(100);
  });
});
