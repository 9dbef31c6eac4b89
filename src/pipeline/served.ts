// The models currently served, for jobs that score: a model with no active
// version yet is simply left out (its fields are not written).
import type { ModelServer } from '../ml/registry/index.js';
import type { PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { DriftPredictor } from '../ml/drift/index.js';
import type { SendTimePredictor } from '../ml/send-time/index.js';
import type { IncentivePredictor } from '../ml/incentives/index.js';
import type { RescoreModels, ServedModel } from '../scoring/rescore.js';

export function tryServed<P>(server: ModelServer, model: string): ServedModel<P> | undefined {
  try {
    const s = server.get(model);
    return { predictor: s.predictor as unknown as P, version: s.version };
  } catch (err) {
    // Not trained yet, or not in this catalogue: its fields are simply not written.
    const code = (err as { code?: string }).code;
    if (code === 'AR_ERR_MODEL_NOT_READY' || code === 'AR_ERR_MODEL_UNKNOWN') return undefined;
    throw err;
  }
}

export function servedForRescore(server: ModelServer): RescoreModels {
  return {
    paymentDelay: tryServed<PaymentDelayPredictor>(server, 'payment-delay'),
    drift: tryServed<DriftPredictor>(server, 'drift'),
    sendTime: tryServed<SendTimePredictor>(server, 'send-time'),
    incentives: tryServed<IncentivePredictor>(server, 'incentives'),
  };
}
