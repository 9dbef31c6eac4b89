// Domain errors carry a stable code and the HTTP status the API layer should use.

export class PaymentDelayInputError extends Error {
  readonly code = 'AR_ERR_PAYMENT_DELAY_INPUT';
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'PaymentDelayInputError';
  }
}

export class PaymentDelayArtifactError extends Error {
  readonly code = 'AR_ERR_PAYMENT_DELAY_ARTIFACT';
  readonly statusCode = 500;
  constructor(message: string) {
    super(message);
    this.name = 'PaymentDelayArtifactError';
  }
}
