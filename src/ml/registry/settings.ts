// The settings of a training run: the analyst's, checked against the model's
// schema before any job starts, or else the active version's, so that a
// scheduled retraining keeps what an analyst chose.
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import { AR_ERR } from '../../errors.js';
import type { ModelRegistry } from './registry.js';
import type { CatalogueEntry } from './types.js';

/** Throws AR_ERR_MODEL_SETTINGS, listing every problem, unless `settings` fit the model. */
export function checkSettings(model: string, entry: CatalogueEntry, settings: unknown): Record<string, unknown> {
  if (!entry.settings) throw AR_ERR.MODEL_SETTINGS([model, 'this model takes no settings']);
  const problems = Value.Errors(entry.settings.schema, settings).flatMap(describe);
  if (problems.length > 0) throw AR_ERR.MODEL_SETTINGS([model, problems.join('; ')]);
  return settings as Record<string, unknown>;
}

/** One line per problem; an unknown name is said once, by name (the schema also reports it as "schema is false"). */
function describe(e: TLocalizedValidationError): string[] {
  if (e.keyword === 'boolean') return [];
  if (e.keyword === 'additionalProperties') {
    const names = (e.params as { additionalProperties: string[] }).additionalProperties;
    return names.map((name) => `${e.instancePath}/${name} is not a setting`);
  }
  return [`${e.instancePath || '/'} ${e.message}`];
}

/** The active version's settings, or undefined when the model takes none or has no active version. */
export async function activeSettings(registry: ModelRegistry, model: string, entry: CatalogueEntry): Promise<Record<string, unknown> | undefined> {
  if (!entry.settings) return undefined;
  const active = await registry.active(model);
  return active ? versionSettings(registry, model, active.version, entry) : undefined;
}

/** The settings a version was trained with (read from its artifact), or undefined when the model takes none. */
export async function versionSettings(registry: ModelRegistry, model: string, version: string, entry: CatalogueEntry): Promise<Record<string, unknown> | undefined> {
  if (!entry.settings) return undefined;
  const opened = await registry.open(model, version);
  try {
    return entry.settings.of(opened.artifact);
  } finally {
    opened.predictor.dispose?.();
  }
}
