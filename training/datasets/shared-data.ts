// Where the public datasets live: outside the repository (never copied into
// it), in ../shared/data beside it unless SHARED_DATA_DIR moves the folder.
// Every loader and test reads its files through here, so one variable moves them all.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** SHARED_DATA_DIR, or ../shared/data beside the repository; an empty value counts as unset, not as the working directory. */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.SHARED_DATA_DIR || path.join(REPO_ROOT, '../shared/data'));
}

/** A file or folder of the shared data folder, e.g. sharedDataPath('jsonlogic-tests'). */
export const sharedDataPath = (...parts: string[]): string => path.join(sharedDataDir(), ...parts);
