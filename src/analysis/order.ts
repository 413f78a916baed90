/**
 * Version order for records of either format, without re-parsing: the store already keeps the
 * parts (rpm epoch/version/release, deb epoch/upstream/revision), so comparing a million of them
 * costs only the string walks.
 */
import { compareDebVersions } from '../formats/deb/version.js';
import { compareEvr, type Order } from '../formats/rpm/version.js';
import type { RepoFormat } from '../config/types.js';
import type { VersionRecord } from '../store/types.js';

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

/** When a version appeared, in ms: its build time when known (the vendor's own clock), else first_seen. */
export function appearedAt(v: { buildTime: number | null; firstSeen: number }, evidence: 'buildTime' | 'firstSeen'): number {
  return evidence === 'buildTime' && v.buildTime !== null ? v.buildTime * 1000 : v.firstSeen;
}
