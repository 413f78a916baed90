/**
 * From the store and the config to the analysis's plain inputs: current versions, history, winner
 * history, repo events and Release facts; per profile the resolver's verdicts and "who wins now".
 * The one store → analysis adapter: audit, report, check, upstream and host read through it, so
 * they see the same picture. Three slices of one shape: everything (loadAnalysisData), the names
 * findings can be about (loadAuditData), the installed names of one host (loadHostData).
 */
import type { AuditInput } from '../analysis/audit.js';
import { candidatesFor } from '../analysis/candidates.js';
import { winnersFromResolutions } from '../analysis/by-name.js';
import { observedRollbacks } from '../analysis/rollback.js';
import { resolveProfile } from '../analysis/resolve/resolve.js';
import { keepBackWithStoredRelations } from '../analysis/resolve/apt-upgrade.js';
import type { AnalysisInput, AptReleaseFacts, Candidate, InstalledPackage, Resolution } from '../analysis/types.js';
import { vendorKey, vendorNormaliser, winnerVendorOf, type VendorNormaliser } from '../analysis/vendors.js';
import type { Config, ProfileConfig, RepoConfig } from '../config/types.js';
import { repoHealth, type RepoHealth, type Store, type DnfRepoFacts, type StoredFeedRelease } from '../store/index.js';
import { mapPackage, type MappingOptions } from '../upstream/mapping.js';
import { configFacts, resolvesPerName, withStoredFacts } from './config-facts.js';
import { enabledRepos, regressionBestVersions } from './regression-input.js';
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

/**
 * Resolve each profile as its package manager would, from `candidatesOf(profile)`, and record who
 * wins now in input.winnersByProfile (clash and predicted ping-pong read it).
 */
function resolveProfiles(
  input: AuditInput,
  profiles: readonly ProfileConfig[],
  candidatesOf: (profile: ProfileConfig) => Candidate[],
  host: { installed?: readonly InstalledPackage[]; dnfFacts?: ReadonlyMap<string, DnfRepoFacts> } = {},
): Map<string, Resolution[]> {
  const resolutions = new Map<string, Resolution[]>();
  const winners = input.winnersByProfile as Map<string, Map<string, Candidate>>;
  for (const profile of profiles) {
    const resolved = resolveProfile({ profile, repos: input.repos, candidates: candidatesOf(profile), releases: input.releases, ...host });
    resolutions.set(profile.name, resolved);
    winners.set(profile.name, winnersFromResolutions(resolved, profile.arches));
  }
  return resolutions;
}

/** These repos' health; partial when one has no data or failed its last check. */
export function healthOf(store: Store, repoIds: readonly string[]): Pick<AnalysisData, 'health' | 'partial'> {
  const health = repoHealth(store, [...new Set(repoIds)]);
  return { health, partial: health.some((h) => h.missing || h.lastFailure !== null) };
}

export function loadAnalysisData(
  store: Store,
  configured: Config,
  profiles: readonly ProfileConfig[],
  now: number,
  options: { withHistory?: boolean; withUpstreamFeeds?: boolean; includePrereleases?: boolean } = {},
): AnalysisData {
  const { config, releases } = withStoredFacts(store, configured);
  const repoIds = [...config.repos.keys()];
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
  const resolutions = resolveProfiles(input, profiles, (profile) => candidatesFor(profile, input));
  return { input, resolutions, ...healthOf(store, profiles.flatMap((p) => p.repos)) };
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
 * The names an observed ping-pong can be about: a winner that changed hands, whose holders are two
 * vendors or more as the audit tells them apart (winnerVendorOf, as runAudit: the canonical
 * publisher of the holder's repo and recorded vendor). A vendor can only come back (A→B→A) where there are two;
 * a name moving between repos of one vendor (a release and its updates repo) never ping-pongs.
 */
function namesWinnersMayPingPong(store: Store, config: Config, profiles: readonly ProfileConfig[], vendors: VendorNormaliser): string[] {
  const vendorOf = winnerVendorOf(vendors, config.repos);
  const holders = new Map<string, { name: string; vendors: Set<string> }>();
  for (const h of store.winnerHolders(profiles.map((p) => p.name), PINGPONG_MIN_INTERVALS)) {
    const key = `${h.profile}\u0000${h.name}`;
    let entry = holders.get(key);
    if (!entry) holders.set(key, (entry = { name: h.name, vendors: new Set() }));
    entry.vendors.add(vendorOf(h.repoId, h.vendor));
  }
  return [...holders.values()].filter((e) => e.vendors.size > 1).map((e) => e.name);
}

/**
 * The audit's (and the weekly report's) slice of the store, which gives the same findings as
 * loadAnalysisData() without reading every version of every repo into objects. The store selects
 * the names each kind can be about — shipped by several vendors in a profile (clash, predicted
 * ping-pong), a winner held by two vendors that changed twice (observed ping-pong), shipped upstream
 * or aliased to an upstream name (lag) — and only those names' versions and history are read,
 * complete in every configured repo; winner history only for the observed ping-pong names.
 * Rollbacks are judged here, on light rows of the names whose best version may have gone back in a
 * repo (input.observedRollbacks): a name that only went back is not read again. Upgrade-path regressions read
 * each profile's best versions of the names whose best goes back or vanishes (regression-input.ts).
 * Winners are resolved for the selected names only: apt decides per name, and so does dnf unless
 * includepkgs/excludepkgs patterns are read against the whole sack (then that profile reads it all).
 */
export function loadAuditData(store: Store, configured: Config, profiles: readonly ProfileConfig[], now: number, options: { includePrereleases?: boolean } = {}): AnalysisData {
  const { config, releases } = withStoredFacts(store, configured);
  const vendors = vendorNormaliser(config.vendorEquivalences);
  const wanted = new Set<string>();
  const add = (names: Iterable<string>) => {
    for (const n of names) wanted.add(n);
  };
  // rpm versions count by their header Vendor (publisherOf), merged as vendor-equivalences say.
  const headerKeyOf: Record<string, string> = {};
  for (const spelling of config.vendorEquivalences.flat()) headerKeyOf[spelling.trim().toLowerCase()] = vendorKey(vendors.canonical(spelling));
  for (const p of profiles) {
    const vendorOfRepo: Record<string, string> = {};
    const enabled = enabledRepos(config, p);
    for (const id of enabled) vendorOfRepo[id] = vendorKey(vendors.canonical(config.repos.get(id)!.vendor));
    const rpmRepos = enabled.filter((id) => config.repos.get(id)!.format === 'rpm');
    add(store.namesWithSeveralVendors(vendorOfRepo, { repoIds: rpmRepos, keyOf: headerKeyOf }));
  }
  // A version that left a repo is common (every update); a best version that went back is not.
  // The store screens (repo, name) pairs by sort key (a version gone while a lower one stayed or
  // came later; where a repo's stored format is not its configured one, any version gone), and
  // those pairs' histories are judged on light rows. The rollback findings need nothing else, and a
  // name that went back is one of the other kinds' names only when their own screens select it
  // (after week 52 of the history bench: 1,138 names went back, 848 selected by no other kind).
  const auditedRepos = [...new Set(profiles.flatMap((p) => p.repos))];
  const formatOf = (id: string) => config.repos.get(id)?.format;
  const storedFormat = new Map(store.repos().map((r) => [r.id, r.format]));
  const keyed = auditedRepos.filter((id) => storedFormat.get(id) === formatOf(id));
  const unkeyed = auditedRepos.filter((id) => !keyed.includes(id));
  const rollbacks = observedRollbacks(store.rollbackCandidates(keyed, unkeyed), formatOf);
  // Winner history serves only observed ping-pong: read it for these names alone.
  const mayPingPong = [...new Set(namesWinnersMayPingPong(store, config, profiles, vendors))].sort();
  add(mayPingPong);
  const upstreamNames = new Set(store.namesIn([...config.repos.values()].filter((r) => r.role === 'upstream').map((r) => r.id)));
  add(upstreamNames);
  for (const [distroName, aliases] of config.aliases) if (aliases.some((a) => upstreamNames.has(a))) wanted.add(distroName);
  // Lag against release feeds: the distro names whose mapping names a stored feed (its own query).
  const feeds = feedLagInput(store, config, profiles);
  add(feeds.names);

  const repoIds = [...config.repos.keys()];
  const names = [...wanted].sort();
  const input: AuditInput = {
    ...configFacts(config),
    current: names.length > 0 ? store.currentVersions(repoIds, names) : [],
    history: names.length > 0 ? store.versionHistory(repoIds, names) : [],
    winnerHistory: mayPingPong.length > 0 ? store.winnerHistory(undefined, mayPingPong) : [],
    repoEvents: store.repoEvents(),
    releases,
    now,
    winnersByProfile: new Map(),
    bestVersions: regressionBestVersions(store, config, profiles, vendors),
    observedRollbacks: rollbacks,
    upstreamFeeds: feeds.releases,
    upstreamMapping: feeds.mapping,
    ...(options.includePrereleases ? { includePrereleases: true } : {}),
  };
  const resolutions = resolveProfiles(input, profiles, (profile) => {
    const sackInput = !resolvesPerName(profile, config) ? { ...input, current: store.currentVersions(profile.repos) } : input;
    return candidatesFor(profile, sackInput, vendors);
  });
  return { input, resolutions, ...healthOf(store, profiles.flatMap((p) => p.repos)) };
}

export interface HostData {
  input: AuditInput;
  /** The config's repos with Release-read vendors applied (see release-vendors.ts). */
  repos: Map<string, RepoConfig>;
  resolutions: Resolution[];
  health: RepoHealth[];
  /** rpm profiles: the repos' obsoletes, provides and modules (what re-resolving a fix needs too). */
  dnfFacts: ReadonlyMap<string, DnfRepoFacts>;
  /** What the report should say about how complete the prediction is (e.g. relations not stored yet). */
  notes: string[];
}

/**
 * The host audit's slice of the store: only the installed names matter, so their version
 * histories are read by name (one indexed query, which also yields the current versions) instead
 * of every version of every repo — the difference between ~0.2 s and ~0.8 s on a Debian-sized
 * profile. dnf profiles still read every current version: excludepkgs patterns are interpreted
 * against the whole sack (a pattern is a name glob only if some package has such a name).
 */
export function loadHostData(store: Store, configured: Config, profile: ProfileConfig, installed: readonly InstalledPackage[], now: number): HostData {
  const { config, releases } = withStoredFacts(store, configured);
  const repoIds = profile.repos.filter((id) => config.repos.has(id));
  const names = [...new Set(installed.map((p) => p.name))];
  const history = names.length > 0 ? store.versionHistory(repoIds, names) : [];
  // Open intervals are the current versions; findings are only wanted for installed names.
  const current = history.filter((iv) => iv.lastSeen === null);
  const sack = profile.format === 'rpm' ? store.currentVersions(repoIds) : current;
  const input: AuditInput = {
    ...configFacts(config),
    profiles: [profile],
    upgradePaths: [],
    current,
    history,
    winnerHistory: names.length > 0 ? store.winnerHistory(profile.name, names) : [],
    repoEvents: store.repoEvents(),
    releases,
    now,
    winnersByProfile: new Map(),
  };
  const dnfFacts = profile.format === 'rpm' ? store.dnfFacts(repoIds) : new Map<string, DnfRepoFacts>();
  const candidates = candidatesFor(profile, sack === current ? input : { ...input, current: sack });
  const resolved = resolveProfiles(input, [profile], () => candidates, { installed, dnfFacts }).get(profile.name)!;
  // apt-get upgrade keeps back what would need a package installed or removed (host audits only).
  // On the host itself, apt also holds back the phased updates this machine is not in the phase of.
  const phasing = profile.aptPhasing ? { host: profile.aptPhasing, archiveOf: (repoId: string) => releases.get(repoId)?.archive ?? null } : undefined;
  const { resolutions, notes } = profile.format === 'deb' ? keepBackWithStoredRelations(resolved, store.debRelations(repoIds, names), phasing) : { resolutions: resolved, notes: [] };
  return { input, repos: config.repos, resolutions, health: repoHealth(store, repoIds), dnfFacts, notes };
}
