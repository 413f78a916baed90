/**
 * From the store and the config to the analysis's plain inputs: current versions, history, winner
 * history, repo events and Release facts; per profile the resolver's verdicts and "who wins now".
 * Commands share this so audit, host, check and report see the same picture.
 */
import { candidatesFor, type AuditInput } from '../analysis/audit.js';
import { winnersFromResolutions } from '../analysis/by-name.js';
import { resolveProfile } from '../analysis/resolve.js';
import type { AptReleaseFacts, Candidate, InstalledPackage, Resolution } from '../analysis/types.js';
import type { Config, ProfileConfig } from '../config/types.js';
import { repoHealth, type RepoHealth } from '../store/health.js';
import type { Store } from '../store/index.js';
import type { Winner } from '../store/types.js';

export interface AnalysisData {
  input: AuditInput;
  resolutions: Map<string, Resolution[]>;
  health: RepoHealth[];
  /** True when some repo of the audited profiles has no data or failed its last check. */
  partial: boolean;
}

export function loadAnalysisData(
  store: Store,
  config: Config,
  profiles: readonly ProfileConfig[],
  now: number,
  options: { installed?: readonly InstalledPackage[]; withHistory?: boolean } = {},
): AnalysisData {
  const repoIds = [...config.repos.keys()];
  const releases = new Map([...store.releaseFacts()].map(([id, facts]) => [id, facts as AptReleaseFacts]));
  const input: AuditInput = {
    repos: config.repos,
    profiles: [...config.profiles.values()],
    upgradePaths: config.upgradePaths,
    vendorEquivalences: config.vendorEquivalences,
    aliases: config.aliases,
    current: store.currentVersions(repoIds),
    history: options.withHistory === false ? [] : store.versionHistory(repoIds),
    winnerHistory: store.winnerHistory(),
    repoEvents: store.repoEvents(),
    releases,
    now,
    winnersByProfile: new Map(),
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

/** Winners as the store records them (one per name, the profile's preferred arch). */
export function winnerRows(winners: ReadonlyMap<string, Candidate>): Winner[] {
  return [...winners.values()]
    .map((c) => ({ name: c.name, repoId: c.repoId, vendor: c.repoVendor, evr: c.evr }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * After a crawl: record who wins each name in every profile with data, so ping-pong can be read
 * from the winner history later. Profiles none of whose repos has data are skipped.
 */
export function recordWinners(store: Store, config: Config, now: number): number {
  const profiles = [...config.profiles.values()].filter((p) => p.repos.some((id) => store.latestSnapshot(id) !== null));
  if (profiles.length === 0) return 0;
  const data = loadAnalysisData(store, config, profiles, now, { withHistory: false });
  let changed = 0;
  for (const profile of profiles) {
    const result = store.recordWinners(profile.name, winnerRows(data.input.winnersByProfile.get(profile.name) ?? new Map()), now);
    changed += result.changed;
  }
  return changed;
}
