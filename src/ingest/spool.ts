// The upload spool (DATA_DIR/uploads): each import's file, removed when its
// job ends. A process killed mid-import (kill -9, a machine restarted, the
// shutdown's grace run out) leaves its file, up to BODY_LIMIT_BYTES, and
// nothing else ever removes it. Several processes may share the folder, so
// only files no import can still be reading are removed: none runs a day.
import fs from 'node:fs/promises';
import path from 'node:path';

export const STALE_UPLOAD_MS = 24 * 60 * 60_000;

/** Removes the spooled files last written more than `olderThanMs` ago; returns how many. */
export async function removeStaleUploads(dir: string, olderThanMs = STALE_UPLOAD_MS, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await fs.readdir(dir)) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat?.isFile() && now - stat.mtimeMs > olderThanMs) {
      await fs.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
