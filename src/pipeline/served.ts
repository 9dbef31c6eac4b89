// The models currently served, for jobs that score: a model with no active
// version yet is simply left out (its fields are not written).
import { AR_ERR } from '../errors.js';
import type { ModelServer } from '../ml/registry/index.js';
import type { PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { DriftPredictor } from '../ml/drift/index.js';
import type { SendTimePredictor } from '../ml/send-time/index.js';
import type { IncentivePredictor } from '../ml/incentives/index.js';
import type { RescoreModels, ServedModel } from '../scoring/rescore.js';

/** The model a request needs: throws MODEL_NOT_READY (with why, when the active version failed to load). */
export function served<P>(server: ModelServer, model: string): ServedModel<P> {
  try {
    const s = server.get(model);
    return { predictor: s.predictor as unknown as P, version: s.version };
  } catch (err) {
    // A catalogue without the model (a trimmed one) is the service not ready, not the client's mistake.
    if ((err as { code?: string }).code === 'AR_ERR_MODEL_UNKNOWN') throw AR_ERR.MODEL_NOT_READY([model]);
    throw err;
  }
}

export function tryServed<P>(server: ModelServer, model: string): ServedModel<P> | undefined {
  try {
    return served<P>(server, model);
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
