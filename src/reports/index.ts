// Public API of the credit manager's reports: aging balance, DSO, CEI, invoice statuses, risk, overdue statement, cash forecast, in one currency or consolidated.
export { agingReport, agingRow, AGING_METHOD, type AgingReport, type AgingRow } from './aging.js';
export { dsoReport, standardDso, countBackDso, DSO_METHOD, COUNT_BACK_MONTHS, type DsoReport, type DsoRow } from './dso.js';
export { ceiReport, cei, CEI_METHOD, type CeiReport, type CeiRow } from './cei.js';
export { statusesReport, statusesRow, STATUSES_METHOD, STATUS_ORDER, type StatusesReport, type StatusesRow } from './statuses.js';
export { riskReport, riskRow, RISK_METHOD, RISK_BANDS, UNSCORED, type RiskReport, type RiskRow } from './risk.js';
export {
  overdueStatement, overdueItems, OVERDUE_METHOD, type OverdueStatement, type OverdueItem, type OverdueTotals, type OverdueQuery,
} from './overdue.js';
export { agedBalance, agedCustomers, AGED_BALANCE_METHOD, type AgedBalance, type AgedCustomer } from './aged-balance.js';
export { agingTable, dsoTable, ceiTable, cashForecastTable, statusesTable, riskTable, overdueTable, agedBalanceTable } from './exports.js';
export { cashForecastReport, CASH_FORECAST_METHOD, type CashForecastReport } from './cash-forecast.js';
export { toCsv, tableCsv, type CsvColumn, type Table } from './csv.js';
export { toXlsx, workbookThreads, XLSX_TYPE, type XlsxLimits } from './xlsx.js';
export {
  BUCKETS, CONSOLIDATED, currenciesInScope, loadBalances, loadWindowSales, loadMonthlySales, valuationFor,
  type ReportScope, type GroupBy, type Balance, type AmountCount,
} from './series.js';
export { Valuation, type Consolidation } from './consolidation.js';
export { trendMonths, type Month } from './periods.js';
