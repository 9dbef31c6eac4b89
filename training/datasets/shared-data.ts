// Where the public datasets live: outside the repository (never copied into
// it), in ../shared/data beside it unless SHARED_DATA_DIR moves the folder.
// Every loader and test reads its files through here, so one variable moves them all.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Where this workplace keeps the folder: a clone made elsewhere (CI clones into
// a temporary folder) still finds it without being told.
const WORKPLACE_DATA = '/work/shared/data';

/**
 * SHARED_DATA_DIR, else ../shared/data beside the repository, else the
 * workplace's folder when that one is missing. An empty value counts as unset,
 * not as the working directory.
 */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  if (env.SHARED_DATA_DIR) return path.resolve(env.SHARED_DATA_DIR);
  const beside = path.join(REPO_ROOT, '../shared/data');
  return !exists(beside) && exists(WORKPLACE_DATA) ? WORKPLACE_DATA : beside;
}

/** A file or folder of the shared data folder, e.g. sharedDataPath('jsonlogic-tests'). */
export const sharedDataPath = (...parts: string[]): string => path.join(sharedDataDir(), ...parts);
