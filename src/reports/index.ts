// Public API of the credit manager's reports: aging balance, DSO, CEI, cash forecast.
export { agingReport, agingRow, AGING_METHOD, type AgingReport, type AgingRow } from './aging.js';
export { dsoReport, standardDso, countBackDso, DSO_METHOD, COUNT_BACK_MONTHS, type DsoReport, type DsoRow } from './dso.js';
export { ceiReport, cei, CEI_METHOD, type CeiReport, type CeiRow } from './cei.js';
export { agingCsv, dsoCsv, ceiCsv, cashForecastCsv } from './exports.js';
export { cashForecastReport, CASH_FORECAST_METHOD, type CashForecastReport } from './cash-forecast.js';
export { toCsv, type CsvColumn } from './csv.js';
export { BUCKETS, currenciesInScope, loadBalances, loadWindowSales, loadMonthlySales, type ReportScope, type GroupBy, type Balance, type AmountCount } from './series.js';
export { trendMonths, type Month } from './periods.js';
