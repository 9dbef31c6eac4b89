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

/**
 * The state of an artifact of `kind` at exactly `version`, or an error naming
 * what was found: an artifact written by another version of the code is
 * refused (the registry then marks it rejected), never read wrong.
 */
export function checkedState<T>(artifact: Artifact, kind: string, version: number, loader: string): Partial<T> {
  const state = artifact.state as { kind?: unknown; version?: unknown } | null;
  if (state?.kind !== kind) throw new Error(`${loader}: not an artifact of kind '${kind}'`);
  if (state.version !== version) throw new Error(`${loader}: artifact version ${String(state.version)}, this code reads version ${version}; retrain the model`);
  return state as Partial<T>;
}
