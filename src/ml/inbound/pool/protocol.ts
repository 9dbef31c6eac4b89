import type { InboundRequest } from '../model.js';
import type { InboundTriage } from '../score.js';

export interface PoolRequest {
  id: number;
  input: InboundRequest;
}

export type PoolResponse =
  | { id: number; value: InboundTriage; error?: undefined; ready?: undefined }
  | { id: number; error: string; value?: undefined; ready?: undefined }
  | { id: 0; ready: true; value?: undefined; error?: undefined };
