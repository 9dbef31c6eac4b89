// Workbook exports in known states: every thread's place held by the test,
// tables that count what is read of their rows.
import { workbookThreads, type Table } from '../../src/reports/index.js';

/** A table of `n` rows, counting the cells read from its rows. */
export function countedTable(n: number): { table: Table<number>; reads: { count: number } } {
  const reads = { count: 0 };
  const table = { columns: [{ header: 'n', value: (r: number) => { reads.count++; return r; } }], rows: Array.from({ length: n }, (_, i) => i) };
  return { table, reads };
}

/** Every workbook thread's place held, as by builds that have not finished, until the returned function is called. */
export function holdEveryThread(): () => Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const holders = Array.from({ length: workbookThreads.size }, () => workbookThreads.run(() => gate));
  return async () => { release(); await Promise.all(holders); };
}
