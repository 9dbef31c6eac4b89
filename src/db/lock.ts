// PGlite is one PostgreSQL running inside one process: a second process that
// opens the same folder (another `npm start`, `npm run train` beside the
// server) runs its own copy over the same files, and writes one of them
// acknowledged are lost. A lock file beside the folder, holding the pid, keeps
// the folder to one process; a lock left by a process that died is taken over.
import fs from 'node:fs/promises';

export class StorageLockedError extends Error {
  constructor(readonly folder: string, readonly pid: number) {
    super(
      `${folder} is in use by pid ${pid}: PGlite is single-process; stop it or set DATABASE_URL ` +
        '(PostgreSQL takes many processes); models can be trained through POST /v1/models/:model/train',
    );
    this.name = 'StorageLockedError';
  }
}

/** Lock files this process holds: a lock naming our pid that we do not hold was left by an earlier process (pids repeat across container restarts). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(file: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await fs.readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface FolderLock {
  readonly file: string;
  release(): Promise<void>;
}

/**
 * Takes `file` for this process, or throws StorageLockedError naming the live
 * process that holds it. Two processes taking over the same stale lock at the
 * same instant could both succeed; that needs a crash and two starts within
 * milliseconds of each other, which the lock is not meant to arbitrate.
 */
export async function lockFolder(file: string, folder: string): Promise<FolderLock> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      held.add(file);
      return {
        file,
        async release() {
          if (!held.delete(file)) return;
          // Only our own lock: never one a later process took over.
          if ((await readPid(file)) === process.pid) await fs.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = await readPid(file);
    const stale = pid === null || (pid === process.pid ? !held.has(file) : !alive(pid));
    if (!stale) throw new StorageLockedError(folder, pid);
    // An empty file may be a lock being written right now: look once more before calling it stale.
    if (pid === null && attempt === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (attempt >= 2) throw new Error(`could not take the lock ${file}: it keeps coming back; is another process starting on ${folder}?`);
    await fs.rm(file, { force: true });
  }
}
