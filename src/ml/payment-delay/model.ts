// The payment-delay model kind: train / evaluate / load behind the one model interface.
import type { Artifact, Metrics, ModelKind, TrainOptions } from '../model.js';
import { PaymentDelayArtifactError, PaymentDelayInputError } from './errors.js';
import { forecastMetrics, scoreDataset, targetsOf, type PaymentDelayDataset } from './evaluation.js';
import { DEFAULT_OPTIONS, fitPaymentDelay, type PaymentDelayOptions, type PaymentDelayState } from './fit.js';
import { PaymentDelayPredictor, type PaymentDelayInput } from './predictor.js';
import type { PaymentDelayForecast } from './types.js';

export const PAYMENT_DELAY_MODEL = 'payment-delay';

export function stateOf(artifact: Artifact): PaymentDelayState {
  const state = artifact?.state as PaymentDelayState | undefined;
  if (!state || state.kind !== PAYMENT_DELAY_MODEL) throw new PaymentDelayArtifactError('artifact is not a payment-delay model');
  return state;
}

/**
 * A payment-delay model kind. Training is deterministic (closed-form fits), so
 * `seed` has no effect. `window` selects training invoices by issue date.
 */
export function createPaymentDelayModel(
  options: Partial<PaymentDelayOptions> = {},
): ModelKind<PaymentDelayDataset, PaymentDelayInput, PaymentDelayForecast> {
  const fitOptions = { ...DEFAULT_OPTIONS, ...options };
  return {
    name: PAYMENT_DELAY_MODEL,
    primaryMetric: 'auc',
    metricDirection: 'higher',

    async train(data: PaymentDelayDataset, train: TrainOptions = {}): Promise<Artifact> {
      const { from, to } = train.window ?? { from: null, to: null };
      const targets = targetsOf(data).filter(
        ({ invoice }) => (from == null || invoice.issueDate >= from) && (to == null || invoice.issueDate < to),
      );
      if (targets.some((t) => t.invoice.settledDate == null)) throw new PaymentDelayInputError('training targets must be settled invoices');
      train.onProgress?.(0, `fitting on ${targets.length} settled invoices`);
      const state = fitPaymentDelay(data.invoices, targets, fitOptions);
      train.onProgress?.(1, 'done');
      return { state };
    },

    async evaluate(artifact: Artifact, data: PaymentDelayDataset): Promise<Metrics> {
      return forecastMetrics(scoreDataset(new PaymentDelayPredictor(stateOf(artifact)), data));
    },

    async load(artifact: Artifact): Promise<PaymentDelayPredictor> {
      return new PaymentDelayPredictor(stateOf(artifact));
    },
  };
}

/** The default kind: uses the scored invoice's dispute flag when it is known. */
export const paymentDelayModel = createPaymentDelayModel();
