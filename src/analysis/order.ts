/**
 * Version order for records of either format, without re-parsing: the store already keeps the
 * parts (rpm epoch/version/release, deb epoch/upstream/revision), so comparing a million of them
 * costs only the string walks.
 */
import { compareDebVersions } from '../formats/deb/version.js';
import { compareEvr, type Order } from '../formats/rpm/version.js';
import type { RepoFormat } from '../config/types.js';
import type { VersionRecord } from '../store/index.js';
import { upstreamOf } from './upstream-version.js';

export type VersionParts = Pick<VersionRecord, 'epoch' | 'version' | 'release'>;

/** rpm: `rpm.labelCompare`; deb: `dpkg --compare-versions`. */
export function compareVersions(format: RepoFormat, a: VersionParts, b: VersionParts): Order {
  if (format === 'rpm') return compareEvr(a, b);
  return compareDebVersions(
    { epoch: a.epoch, upstream: a.version, revision: a.release },
    { epoch: b.epoch, upstream: b.version, revision: b.release },
  );
}

/** The highest of `items` by version (the first of equals), or undefined for none. */
export function newest<T extends VersionParts>(format: RepoFormat, items: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || compareVersions(format, item, best) > 0) best = item;
  return best;
}

/** name → the highest of the items with that name. */
export function bestByName<T extends VersionParts & { name: string }>(format: RepoFormat, items: Iterable<T>): Map<string, T> {
  const best = new Map<string, T>();
  for (const item of items) {
    const held = best.get(item.name);
    if (held === undefined || compareVersions(format, item, held) > 0) best.set(item.name, item);
  }
  return best;
}

/** The upstream version of a package version, or null for one its format's tools reject. */
export function safeUpstreamOf(format: RepoFormat, evr: string): string | null {
  try {
    return upstreamOf(format, evr);
  } catch {
    return null;
  }
}
