// Payment-delay prediction: who will pay late, by how much, and when the cash arrives.
export * from './types.js';
export { PaymentDelayArtifactError, PaymentDelayInputError } from './errors.js';
export { addDays, dayOf, isoOfDay } from './dates.js';
export {
  BASE_COLUMNS,
  buildFeatureTable,
  featureColumns,
  forEachFeatureRow,
  PROMISE_GRACE_DAYS,
  type FeatureConfig,
  type FeatureTable,
  type SegmentPrior,
} from './features.js';
export { DEFAULT_OPTIONS, fitPaymentDelay, issueDateTargets, type PaymentDelayOptions, type PaymentDelayState } from './fit.js';
export { LATE_BUCKET_DAYS, PaymentDelayPredictor, type PaymentDelayInput, type ScoreOptions } from './predictor.js';
export { delayClassOf, forecastMetrics, scoreDataset, type PaymentDelayDataset, type ScoredInvoice } from './evaluation.js';
export { createPaymentDelayModel, paymentDelayModel, PAYMENT_DELAY_MODEL } from './model.js';
export { expectedCashByWeek, quantileCdf, type CashForecast, type OpenInvoiceForecast, type WeeklyCash } from './cash-forecast.js';
