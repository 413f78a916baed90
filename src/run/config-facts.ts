/**
 * What every store → analysis slice and a crawl's winners start from: the config's facts as the
 * analysis input takes them, the config with the host's apt repos named by their stored Release
 * facts, and whether a profile's resolver decides each name on its own. Apart from
 * analysis-input.ts so a crawl's winners load them without the audit's loaders.
 */
import type { AnalysisInput, AptReleaseFacts } from '../analysis/types.js';
import { applyReleaseVendors } from '../config/release-vendors.js';
import type { Config, ProfileConfig } from '../config/types.js';
import type { Store } from '../store/index.js';

/** The analysis input's fields that come from the configuration. */
export function configFacts(config: Config): Pick<AnalysisInput, 'repos' | 'profiles' | 'upgradePaths' | 'vendorEquivalences' | 'aliases'> {
  return { repos: config.repos, profiles: [...config.profiles.values()], upgradePaths: config.upgradePaths, vendorEquivalences: config.vendorEquivalences, aliases: config.aliases };
}

/**
 * The stored apt Release facts, and the config with the host's apt repos being who their last
 * crawled Release says they are (release-vendors.ts): what every slice and the winners start from.
 */
export function withStoredFacts(store: Store, configured: Config): { config: Config; releases: Map<string, AptReleaseFacts> } {
  const releases = store.releaseFacts();
  return { config: { ...configured, repos: applyReleaseVendors(configured.repos, releases) }, releases };
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
