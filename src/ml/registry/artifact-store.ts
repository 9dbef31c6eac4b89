// Version folders on disk: <modelsDir>/<model>/<version>/ with manifest.json,
// state.json, files/<binary>, and optional features.json and report.html.
// A folder is written whole into a temporary sibling, fsynced, then renamed into
// place, so a reader sees a complete version or none. Folders never change after.
// The database keeps the same files (model_files): this folder is a machine's cache.
import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Artifact } from '../model.js';
import { sha256 } from './fingerprint.js';
import type { Manifest } from './types.js';

export const MANIFEST = 'manifest.json';
export const STATE = 'state.json';
export const FEATURES = 'features.json';
/** Histograms of what serving scores, drawn from the training data: what each rescoring's inputs are compared with. */
export const SERVING_FEATURES = 'serving-features.json';
export const REPORT = 'report.html';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const VERSION = /^[A-Za-z0-9][\w.-]{0,79}$/;
const FILE = /^[A-Za-z0-9][\w.-]{0,127}$/;

/** Artifact file names may nest ("intent/weights.bin", as nested artifacts do) but never climb out. */
export function isArtifactFileName(name: string): boolean {
  const parts = name.split('/');
  return parts.length <= 4 && parts.every((p) => FILE.test(p));
}

/** A file a version folder may hold: an artifact file under files/, or one at its top (manifest, state, extras). */
function isVersionFileName(rel: string): boolean {
  return rel.startsWith('files/') ? isArtifactFileName(rel.slice(6)) : FILE.test(rel);
}

export function assertModelName(model: string): void {
  if (!NAME.test(model)) throw new Error(`"${model}" is not a model name (a-z, 0-9, - and _)`);
}

export function isVersionName(version: string): boolean {
  return VERSION.test(version);
}

/** A new version name: sortable by time, unique with a random tail. */
export function newVersionName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

export interface VersionContent {
  manifest: Omit<Manifest, 'files' | 'artifactFiles'>;
  artifact: Artifact;
  /** Extra files of the folder (features.json, report.html). */
  extras?: Record<string, string | Uint8Array>;
}

export interface WrittenVersion {
  dir: string;
  manifest: Manifest;
  /** Every file → sha256, manifest.json included: what the database pins. */
  checksums: Record<string, string>;
  /** Every file's path in the folder and bytes, manifest.json included: what the database keeps. */
  files: Array<[string, Uint8Array]>;
}

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; some filesystems refuse it, which is harmless.
  const handle = await fs.open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    /* not supported here */
  } finally {
    await handle.close();
  }
}

/**
 * Where a version's files are read from: this machine's folder, or the bytes
 * the database keeps (read as they are, so that no other process healing the
 * folder meanwhile can take them away). A missing file throws with code ENOENT.
 */
export type FileSource = (rel: string) => Promise<Buffer>;

/** The files the database keeps for a version, as a source. */
export function bytesSource(files: Array<[string, Uint8Array]>): FileSource {
  const byPath = new Map(files.map(([rel, data]) => [rel, data]));
  return async (rel) => {
    const data = byPath.get(rel);
    if (data === undefined) throw Object.assign(new Error(`${rel} is not kept`), { code: 'ENOENT' });
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  };
}

export class ArtifactStore {
  constructor(readonly root: string) {}

  dirOf(model: string, version: string): string {
    assertModelName(model);
    if (!isVersionName(version)) throw new Error(`"${version}" is not a version name`);
    return path.join(this.root, model, version);
  }

  async write(content: VersionContent): Promise<WrittenVersion> {
    const files: Array<[string, Uint8Array]> = [[STATE, bytesOf(JSON.stringify(content.artifact.state))]];
    const artifactFiles = Object.keys(content.artifact.files ?? {}).sort();
    for (const name of artifactFiles) {
      if (!isArtifactFileName(name)) throw new Error(`artifact file name "${name}" is not allowed (letters, digits, . _ - and / between them)`);
      files.push([`files/${name}`, content.artifact.files![name]]);
    }
    for (const [name, data] of Object.entries(content.extras ?? {})) {
      if (!FILE.test(name) || name === MANIFEST || name === STATE) throw new Error(`extra file name "${name}" is not allowed`);
      files.push([name, bytesOf(data)]);
    }
    const sums = Object.fromEntries(files.map(([rel, data]) => [rel, sha256(data)]));
    const manifest: Manifest = { ...content.manifest, artifactFiles, files: sums };
    const manifestBytes = bytesOf(JSON.stringify(manifest, null, 2));
    files.push([MANIFEST, manifestBytes]);
    const { model, version } = content.manifest;
    const dir = await this.writeFolder(model, version, files, false);
    return { dir, manifest, checksums: { ...sums, [MANIFEST]: sha256(manifestBytes) }, files };
  }

  /** This machine's folder of the version, as a source. */
  folderOf(model: string, version: string): FileSource {
    const dir = this.dirOf(model, version);
    return (rel) => fs.readFile(path.join(dir, rel));
  }

  /** Whether this machine's folder holds the version (complete: folders appear whole). */
  async has(model: string, version: string): Promise<boolean> {
    return fs.access(path.join(this.dirOf(model, version), MANIFEST)).then(() => true, () => false);
  }

  /** Writes a version's files as kept elsewhere (the database); a folder already there is left as it is. */
  async restore(model: string, version: string, files: Array<[string, Uint8Array]>): Promise<void> {
    for (const [rel] of files) {
      if (!isVersionFileName(rel)) throw new Error(`file name "${rel}" is not allowed in a version folder`);
    }
    await this.writeFolder(model, version, files, true);
  }

  /**
   * The folder written whole into a temporary sibling, fsynced, then renamed
   * into place. rename() onto an existing non-empty folder fails: versions are
   * never overwritten, and a restore that lost the race to another is done.
   */
  private async writeFolder(model: string, version: string, files: Array<[string, Uint8Array]>, existingIsDone: boolean): Promise<string> {
    const target = this.dirOf(model, version);
    const parent = path.dirname(target);
    await fs.mkdir(parent, { recursive: true });
    const tmp = path.join(parent, `.tmp-${version}-${crypto.randomBytes(4).toString('hex')}`);
    try {
      await fs.mkdir(tmp);
      const dirs = new Set<string>([tmp]);
      for (const [rel, data] of files) {
        const dir = path.dirname(path.join(tmp, rel));
        if (!dirs.has(dir)) {
          await fs.mkdir(dir, { recursive: true });
          dirs.add(dir);
        }
        await writeSynced(path.join(tmp, rel), data);
      }
      for (const dir of [...dirs].sort().reverse()) await syncDir(dir);
      try {
        await fs.rename(tmp, target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (!existingIsDone || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw err;
        await fs.rm(tmp, { recursive: true, force: true });
        return target;
      }
      await syncDir(parent);
      return target;
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Reads a version and checks every file against the checksums the database
   * pinned. Throws an Error saying what failed; never returns a partial artifact.
   */
  async read(
    model: string,
    version: string,
    pinned: Record<string, string>,
    source: FileSource = this.folderOf(model, version),
  ): Promise<{ manifest: Manifest; artifact: Artifact }> {
    const problems: string[] = [];
    const readChecked = async (rel: string): Promise<Buffer | null> => {
      let data: Buffer;
      try {
        data = await source(rel);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push(code === 'ENOENT' ? `${rel} is missing` : `${rel} could not be read (${code ?? (err as Error).message})`);
        return null;
      }
      const expected = pinned[rel];
      if (!expected) problems.push(`${rel} is not pinned in the registry`);
      else if (sha256(data) !== expected) problems.push(`${rel} does not match its sha256`);
      return data;
    };
    const manifestData = await readChecked(MANIFEST);
    if (!manifestData || problems.length) throw new Error(problems.join('; '));
    let manifest: Manifest;
    try {
      manifest = JSON.parse(manifestData.toString('utf8')) as Manifest;
    } catch {
      throw new Error(`${MANIFEST} is not JSON`);
    }
    if (manifest.model !== model || manifest.version !== version) problems.push(`${MANIFEST} names another version`);
    for (const rel of Object.keys(pinned)) {
      if (rel !== MANIFEST && manifest.files?.[rel] !== pinned[rel]) problems.push(`${rel}: manifest and registry disagree`);
    }
    const stateData = await readChecked(STATE);
    const files: Record<string, Uint8Array> = {};
    for (const name of manifest.artifactFiles ?? []) {
      if (!isArtifactFileName(name)) {
        problems.push(`${MANIFEST} names a file outside the version folder`);
        continue;
      }
      const data = await readChecked(`files/${name}`);
      if (data) files[name] = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    if (problems.length || !stateData) throw new Error(problems.join('; '));
    let state: unknown;
    try {
      state = JSON.parse(stateData.toString('utf8'));
    } catch {
      throw new Error(`${STATE} is not JSON`);
    }
    const artifact: Artifact = manifest.artifactFiles.length ? { state, files } : { state };
    return { manifest, artifact };
  }

  /** Every pinned file of a version, checked against its sha256; throws on any that is missing or differs. */
  async readPinned(model: string, version: string, pinned: Record<string, string>): Promise<Array<[string, Uint8Array]>> {
    const dir = this.dirOf(model, version);
    const files: Array<[string, Uint8Array]> = [];
    for (const [rel, expected] of Object.entries(pinned).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!isVersionFileName(rel)) throw new Error(`${rel} is outside the version folder`);
      const data = await fs.readFile(path.join(dir, rel));
      if (sha256(data) !== expected) throw new Error(`${rel} does not match its sha256`);
      files.push([rel, data]);
    }
    return files;
  }

  /** One extra file (report, features), checked against its pinned sha256; null when absent. */
  async readExtra(
    model: string,
    version: string,
    name: string,
    pinned: Record<string, string>,
    source: FileSource = this.folderOf(model, version),
  ): Promise<Buffer | null> {
    const expected = pinned[name];
    if (!expected) return null;
    // The version was written with this file: gone since is damage to report, not a file it never had.
    const data = await source(name).catch(() => null);
    if (!data) throw new Error(`${name} is missing`);
    if (sha256(data) !== expected) throw new Error(`${name} does not match its sha256`);
    return data;
  }

  /**
   * Removes the temporary folders that writers killed mid-write left (a
   * worker stopped during a job, a machine restarted): never versions, never
   * read, never removed otherwise. Only those untouched for `olderThanMs`, so
   * that a folder another process is writing now stays. Returns how many went.
   */
  async sweepTemporary(olderThanMs = 3_600_000): Promise<number> {
    const models = await fs.readdir(this.root, { withFileTypes: true }).catch(() => []);
    let swept = 0;
    for (const model of models.filter((d) => d.isDirectory() && NAME.test(d.name))) {
      const parent = path.join(this.root, model.name);
      for (const name of await fs.readdir(parent).catch(() => [])) {
        if (!name.startsWith('.tmp-')) continue;
        const dir = path.join(parent, name);
        const stat = await fs.stat(dir).catch(() => null);
        if (!stat || Date.now() - stat.mtimeMs < olderThanMs) continue;
        await fs.rm(dir, { recursive: true, force: true });
        swept++;
      }
    }
    return swept;
  }

  async remove(model: string, version: string): Promise<void> {
    await fs.rm(this.dirOf(model, version), { recursive: true, force: true });
  }
}
