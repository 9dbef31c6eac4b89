// Train a model, register the version, promote it if it is not worse than the
// active one on the same holdout.
//   npm run train -- <model> [--from DATE --to DATE] [--dataset NAME] [--no-promote] [--no-report] [--seed N] [--settings JSON]
// Progress on stderr (a bar on a terminal); the last stdout line is JSON with the metrics.
// Exits 3 when the version was trained but the promotion gate kept it out of service
// (cli/exit-codes.ts), so a script need not read that line to know.
import { main } from './cli/main.js';
import { runTrain } from './cli/run.js';

await main(runTrain);
