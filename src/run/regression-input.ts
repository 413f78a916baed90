/**
 * Upgrade-path regressions' slice of the store: for every profile of an upgrade path through an
 * audited profile, each name's best candidate as bestByName(candidatesFor(profile)) would pick it
 * (same repo order, same row order, first of equals) — but only for the names that can regress.
 *
 * The store picks those names itself (namesGoingBack: each name's best version per profile is
 * max(sort_key), the order-preserving version key of migration 8), typically a few hundred of a
 * release's 70,000 names; only their versions are read and reduced here, with the same comparison
 * as before. When the keys cannot decide — a path whose profiles order versions by different
 * formats, or a repo whose stored format is not its profile's — every name's best is read instead
 * (the stream of six columns per version this module replaced).
 */
import { archFilter, archScope } from '../analysis/candidates.js';
import { versionScheme } from '../formats/version-scheme.js';
import type { BestVersions } from '../analysis/regression.js';
import type { Candidate } from '../analysis/types.js';
import type { VendorNormaliser } from '../analysis/vendors.js';
import type { Config, ProfileConfig, UpgradePathConfig } from '../config/types.js';
import type { Store, VersionScope } from '../store/index.js';

/**
 * Per upgrade path through one of `audited`, per profile of the path: the best candidates
 * findRegressions reads. Each path is decided on its own: by sort keys when they order it (the
 * names that can regress, the same names in each of its profiles), else every name.
 */
export function regressionBestVersions(store: Store, config: Config, audited: readonly ProfileConfig[], vendors: VendorNormaliser): Map<string, Map<string, BestVersions>> {
  const auditedNames = new Set(audited.map((p) => p.name));
  const storedFormat = new Map(store.repos().map((r) => [r.id, r.format]));
  const scopes = new Map<string, VersionScope>();
  const scopeOf = (p: ProfileConfig) => cached(scopes, p.name, () => versionScope(config, p));
  const hasVersions = new Map<string, boolean>();
  const hasVersionsOf = (p: ProfileConfig) => cached(hasVersions, p.name, () => store.hasCurrentVersions(scopeOf(p)));
  const everyName = new Map<string, Candidate[]>();

  const out = new Map<string, Map<string, BestVersions>>();
  for (const path of config.upgradePaths) {
    if (!path.profiles.some((n) => auditedNames.has(n))) continue;
    const profiles = path.profiles.map((name) => config.profiles.get(name)).filter((p): p is ProfileConfig => p !== undefined);
    const byKey = keysDecide(config, storedFormat, path);
    const names = byKey ? namesThatCanRegress(store, config, path, scopeOf, hasVersionsOf) : undefined;
    const bests = new Map<string, BestVersions>();
    for (const profile of profiles) {
      const candidates =
        names !== undefined
          ? bestVersionsOf(store, config, profile, vendors, names)
          : cached(everyName, profile.name, () => bestVersionsOf(store, config, profile, vendors, undefined));
      bests.set(profile.name, { candidates, hasVersions: names !== undefined ? hasVersionsOf(profile) : candidates.length > 0 });
    }
    out.set(path.name, bests);
  }
  return out;
}

/** The value kept under `key`, computed once (a profile on several paths is read once). */
function cached<V>(map: Map<string, V>, key: string, compute: () => V): V {
  if (map.has(key)) return map.get(key)!;
  const value = compute();
  map.set(key, value);
  return value;
}

/** The profile's repos that are enabled, in the profile's order. */
export function enabledRepos(config: Config, profile: ProfileConfig): string[] {
  return profile.repos.filter((id) => config.repos.get(id)?.enabled === true);
}

function versionScope(config: Config, profile: ProfileConfig): VersionScope {
  return { repoIds: enabledRepos(config, profile), ...archScope(profile) };
}

/** Each step of the path whose two profiles are configured: [older, newer]. */
function steps(config: Config, path: UpgradePathConfig): Array<[ProfileConfig, ProfileConfig]> {
  const out: Array<[ProfileConfig, ProfileConfig]> = [];
  for (let i = 0; i + 1 < path.profiles.length; i++) {
    const older = config.profiles.get(path.profiles[i]!);
    const newer = config.profiles.get(path.profiles[i + 1]!);
    if (older && newer) out.push([older, newer]);
  }
  return out;
}

/**
 * Whether sort keys order every step of the path as findRegressions does: both profiles of each
 * step in one format (findRegressions orders by the newer's, bests are picked by each profile's
 * own), and every enabled repo's versions keyed in that format (the store keys each version by
 * its repo's stored format).
 */
function keysDecide(config: Config, storedFormat: ReadonlyMap<string, string>, path: UpgradePathConfig): boolean {
  return steps(config, path).every(([older, newer]) =>
    older.format === newer.format &&
    [older, newer].every((p) =>
      enabledRepos(config, p).every((id) => config.repos.get(id)!.format === p.format && (storedFormat.get(id) ?? p.format) === p.format),
    ),
  );
}

/**
 * The names some step of the path can regress, from the store. Every profile of the path is then
 * read for all of them, so a name stays comparable along the whole path (A→B→C).
 */
function namesThatCanRegress(
  store: Store,
  config: Config,
  path: UpgradePathConfig,
  scopeOf: (p: ProfileConfig) => VersionScope,
  hasVersionsOf: (p: ProfileConfig) => boolean,
): string[] {
  const names = new Set<string>();
  for (const [older, newer] of steps(config, path)) {
    // findRegressions skips a step into a profile with no versions (not crawled yet).
    if (!hasVersionsOf(newer)) continue;
    for (const name of store.namesGoingBack(scopeOf(older), scopeOf(newer))) names.add(name);
  }
  return [...names].sort();
}

/**
 * A profile's best candidate per name (of `names` only, when given), from a stream of version
 * parts. Fields regressions do not read are left empty.
 */
function bestVersionsOf(store: Store, config: Config, profile: ProfileConfig, vendors: VendorNormaliser, names: readonly string[] | undefined): Candidate[] {
  if (names !== undefined && names.length === 0) return [];
  const installable = archFilter(profile);
  const best = new Map<string, Candidate>();
  for (const repoId of profile.repos) {
    const repo = config.repos.get(repoId);
    if (!repo || !repo.enabled) continue;
    const repoVendor = vendors.canonical(repo.vendor);
    for (const [name, arch, epoch, version, release, evr] of store.currentVersionParts(repoId, names)) {
      if (!installable(arch)) continue;
      const held = best.get(name);
      if (held !== undefined && versionScheme(profile.format).compare({ epoch, version, release }, held) <= 0) continue;
      best.set(name, {
        repoId, name, arch, epoch, version, release, evr, vendor: null, sourceName: null, url: null, summary: null, buildTime: null, firstSeen: 0,
        repoVendor, publisher: repoVendor, role: repo.role, format: repo.format,
      });
    }
  }
  return [...best.values()];
}
