/**
 * Upgrade-path regressions: along an upgrade path (profiles oldest release first), a name whose
 * best version in release N — over every repo of N's profile, updates/security/backports included
 * — is higher than the best in N+1 (ordered by the profile's format: rpm EVR or dpkg order).
 * After the release upgrade `dnf distro-sync` downgrades it and apt leaves it stranded.
 *
 * Also reported: N+1 does not ship the name at all ('dropped', info). A step whose N+1 profile has
 * no versions at all (not crawled yet) is skipped: everything would look dropped.
 *
 * Severity: dropped → info; lower → warning, or error when N's version comes from a distro repo
 * and N+1's is lower by a major upstream version (the distro itself goes back a major release).
 */
import type { UpgradePathConfig } from '../config/types.js';
import type { PackageFormat } from '../formats/types.js';
import { findingKey, type RegressionFinding, type RegressionSide } from './findings.js';
import { versionScheme } from '../formats/version-scheme.js';
import { bestByName, safeUpstreamOf } from './order.js';
import type { Candidate, Severity } from './types.js';
import { classifyGap, compareUpstream, type Gap } from '../formats/upstream-version.js';

export interface ProfileVersions {
  format: PackageFormat;
  /** The profile's current versions (compatible arches only), or their bests (see BestVersions). */
  candidates: readonly Candidate[];
  /** Whether the profile has any current version; default: whether `candidates` is not empty. */
  hasVersions?: boolean;
}

/**
 * Each name's best candidate in a profile, as a loader picks them from the store: of every name,
 * or only of the names that can regress (then the same names in every profile of the path, and
 * `hasVersions` says whether the profile ships anything else).
 */
export interface BestVersions {
  candidates: readonly Candidate[];
  hasVersions: boolean;
}

function side(profile: string, c: Candidate): RegressionSide {
  return { profile, repoId: c.repoId, evr: c.evr, arch: c.arch };
}

/** How far the upstream version went back from `from` to `to`; 'none' when only the packaging did. */
function upstreamDrop(format: PackageFormat, from: Candidate, to: Candidate): Gap | null {
  const a = safeUpstreamOf(format, from.evr);
  const b = safeUpstreamOf(format, to.evr);
  if (a === null || b === null) return null;
  return compareUpstream(b, a) < 0 ? classifyGap(b, a) : 'none';
}

/** Regressions of one upgrade path. `profiles` holds every profile the path names (missing ones are skipped). */
export function findRegressions(path: UpgradePathConfig, profiles: ReadonlyMap<string, ProfileVersions>): RegressionFinding[] {
  const out: RegressionFinding[] = [];
  const bests = new Map<string, Map<string, Candidate>>();
  const bestOf = (name: string, p: ProfileVersions): Map<string, Candidate> => {
    let b = bests.get(name);
    if (!b) bests.set(name, (b = bestByName(p.format, p.candidates)));
    return b;
  };
  for (let i = 0; i + 1 < path.profiles.length; i++) {
    const olderName = path.profiles[i]!;
    const newerName = path.profiles[i + 1]!;
    const older = profiles.get(olderName);
    const newer = profiles.get(newerName);
    if (!older || !newer || !(newer.hasVersions ?? newer.candidates.length > 0)) continue;
    // Order by the newer release's format: that is the package manager doing the upgrade.
    const format = newer.format;
    const olderBest = bestOf(olderName, older);
    const newerBest = bestOf(newerName, newer);
    for (const [name, from] of olderBest) {
      const to = newerBest.get(name);
      if (to !== undefined && versionScheme(format).compare(from, to) <= 0) continue;
      const gap = to === undefined ? null : upstreamDrop(format, from, to);
      const severity: Severity = to === undefined ? 'info' : from.role === 'distro' && gap === 'major' ? 'error' : 'warning';
      out.push({
        kind: 'regression',
        severity,
        key: findingKey.regression(path.name, olderName, newerName, name),
        name,
        title:
          to === undefined
            ? `${name} ${from.evr} (${from.repoId}) in ${olderName} is not shipped in ${newerName}`
            : `${name} goes back from ${from.evr} (${from.repoId}, ${olderName}) to ${to.evr} (${to.repoId}, ${newerName})`,
        scope: path.name,
        path: path.name,
        change: to === undefined ? 'dropped' : 'lower',
        from: side(olderName, from),
        to: to === undefined ? null : side(newerName, to),
        gap,
      });
    }
  }
  return out;
}
