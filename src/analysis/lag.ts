/**
 * Lag: a distro package against the upstream's own releases of the same software. The upstream's
 * releases are the versions of `upstream`-role repos (any profile, any format: the upstream's
 * releases do not depend on how they are packaged) under the same name or a name that `aliases`
 * maps the distro name to. Only upstream versions are compared (the scheme's `upstream`: epoch, release,
 * Debian revision, +dfsg, ~bpo… stripped), so 2.0.0-1.fc30 and 2.0.0+ds-1 are the same release.
 *
 * For the best distro version of each name in the profile (over its `distro`-role repos):
 * - gap: classifyGap between the distro's and the upstream's newest release (major/minor/patch);
 * - newerReleases: distinct upstream versions newer than the distro's (current and past versions
 *   of the upstream repos, so releases the repo no longer keeps still count);
 * - behindSince / daysBehind: when the first newer upstream release of the gap's class appeared
 *   (for a major gap the first newer major, …) — its publication time (release feeds), else its
 *   build time, else its first_seen — and now minus that, in whole days;
 * - abandonedSeries: the distro sits on a major version of which the upstream repos currently ship
 *   nothing (Prometheus 1.8.0 when upstream ships only 2.x).
 * Severity: error for a major gap or an abandoned series; warning for a minor gap or more than
 * 90 days behind; info otherwise.
 */
import type { PackageFormat } from '../formats/types.js';
import { findingKey, type LagFinding, type TimeEvidence } from './findings.js';
import { bestByName, safeUpstreamOf } from './order.js';
import type { Candidate, Severity } from './types.js';
import { classifyGap, compareUpstream } from '../formats/upstream-version.js';

const DAY_MS = 86_400_000;
export const LAG_WARNING_DAYS = 90;

/** One version of an upstream repo, with its upstream version already extracted. */
export interface UpstreamRelease {
  repoId: string;
  name: string;
  evr: string;
  upstream: string;
  buildTime: number | null;
  firstSeen: number;
  /** Still shipped by the repo (false: only in the stored history). */
  current: boolean;
  /** Feed releases: the source kind (npm, github…), the release's page, its publication time (ms). */
  source?: string;
  url?: string | null;
  publishedAt?: number | null;
  prerelease?: boolean;
}

/** Build UpstreamReleases from versions of upstream repos; unparseable versions are left out. */
export function toUpstreamReleases(
  versions: Iterable<{ repoId: string; name: string; evr: string; buildTime: number | null; firstSeen: number; current: boolean }>,
  formatOf: (repoId: string) => PackageFormat | undefined,
): Map<string, UpstreamRelease[]> {
  const byName = new Map<string, UpstreamRelease[]>();
  for (const v of versions) {
    const format = formatOf(v.repoId);
    if (format === undefined) continue;
    const upstream = safeUpstreamOf(format, v.evr);
    if (upstream === null) continue;
    const release: UpstreamRelease = { repoId: v.repoId, name: v.name, evr: v.evr, upstream, buildTime: v.buildTime, firstSeen: v.firstSeen, current: v.current };
    const list = byName.get(v.name);
    if (list) list.push(release);
    else byName.set(v.name, [release]);
  }
  return byName;
}

export interface LagInput {
  profile: string;
  format: PackageFormat;
  /** The profile's current versions; only those of `distro`-role repos are judged. */
  candidates: readonly Candidate[];
  /** Upstream releases by (upstream) name, from toUpstreamReleases. */
  upstreamByName: ReadonlyMap<string, readonly UpstreamRelease[]>;
  /** distro name → upstream names of the same software. */
  aliases: ReadonlyMap<string, readonly string[]>;
  /** ms since the epoch. */
  now: number;
}

/** The leading number of a version ("v2.3" → 2), null when it has none. */
export function majorOf(upstream: string): number | null {
  const m = /^v?(\d+)/i.exec(upstream);
  return m ? Number(m[1]) : null;
}

function appeared(r: UpstreamRelease): { at: number; evidence: TimeEvidence } {
  if (r.publishedAt != null) return { at: r.publishedAt, evidence: 'published' };
  return r.buildTime !== null ? { at: r.buildTime * 1000, evidence: 'buildTime' } : { at: r.firstSeen, evidence: 'firstSeen' };
}

function lagSeverity(f: Pick<LagFinding, 'gap' | 'abandonedSeries' | 'daysBehind'>): Severity {
  if (f.gap === 'major' || f.abandonedSeries) return 'error';
  if (f.gap === 'minor' || f.daysBehind > LAG_WARNING_DAYS) return 'warning';
  return 'info';
}

/** Lag of one distro candidate against the given upstream releases; null when it is not behind. */
export function lagOf(
  profile: string,
  format: PackageFormat,
  distro: Candidate,
  allReleases: readonly UpstreamRelease[],
  now: number,
  options: { includePrereleases?: boolean } = {},
): LagFinding | null {
  const mine = safeUpstreamOf(format, distro.evr);
  // Pre-releases are kept apart: nobody is "behind" a beta unless asked.
  const releases = options.includePrereleases ? allReleases : allReleases.filter((r) => r.prerelease !== true);
  if (mine === null || releases.length === 0) return null;
  const newer: UpstreamRelease[] = [];
  let newest: UpstreamRelease | null = null;
  for (const r of releases) {
    if (compareUpstream(r.upstream, mine) <= 0) continue;
    newer.push(r);
    // Prefer a current release among equals: it is what the upstream ships.
    const order = newest === null ? 1 : compareUpstream(r.upstream, newest.upstream);
    if (order > 0 || (order === 0 && r.current && !newest!.current)) newest = r;
  }
  if (newest === null) return null;
  // Behind since the first release of the gap that counts: for a major gap the first release of a
  // newer major (Prometheus 1.8.0 is a major behind since 2.0.0 came out, whatever 1.8.2 did), for
  // a minor gap the first newer minor, for a patch gap the first newer patch.
  const gap = classifyGap(mine, newest.upstream);
  const sameGap = newer.filter((r) => classifyGap(mine, r.upstream) === gap);
  const counted = sameGap.length > 0 ? sameGap : newer;
  let first = appeared(counted[0]!);
  for (const r of counted) {
    const a = appeared(r);
    if (a.at < first.at) first = a;
  }
  const distroMajor = majorOf(mine);
  const currentMajors = new Set(releases.filter((r) => r.current).map((r) => majorOf(r.upstream)));
  const abandonedSeries = distroMajor !== null && currentMajors.size > 0 && !currentMajors.has(distroMajor);
  const partial = {
    gap,
    abandonedSeries,
    daysBehind: Math.max(0, Math.floor((now - first.at) / DAY_MS)),
  };
  const newerReleases = new Set(newer.map((r) => r.upstream)).size;
  const name = distro.name;
  const link = newest.url ? ` — ${newest.url}` : '';
  return {
    kind: 'lag',
    severity: lagSeverity(partial),
    key: findingKey.lag(profile, name),
    name,
    title:
      `${name} ${mine} (${distro.repoId}) is ${newerReleases} release${newerReleases === 1 ? '' : 's'} behind upstream ${newest.evr}` +
      ` (${newest.source !== undefined ? `${newest.repoId}; ` : ''}${partial.gap} gap, ${partial.daysBehind} days)${abandonedSeries ? `; upstream no longer ships ${distroMajor}.x` : ''}${link}`,
    scope: profile,
    profile,
    distro: { repoId: distro.repoId, evr: distro.evr, upstreamVersion: mine },
    upstream: {
      repoId: newest.repoId,
      name: newest.name,
      evr: newest.evr,
      upstreamVersion: newest.upstream,
      ...(newest.source !== undefined ? { source: newest.source, url: newest.url ?? null, publishedAt: newest.publishedAt ?? null } : {}),
    },
    ...partial,
    newerReleases,
    behindSince: first.at,
    behindSinceEvidence: first.evidence,
    distroMajor,
  };
}

/** Lag findings of one profile. */
export function findLag(input: LagInput): LagFinding[] {
  // Only names with upstream releases (own or aliased) can lag: look at those alone, which keeps a
  // profile of 60k distro names with a few hundred upstream ones cheap.
  const releasesOf = (name: string): UpstreamRelease[] => {
    const own = input.upstreamByName.get(name) ?? [];
    const aliases = input.aliases.get(name);
    if (!aliases) return [...own];
    return [...own, ...aliases.flatMap((alias) => input.upstreamByName.get(alias) ?? [])];
  };
  const judged = input.candidates.filter(
    (c) => c.role === 'distro' && (input.upstreamByName.has(c.name) || (input.aliases.get(c.name) ?? []).some((a) => input.upstreamByName.has(a))),
  );
  const out: LagFinding[] = [];
  for (const [name, candidate] of bestByName(input.format, judged)) {
    const finding = lagOf(input.profile, input.format, candidate, releasesOf(name), input.now);
    if (finding) out.push(finding);
  }
  return out;
}
