import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseUciDefault } from '../../../training/datasets/uci-default.js';
import { uciHistory } from '../../../training/drift/uci-history.js';

const HEADER =
  '"ID","LIMIT_BAL","SEX","EDUCATION","MARRIAGE","AGE","PAY_0","PAY_2","PAY_3","PAY_4","PAY_5","PAY_6","BILL_AMT1","BILL_AMT2","BILL_AMT3","BILL_AMT4","BILL_AMT5","BILL_AMT6","PAY_AMT1","PAY_AMT2","PAY_AMT3","PAY_AMT4","PAY_AMT5","PAY_AMT6","default.payment.next.month"';
// September first in the file: PAY_0 = 2 (two months late), PAY_2 = 2, then paid duly; no consumption in April.
const ROW = '7,50000,2,2,1,30,2,2,-1,-1,0,-2,3000,2900,2800,2700,2600,0,0,100,200,300,400,0,1';

describe('when SHARED_DATA_DIR moves the shared data folder', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('looks for the UCI file in that folder, unless UCI_DEFAULT_CSV names it', async () => {
    vi.stubEnv('SHARED_DATA_DIR', '/elsewhere/data');
    vi.stubEnv('UCI_DEFAULT_CSV', undefined);
    vi.resetModules();
    expect((await import('../../../training/datasets/uci-default.js')).UCI_DEFAULT_CSV).toBe('/elsewhere/data/uci-credit-card-default/UCI_Credit_Card.csv');
    vi.stubEnv('UCI_DEFAULT_CSV', '/mine/uci.csv');
    vi.resetModules();
    expect((await import('../../../training/datasets/uci-default.js')).UCI_DEFAULT_CSV).toBe('/mine/uci.csv');
  });
});

describe('when reading a UCI card holder', () => {
  const [holder] = parseUciDefault(`${HEADER}\n${ROW}`);

  it('orders the months oldest first', () => {
    expect(holder.status).toEqual([-2, 0, -1, -1, 2, 2]);
    expect(holder.paidAmount).toEqual([0, 400, 300, 200, 100, 0]);
    expect(holder.defaultNextMonth).toBe(true);
  });

  it('rejects a row without its label', () => {
    expect(() => parseUciDefault(`${HEADER}\n${ROW.replace(/,1$/, ',')}`)).toThrow(/default.payment.next.month/);
  });
});

describe('when mapping a holder to a drift history', () => {
  const [holder] = parseUciDefault(`${HEADER}\n${ROW}`);
  const h = uciHistory(holder);

  it('makes one invoice per month with a statement, observed at the month end', () => {
    expect(h.invoices.map((i) => i.settledDate)).toEqual(['2005-05-31', '2005-06-30', '2005-07-31', '2005-08-31', '2005-09-30']);
  });

  it('reads k months late as an invoice due k × 30 days before', () => {
    const late = (i: number) => (Date.parse(h.invoices[i].settledDate!) - Date.parse(h.invoices[i].dueDate)) / 86_400_000;
    expect(h.invoices.map((_, i) => late(i))).toEqual([0, 0, 0, 60, 60]);
  });

  it('makes one payment per month with a repayment', () => {
    expect(h.payments.map((p) => [p.paymentDate, p.amount])).toEqual([
      ['2005-05-20', 400],
      ['2005-06-20', 300],
      ['2005-07-20', 200],
      ['2005-08-20', 100],
    ]);
  });

  it('uses nothing after September 2005', () => {
    expect(h.asOf).toBe('2005-09-30');
    for (const i of h.invoices) expect(i.settledDate! <= h.asOf).toBe(true);
  });
});
