/**
 * Renamed pipeline steps: a deprecated name keeps working (CLI, HTTP) until the removal version,
 * mapped to the step's current name; runs and locks are recorded under the current name.
 */
import { REMOVAL_VERSION } from '../../platform/http/deprecation.ts';

/** Deprecated step name → current name (docs/GLOSSARY.md). */
export const STEP_ALIASES: Readonly<Record<string, string>> = { derive: 'read-models' };

/** The current name of a step, whether `name` is current or a deprecated alias. */
export function canonicalStep(name: string): string {
  return Object.hasOwn(STEP_ALIASES, name) ? STEP_ALIASES[name]! : name;
}

/** Whether `name` is a deprecated alias. */
export function isStepAlias(name: string): boolean {
  return Object.hasOwn(STEP_ALIASES, name);
}

/** The warning printed or logged when a deprecated step name is used. */
export function stepAliasWarning(name: string): string {
  return `step "${name}" is deprecated: use "${canonicalStep(name)}" (the old name is removed in ${REMOVAL_VERSION})`;
}
