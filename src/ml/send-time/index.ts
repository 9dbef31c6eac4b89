// Optimal send time: the local hour a customer's reminders get a person's answer.
export * from './types.js';
export { DEFAULT_SEND_TIME_CONFIG, sendTimeConfig, type SendTimeConfig, type SendTimeConfigPatch } from './config.js';
export { hourDistance, isKnownZone, localClock, parseInstant, zoneClock, ZoneClock, type LocalClock } from './local-time.js';
export { observe } from './observations.js';
export { fitSendTime } from './fit.js';
export { SendTimeEstimator, type SendTimeEstimate } from './estimate.js';
export { SendTimePredictor, type SendTimeDetail } from './predictor.js';
export { formatHour } from './reasons.js';
export { loggingHistogram, offPolicyUplift, sendsAfterAsOf, supportsHour, type LoggedSend, type OffPolicyEstimate } from './off-policy.js';
export { SEND_TIME_MODEL, SendTimeArtifactError, sendTimeState, type SendTimeSegmentPrior, type SendTimeState } from './state.js';
export { createSendTimeModel, evaluateSendTime, sendTimeModel, type SendTimeDataset } from './model.js';
