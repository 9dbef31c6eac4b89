// What the analysts' commands exit with, so a script or CI can tell a refused
// model from a failed run without reading the final JSON line.
import type { TrainOutcome } from '../../src/ml/registry/index.js';

export const EXIT = {
  /** Done as asked. */
  OK: 0,
  /** The run failed: a model or dataset unknown, data missing, an error. */
  FAILED: 1,
  /** The command line or the machine's set-up is wrong; nothing ran. */
  USAGE: 2,
  /** Trained and registered, but promotion was asked and the version does not serve. */
  NOT_PROMOTED: 3,
} as const;

/**
 * A training asked to promote (the default) that leaves the version out of
 * service (the promotion gate rejected it: worse than the active version, not
 * measurable, files that do not check out) exits NOT_PROMOTED; a version that
 * serves, or is left a candidate as --no-promote asked, exits OK.
 */
export function trainExitCode(promote: boolean, outcome: Pick<TrainOutcome, 'promotion'>): number {
  return promote && outcome.promotion?.activated !== true ? EXIT.NOT_PROMOTED : EXIT.OK;
}
