/**
 * Version order over records of either format, without re-parsing: the store already keeps the
 * parts (rpm epoch/version/release, deb epoch/upstream/revision), so comparing a million of them
 * costs only the string walks. The order itself is the format's version scheme.
 */
import type { PackageFormat } from '../formats/types.js';
import { versionScheme, type VersionParts } from '../formats/version-scheme.js';

/** The highest of `items` by version (the first of equals), or undefined for none. */
export function newest<T extends VersionParts>(format: PackageFormat, items: Iterable<T>): T | undefined {
  const { compare } = versionScheme(format);
  let best: T | undefined;
  for (const item of items) if (best === undefined || compare(item, best) > 0) best = item;
  return best;
}

/** name → the highest of the items with that name. */
export function bestByName<T extends VersionParts & { name: string }>(format: PackageFormat, items: Iterable<T>): Map<string, T> {
  const { compare } = versionScheme(format);
  const best = new Map<string, T>();
  for (const item of items) {
    const held = best.get(item.name);
    if (held === undefined || compare(item, held) > 0) best.set(item.name, item);
  }
  return best;
}

/** The upstream version of a package version, or null for one its format's tools reject. */
export function safeUpstreamOf(format: PackageFormat, evr: string): string | null {
  try {
    return versionScheme(format).upstream(evr);
  } catch {
    return null;
  }
}
