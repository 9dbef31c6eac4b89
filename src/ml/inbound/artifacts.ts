// Several models in one Artifact: each part's state under its name, each
// part's files under "<name>/<file>". The registry stores one artifact.
import type { Artifact } from '../model.js';

export interface NestedState {
  parts: Record<string, unknown>;
}

export function nestArtifacts(parts: Record<string, Artifact>, extra: Record<string, unknown> = {}): Artifact {
  const files: Record<string, Uint8Array> = {};
  const states: Record<string, unknown> = {};
  for (const [name, artifact] of Object.entries(parts)) {
    if (name.includes('/')) throw new Error(`nestArtifacts: part name '${name}' may not contain '/'`);
    states[name] = artifact.state;
    for (const [file, bytes] of Object.entries(artifact.files ?? {})) files[`${name}/${file}`] = bytes;
  }
  return { state: { ...extra, parts: states }, files };
}

export function unnestArtifact(artifact: Artifact, name: string): Artifact {
  const state = artifact.state as Partial<NestedState> | null;
  if (!state?.parts || !(name in state.parts)) throw new Error(`unnestArtifact: artifact has no part '${name}'`);
  const prefix = `${name}/`;
  const files: Record<string, Uint8Array> = {};
  for (const [file, bytes] of Object.entries(artifact.files ?? {})) if (file.startsWith(prefix)) files[file.slice(prefix.length)] = bytes;
  return { state: state.parts[name], files };
}
