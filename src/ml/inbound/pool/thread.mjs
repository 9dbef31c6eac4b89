// Entry of a triage thread. Worker threads do not inherit the TypeScript
// loader of the process that starts them (tsx, or vitest's), so the thread
// loads its TypeScript itself.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
