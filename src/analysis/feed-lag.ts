/**
 * Lag against upstream release feeds (npm, GitHub, PyPI…): the feed's stored releases become
 * UpstreamReleases, and each distro package whose mapping names a feed is judged by lagOf, exactly
 * as against an upstream repo. A feed release is "current" — still part of what upstream maintains,
 * for "abandoned series" — when the last successful check still listed it and it came out within
 * a year of the feed's newest release (Prometheus 1.8.x, last released in 2017, is not current once
 * 2.x ships for years).
 */
import type { StoredFeedRelease } from '../store/index.js';
import { orderableVersion } from '../upstream/tag-version.js';
import { mapPackage, type MappingOptions } from '../upstream/mapping.js';
import { feedKey, type FeedRef } from '../upstream/types.js';
import type { LagFinding } from './findings.js';
import { lagOf, type UpstreamRelease } from './lag.js';
import { bestByName } from './order.js';
import type { Candidate } from './types.js';
import type { PackageFormat } from '../formats/types.js';

const YEAR_MS = 365 * 86_400_000;

/** One feed's stored releases as UpstreamReleases. */
export function feedUpstreamReleases(feed: string, stored: readonly StoredFeedRelease[]): UpstreamRelease[] {
  const lastCheck = Math.max(...stored.map((r) => r.lastSeen));
  const dated = stored.filter((r) => !r.prerelease && r.publishedAt !== null).map((r) => r.publishedAt!);
  const newestDate = dated.length ? Math.max(...dated) : null;
  const colon = feed.indexOf(':');
  const source = feed.slice(0, colon);
  const project = feed.slice(colon + 1);
  return stored.map((r) => ({
    repoId: feed,
    name: project,
    evr: r.version,
    upstream: orderableVersion(r.version, r.prerelease),
    buildTime: null,
    firstSeen: r.firstSeen,
    current: r.lastSeen >= lastCheck && (newestDate === null || (r.publishedAt ?? r.firstSeen) >= newestDate - YEAR_MS),
    source,
    url: r.url,
    publishedAt: r.publishedAt,
    prerelease: r.prerelease,
  }));
}

export interface FeedLagInput {
  profile: string;
  format: PackageFormat;
  candidates: readonly Candidate[];
  /** Stored feed releases, by feed key. */
  feeds: ReadonlyMap<string, readonly StoredFeedRelease[]>;
  mapping: MappingOptions;
  /** Names already judged against an upstream repo: a repo of the same software speaks first. */
  skip?: ReadonlySet<string>;
  now: number;
  includePrereleases?: boolean;
  /** Use this feed for every candidate instead of mapping them (explaining one package). */
  explicit?: FeedRef;
}

/** Lag findings of one profile against release feeds. */
export function findFeedLag(input: FeedLagInput): LagFinding[] {
  if (input.feeds.size === 0) return [];
  const converted = new Map<string, UpstreamRelease[]>();
  const releasesOf = (feed: string): UpstreamRelease[] | null => {
    let list = converted.get(feed);
    if (!list) {
      const stored = input.feeds.get(feed);
      if (!stored || stored.length === 0) return null;
      converted.set(feed, (list = feedUpstreamReleases(feed, stored)));
    }
    return list;
  };
  const distro = input.candidates.filter((c) => c.role === 'distro' && !input.skip?.has(c.name));
  const out: LagFinding[] = [];
  for (const [, candidate] of bestByName(input.format, distro)) {
    const feed = input.explicit ?? mapPackage({ name: candidate.name, sourceName: candidate.sourceName, url: candidate.url, format: input.format }, input.mapping).feed;
    if (!feed) continue;
    const releases = releasesOf(feedKey(feed));
    if (!releases) continue;
    const finding = lagOf(input.profile, input.format, candidate, releases, input.now, { includePrereleases: input.includePrereleases === true });
    if (finding) out.push(finding);
  }
  return out;
}
