/** Settings given in layers (a profile's defaults, then a unit's own), merged one way everywhere. */

/**
 * A unit's connection settings over its profile's defaults, key by key at every depth: a unit that
 * adds a DMX scene keeps the profile's scenes. Arrays and plain values are replaced whole.
 */
export function mergeSettings(
  defaults: Readonly<Record<string, unknown>>,
  unit: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(unit)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) ? mergeSettings(base, value) : value;
  }
  return merged;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
