// `npm run bench -- <name> [args]`: each bench prints its figures and ends
// with one JSON line.
const benches: Record<string, string> = {
  import: './import.js',
  rescore: './rescore.js',
  agenda: './agenda.js',
  reports: './reports.js',
  credits: './credits.js',
  embedded: './embedded.js',
  rules: './rules.js',
  'one-run': './one-run.js',
  inbound: './inbound.js',
  'inbound-untriaged': './inbound-untriaged.js',
  'inbound-predict': './inbound-predict.js',
  'score-invoices': './score-invoices.js',
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !benches[name]) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
process.argv = [process.argv[0], process.argv[1], ...rest];
await import(benches[name]);
