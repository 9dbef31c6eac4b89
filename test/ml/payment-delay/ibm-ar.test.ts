import { afterEach, describe, expect, it, vi } from 'vitest';
import { sharedDataDir } from '../../../training/datasets/shared-data.js';
import { IBM_AR_CSV, ibmArAvailable, loadIbmAr, parseIbmAr, usDateToIso } from '../../../training/datasets/ibm-ar.js';

const HEADER = 'countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate';

describe('when a row of the IBM sample is parsed', () => {
  it('maps it to an invoice record with ISO dates, terms and channel', () => {
    const [inv] = parseIbmAr(`${HEADER}\r\n391,0001-TEST,4/6/2013,42,1/2/2013,2/1/2013,55.94,Yes,2/9/2013,Paper,38,8\r\n`);
    expect(inv).toMatchObject({
      invoiceId: '42', customerId: '0001-TEST', segment: '391', issueDate: '2013-01-02', dueDate: '2013-02-01',
      amount: 55.94, disputed: true, settledDate: '2013-02-09', paperless: false, paymentTermsDays: 30, daysToSettle: 38, daysLate: 8,
    });
  });

  it('refuses a date that is not M/D/YYYY', () => {
    expect(() => usDateToIso('2013-01-02')).toThrow(/M\/D\/YYYY/);
  });
});

describe('when SHARED_DATA_DIR moves the shared data folder', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('looks for the sample in that folder', async () => {
    vi.stubEnv('SHARED_DATA_DIR', '/elsewhere/data');
    vi.stubEnv('IBM_AR_CSV', undefined);
    vi.resetModules();
    const moved = await import('../../../training/datasets/ibm-ar.js');
    expect(moved.IBM_AR_CSV).toBe('/elsewhere/data/ibm-accounts-receivable/WA_Fn-UseC_-Accounts-Receivable.csv');
  });
});

describe('when no SHARED_DATA_DIR is set', () => {
  it('reads ../shared/data beside the repository, or the workplace folder from a clone made elsewhere', () => {
    const beside = sharedDataDir({}, () => true);
    expect(beside).toMatch(/\/shared\/data$/);
    expect(sharedDataDir({}, (p) => p === '/work/shared/data')).toBe(beside === '/work/shared/data' ? beside : '/work/shared/data');
    expect(sharedDataDir({}, () => false)).toBe(beside);
    expect(sharedDataDir({ SHARED_DATA_DIR: '' }, () => true)).toBe(beside);
  });
});

const available = ibmArAvailable();
if (!available) console.warn(`IBM accounts-receivable sample absent at ${IBM_AR_CSV}: skipping the real-file checks`);

describe.skipIf(!available)('when the real IBM sample is loaded (shared data folder)', () => {
  const invoices = available ? loadIbmAr() : [];

  it('has the documented size: 2,466 invoices of 100 customers, 35.6 % late', () => {
    expect(invoices).toHaveLength(2466);
    expect(new Set(invoices.map((i) => i.customerId)).size).toBe(100);
    expect(invoices.filter((i) => i.daysLate > 0)).toHaveLength(877);
  });

  it('agrees with the file on days to settle and days late', () => {
    const day = (iso: string) => Date.parse(iso) / 86_400_000;
    for (const inv of invoices) {
      expect(day(inv.settledDate!) - day(inv.issueDate)).toBe(inv.daysToSettle);
      expect(Math.max(0, day(inv.settledDate!) - day(inv.dueDate))).toBe(inv.daysLate);
    }
  });
});
