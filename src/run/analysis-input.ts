/**
 * From the store and the config to the analysis's plain inputs: current versions, history, winner
 * history, repo events and Release facts; per profile the resolver's verdicts and "who wins now".
 * Commands share this so audit, host, check and report see the same picture.
 */
import { createHash } from 'node:crypto';
import { archFilter, candidatesFor, type AuditInput } from '../analysis/audit.js';
import { winnersFromResolutions } from '../analysis/by-name.js';
import { compareVersions } from '../analysis/order.js';
import { applyReleaseVendors } from '../analysis/release-vendors.js';
import { observedRollbacks } from '../analysis/rollback.js';
import { resolveProfile } from '../analysis/resolve/resolve.js';
import type { AnalysisInput, AptReleaseFacts, Candidate, InstalledPackage, Resolution } from '../analysis/types.js';
import { vendorNormaliser, type VendorNormaliser } from '../analysis/vendors.js';
import type { Config, ProfileConfig } from '../config/types.js';
import { repoHealth, type RepoHealth } from '../store/health.js';
import type { Store } from '../store/index.js';
import type { StoredFeedRelease, Winner } from '../store/types.js';
import { mapPackage, type MappingOptions } from '../upstream/mapping.js';
import { feedKey } from '../upstream/types.js';

/**
 * How distro packages map to release feeds: repos.yaml's `upstreams:` overrides and Anitya
 * distribution, and what the stored feed checks say — projects that do not exist (the chain moves
 * past them) and the project URLs each feed declares (a guess contradicting the Homepage gives way).
 */
export function feedMappingOptions(store: Store, config: Config): MappingOptions {
  const checks = [...store.feedChecks().values()];
  return {
    ...(config.upstreams ? { overrides: config.upstreams } : {}),
    ...(config.upstreamSources?.anityaDistribution ? { anityaDistribution: config.upstreamSources.anityaDistribution } : {}),
    missing: new Set(checks.filter((c) => c.status === 'not-found').map((c) => c.feed)),
    projectUrls: new Map(checks.filter((c) => c.projectUrls.length > 0).map((c) => [c.feed, c.projectUrls])),
  };
}

export interface AnalysisData {
  input: AuditInput;
  resolutions: Map<string, Resolution[]>;
  health: RepoHealth[];
  /** True when some repo of the audited profiles has no data or failed its last check. */
  partial: boolean;
}

/** The analysis input's fields that come from the configuration. */
function configFacts(config: Config): Pick<AnalysisInput, 'repos' | 'profiles' | 'upgradePaths' | 'vendorEquivalences' | 'aliases'> {
  return { repos: config.repos, profiles: [...config.profiles.values()], upgradePaths: config.upgradePaths, vendorEquivalences: config.vendorEquivalences, aliases: config.aliases };
}

export function loadAnalysisData(
  store: Store,
  configured: Config,
  profiles: readonly ProfileConfig[],
  now: number,
  options: { installed?: readonly InstalledPackage[]; withHistory?: boolean; withUpstreamFeeds?: boolean; includePrereleases?: boolean } = {},
): AnalysisData {
  const config = withStoredVendors(store, configured);
  const repoIds = [...config.repos.keys()];
  const releases = new Map([...store.releaseFacts()].map(([id, facts]) => [id, facts as AptReleaseFacts]));
  const input: AuditInput = {
    ...configFacts(config),
    current: store.currentVersions(repoIds),
    history: options.withHistory === false ? [] : store.versionHistory(repoIds),
    winnerHistory: store.winnerHistory(),
    repoEvents: store.repoEvents(),
    releases,
    now,
    winnersByProfile: new Map(),
    // Lag's own input, a separate query: the stored upstream release feeds.
    ...(options.withUpstreamFeeds === false ? {} : { upstreamFeeds: store.feedReleases(), upstreamMapping: feedMappingOptions(store, config) }),
    ...(options.includePrereleases ? { includePrereleases: true } : {}),
  };
  const resolutions = new Map<string, Resolution[]>();
  const winners = input.winnersByProfile as Map<string, Map<string, Candidate>>;
  for (const profile of profiles) {
    const resolved = resolveProfile({
      profile,
      repos: config.repos,
      candidates: candidatesFor(profile, input),
      releases,
      ...(options.installed ? { installed: options.installed } : {}),
    });
    resolutions.set(profile.name, resolved);
    winners.set(profile.name, winnersFromResolutions(resolved, profile.arches));
  }
  const health = repoHealth(store, [...new Set(profiles.flatMap((p) => p.repos))]);
  return { input, resolutions, health, partial: health.some((h) => h.missing || h.lastFailure !== null) };
}

/**
 * Lag's input from release feeds, read apart from everything else: the stored feeds, and the names
 * of the profiles' distro packages whose metadata (name, source, URL) maps to one of them.
 */
export function feedLagInput(store: Store, config: Config, profiles: readonly ProfileConfig[]): { releases: Map<string, StoredFeedRelease[]>; mapping: MappingOptions; names: string[] } {
  const releases = store.feedReleases();
  const mapping = feedMappingOptions(store, config);
  if (releases.size === 0) return { releases, mapping, names: [] };
  const distroRepos = [...new Set(profiles.flatMap((p) => p.repos))].filter((id) => config.repos.get(id)?.role === 'distro');
  const names: string[] = [];
  for (const facts of store.mappingFacts(distroRepos)) {
    const format = config.repos.get(facts.repoId)!.format;
    const feed = mapPackage({ name: facts.name, sourceName: facts.sourceName, url: facts.url, format }, mapping).feed;
    if (feed && releases.has(feedKey(feed))) names.push(facts.name);
  }
  return { releases, mapping, names };
}

/** The fewest winner intervals an observed ping-pong needs (A→B→A). */
const PINGPONG_MIN_INTERVALS = 3;

/**
 * The audit's (and the weekly report's) slice of the store, which gives the same findings as
 * loadAnalysisData() without reading every version of every repo into objects. The store selects
 * the names each kind can be about — shipped by several vendors in a profile (clash, predicted
 * ping-pong), a winner that changed twice (observed ping-pong), a version that left a repo
 * (rollback), shipped upstream or aliased to an upstream name (lag) — and only those names' versions,
 * history and winners are read, complete in every configured repo. Upgrade-path regressions need
 * every name: each profile's best version per name is reduced while streaming six columns.
 * Winners are resolved for the selected names only: apt decides per name, and so does dnf unless
 * includepkgs/excludepkgs patterns are read against the whole sack (then that profile reads it all).
 */
export function loadAuditData(store: Store, configured: Config, profiles: readonly ProfileConfig[], now: number, options: { includePrereleases?: boolean } = {}): AnalysisData {
  const config = withStoredVendors(store, configured);
  const vendors = vendorNormaliser(config.vendorEquivalences);
  const enabledRepos = (p: ProfileConfig) => p.repos.filter((id) => config.repos.get(id)?.enabled === true);
  const wanted = new Set<string>();
  const add = (names: Iterable<string>) => {
    for (const n of names) wanted.add(n);
  };
  for (const p of profiles) {
    const vendorOfRepo: Record<string, string> = {};
    for (const id of enabledRepos(p)) vendorOfRepo[id] = vendors.canonical(config.repos.get(id)!.vendor);
    add(store.namesWithSeveralVendors(vendorOfRepo));
  }
  // A version that left a repo is common (every update); a best version that went back is not:
  // screen those names' histories on light rows and read in full only the ones that did.
  const auditedRepos = [...new Set(profiles.flatMap((p) => p.repos))];
  const formatOf = (id: string) => config.repos.get(id)?.format;
  const screened = store.versionPartsHistory(auditedRepos, store.namesWithClosedIntervals(auditedRepos));
  add(observedRollbacks(screened, formatOf).map((period) => period.name));
  add(store.namesWithWinnerChanges(profiles.map((p) => p.name), PINGPONG_MIN_INTERVALS));
  const upstreamNames = new Set(store.namesIn([...config.repos.values()].filter((r) => r.role === 'upstream').map((r) => r.id)));
  add(upstreamNames);
  for (const [distroName, aliases] of config.aliases) if (aliases.some((a) => upstreamNames.has(a))) wanted.add(distroName);
  // Lag against release feeds: the distro names whose mapping names a stored feed (its own query).
  const feeds = feedLagInput(store, config, profiles);
  add(feeds.names);

  const repoIds = [...config.repos.keys()];
  const names = [...wanted].sort();
  const releases = new Map([...store.releaseFacts()].map(([id, facts]) => [id, facts as AptReleaseFacts]));
  const input: AuditInput = {
    ...configFacts(config),
    current: names.length > 0 ? store.currentVersions(repoIds, names) : [],
    history: names.length > 0 ? store.versionHistory(repoIds, names) : [],
    winnerHistory: names.length > 0 ? store.winnerHistory(undefined, names) : [],
    repoEvents: store.repoEvents(),
    releases,
    now,
    winnersByProfile: new Map(),
    bestVersions: bestVersionsOfPaths(store, config, profiles, vendors),
    upstreamFeeds: feeds.releases,
    upstreamMapping: feeds.mapping,
    ...(options.includePrereleases ? { includePrereleases: true } : {}),
  };
  const resolutions = new Map<string, Resolution[]>();
  const winners = input.winnersByProfile as Map<string, Map<string, Candidate>>;
  for (const profile of profiles) {
    const sackInput = !resolvesPerName(profile, config) ? { ...input, current: store.currentVersions(profile.repos) } : input;
    const resolved = resolveProfile({ profile, repos: config.repos, candidates: candidatesFor(profile, sackInput, vendors), releases });
    resolutions.set(profile.name, resolved);
    winners.set(profile.name, winnersFromResolutions(resolved, profile.arches));
  }
  const health = repoHealth(store, [...new Set(profiles.flatMap((p) => p.repos))]);
  return { input, resolutions, health, partial: health.some((h) => h.missing || h.lastFailure !== null) };
}

/**
 * For every profile of an upgrade path through an audited profile: each name's best candidate, as
 * bestByName(candidatesFor(profile)) would pick it (same repo order, same row order, first of
 * equals), from a stream of version parts. Fields regressions do not read are left empty.
 */
function bestVersionsOfPaths(store: Store, config: Config, audited: readonly ProfileConfig[], vendors: VendorNormaliser): Map<string, Candidate[]> {
  const names = new Set(audited.map((p) => p.name));
  const out = new Map<string, Candidate[]>();
  for (const path of config.upgradePaths) {
    if (!path.profiles.some((n) => names.has(n))) continue;
    for (const name of path.profiles) {
      const profile = config.profiles.get(name);
      if (profile && !out.has(name)) out.set(name, bestVersionsOf(store, config, profile, vendors));
    }
  }
  return out;
}

function bestVersionsOf(store: Store, config: Config, profile: ProfileConfig, vendors: VendorNormaliser): Candidate[] {
  const installable = archFilter(profile);
  const best = new Map<string, Candidate>();
  for (const repoId of profile.repos) {
    const repo = config.repos.get(repoId);
    if (!repo || !repo.enabled) continue;
    const repoVendor = vendors.canonical(repo.vendor);
    for (const [name, arch, epoch, version, release, evr] of store.currentVersionParts(repoId)) {
      if (!installable(arch)) continue;
      const held = best.get(name);
      if (held !== undefined && compareVersions(profile.format, { epoch, version, release }, held) <= 0) continue;
      best.set(name, {
        repoId, name, arch, epoch, version, release, evr, vendor: null, sourceName: null, url: null, summary: null, buildTime: null, firstSeen: 0,
        repoVendor, role: repo.role, format: repo.format,
      });
    }
  }
  return [...best.values()];
}

/** Winners as the store records them (one per name, the profile's preferred arch). */
/** The host's apt repos are who their last crawled Release says they are (release-vendors.ts). */
function withStoredVendors(store: Store, config: Config): Config {
  const releases = new Map([...store.releaseFacts()].map(([id, facts]) => [id, facts as AptReleaseFacts]));
  return { ...config, repos: applyReleaseVendors(config.repos, releases) };
}

export function winnerRows(winners: ReadonlyMap<string, Candidate>): Winner[] {
  return [...winners.values()]
    .map((c) => ({ name: c.name, repoId: c.repoId, vendor: c.repoVendor, evr: c.evr }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Whether the resolver decides each name on its own, so a subset of names can be re-resolved: apt
 * always; dnf unless includepkgs/excludepkgs patterns are read against the whole sack.
 */
export function resolvesPerName(profile: ProfileConfig, config: Config): boolean {
  if (profile.format !== 'rpm') return true;
  return !profile.repos.some((id) => {
    const repo = config.repos.get(id);
    return repo !== undefined && repo.enabled && repo.format === 'rpm' && (repo.excludepkgs.length > 0 || repo.includepkgs.length > 0);
  });
}

/** Everything besides the versions that decides a profile's winners: its config, its repos' config and Release facts. */
function winnerInputsFingerprint(profile: ProfileConfig, config: Config, releases: ReadonlyMap<string, AptReleaseFacts>): string {
  const { definedAt: _profileAt, ...profileFacts } = profile;
  const repos = profile.repos.map((id) => {
    const repo = config.repos.get(id);
    if (repo === undefined) return null;
    const { definedAt: _repoAt, ...facts } = repo;
    return { facts, release: releases.get(id) ?? null };
  });
  return createHash('sha256').update(JSON.stringify({ profile: profileFacts, repos, vendorEquivalences: config.vendorEquivalences })).digest('hex');
}

/**
 * After a crawl: record who wins each name in every profile with data, so ping-pong can be read
 * from the winner history later. Profiles none of whose repos has data are skipped.
 *
 * With `changedNames` (repo id → names whose versions changed in this crawl), a profile whose
 * config and Release facts are those its winners were last resolved from, and whose only snapshots
 * since then are this crawl's, re-resolves and re-records only the changed names; otherwise (first
 * crawl, config edited, an earlier crawl's winners never recorded) it resolves every name.
 */
export function recordWinners(store: Store, configured: Config, now: number, changedNames?: ReadonlyMap<string, readonly string[]>): number {
  // Winners carry the repo's vendor as the analysis sees it (Release-read for the host's apt repos).
  const config = withStoredVendors(store, configured);
  const profiles = [...config.profiles.values()].filter((p) => p.repos.some((id) => store.latestSnapshot(id) !== null));
  if (profiles.length === 0) return 0;
  const releases = new Map([...store.releaseFacts()].map(([id, facts]) => [id, facts as AptReleaseFacts]));
  const vendors = vendorNormaliser(config.vendorEquivalences);
  let changed = 0;
  for (const profile of profiles) {
    const fingerprint = winnerInputsFingerprint(profile, config, releases);
    const names = changedNames === undefined ? undefined : namesToReresolve(store, config, profile, fingerprint, changedNames);
    if (names !== undefined && names.length === 0) {
      store.setWinnerInputs(profile.name, fingerprint, now);
      continue;
    }
    const input: AnalysisInput = {
      repos: config.repos,
      profiles: [profile],
      upgradePaths: [],
      vendorEquivalences: config.vendorEquivalences,
      aliases: config.aliases,
      current: store.currentVersions(profile.repos, names),
      history: [],
      winnerHistory: [],
      repoEvents: [],
      releases,
      now,
    };
    const resolved = resolveProfile({ profile, repos: config.repos, candidates: candidatesFor(profile, input, vendors), releases });
    changed += store.recordWinners(profile.name, winnerRows(winnersFromResolutions(resolved, profile.arches)), now, names).changed;
    store.setWinnerInputs(profile.name, fingerprint, now);
  }
  return changed;
}

/** The names to re-resolve in `profile` after a crawl, or undefined when every name must be. */
function namesToReresolve(store: Store, config: Config, profile: ProfileConfig, fingerprint: string, changedNames: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const last = store.winnerInputs(profile.name);
  if (last === null || last.fingerprint !== fingerprint || !resolvesPerName(profile, config)) return undefined;
  const changedRepos = profile.repos.filter((id) => changedNames.has(id));
  // Any other snapshot since the last recording (a crawl whose winners were never recorded) means
  // changes this crawl does not know about.
  if (store.snapshotsFetchedAfter(profile.repos, last.recordedAt) !== changedRepos.length) return undefined;
  const names = new Set<string>();
  for (const id of changedRepos) for (const n of changedNames.get(id)!) names.add(n);
  return [...names].sort();
}
