// Evaluate a model version (the active one by default, --version V, or a
// throwaway one trained on the spot with --fresh) on a dataset's holdout, next
// to the active version, and write the HTML report with --report DIR.
//   npm run evaluate -- <model> [--dataset NAME] [--report DIR] [--version V | --fresh] [--from DATE --to DATE]
// Progress on stderr; the last stdout line is JSON with the metrics.
import { main } from './cli/main.js';
import { runEvaluate } from './cli/run.js';

await main(runEvaluate);
