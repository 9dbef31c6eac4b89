// What a version was trained on and by which code: a data fingerprint (sha256 of
// the data's canonical JSON, or of its row ids) and the code version, so two
// versions can be told apart, or known to be the same, long after the fact.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const sha256 = (data: string | Uint8Array): string => crypto.createHash('sha256').update(data).digest('hex');

/**
 * JSON with object keys sorted, `undefined` dropped and typed arrays as plain
 * arrays: the same data gives the same text whatever order it was built in.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, parts);
  return parts.join('');
}

function writeCanonical(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
  } else if (typeof value === 'number') {
    // JSON has no NaN or Infinity; keep them distinct from null all the same.
    out.push(Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value)));
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'bigint') {
    out.push(JSON.stringify(value.toString()));
  } else if (value instanceof Date) {
    out.push(JSON.stringify(value.toISOString()));
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.isArray(value) ? value : Array.from(value as unknown as ArrayLike<number>);
    out.push('[');
    items.forEach((v, i) => {
      if (i) out.push(',');
      writeCanonical(v, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i) out.push(',');
      out.push(JSON.stringify(k), ':');
      writeCanonical(obj[k], out);
    });
    out.push('}');
  } else {
    out.push('null');
  }
}

/** sha256 of a value's canonical JSON. */
export function fingerprintOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

/**
 * sha256 over rows one at a time, so a large training set is never held as one
 * string. Order matters: loaders should read rows in a stable order (by id).
 */
export function fingerprintRows(rows: Iterable<unknown>): string {
  const h = crypto.createHash('sha256');
  for (const row of rows) h.update(canonicalJson(row)).update('\n');
  return h.digest('hex');
}

/** sha256 of sorted row ids: enough when rows are immutable once written. */
export function fingerprintIds(ids: Iterable<string | number>): string {
  const sorted = [...ids].map(String).sort();
  return sha256(sorted.join('\n'));
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let cachedCodeVersion: string | undefined;

/**
 * `git:<commit>` (with `+dirty` when the tree has changes) when the code runs
 * from a git checkout, `package:<version>` otherwise (a deployed image).
 */
export function codeVersion(): string {
  if (cachedCodeVersion) return cachedCodeVersion;
  try {
    const opts: { cwd: string; stdio: ('ignore' | 'pipe')[]; timeout: number } = { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).toString().trim() !== '';
    cachedCodeVersion = `git:${commit}${dirty ? '+dirty' : ''}`;
  } catch {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
      cachedCodeVersion = `package:${pkg.version ?? 'unknown'}`;
    } catch {
      cachedCodeVersion = 'unknown';
    }
  }
  return cachedCodeVersion;
}
