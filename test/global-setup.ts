// One scratch folder per test run, removed when the run ends: the workers
// inherit TMPDIR, so the temporary worlds, migration folders and uploads tests
// make (os.tmpdir()) go there instead of piling up in /tmp.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-test-run-'));
  process.env.TMPDIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
