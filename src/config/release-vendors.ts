/**
 * apt repos whose vendor is read from the metadata (the host's own sources): their vendor is the
 * Origin of the Release last crawled — what apt's `o=` pins, `apt-cache policy` and
 * apt-forktracer call the publisher — with the Label as a fallback and the URI's host when the
 * Release names neither. A repo whose Origin is the host's distro (os-release ID, compared without
 * case) is the distro's own. Pure: the stored Release facts in, the repos as the analysis sees them out.
 * Also the URI host apt's `Pin: origin` matches, which the crawler stores with those facts.
 */
import type { DebRepoConfig, RepoConfig } from './types.js';

/** What a Release says about who publishes it: the two fields of the stored Release facts this reads. */
export interface ReleaseNames {
  origin: string | null;
  label: string | null;
}

/** Who publishes a repo according to its Release, or null when it names nobody. */
export function releaseVendor(facts: ReleaseNames): string | null {
  const named = (v: string | null) => (v !== null && v.trim() !== '' ? v.trim() : null);
  return named(facts.origin) ?? named(facts.label);
}

/** The repo with vendor and role from its Release facts (unchanged when it has none yet). */
export function withReleaseVendor(repo: DebRepoConfig, facts: ReleaseNames | undefined): DebRepoConfig {
  if (!repo.vendorFromRelease || !facts) return repo;
  const vendor = releaseVendor(facts);
  if (vendor === null) return repo;
  const distroId = repo.vendorFromRelease.distroId;
  const role = distroId !== null && vendor.toLowerCase() === distroId.toLowerCase() ? 'distro' : 'third-party';
  return { ...repo, vendor, role };
}

/** Every repo of a config, with Release-read vendors applied. */
export function applyReleaseVendors(repos: ReadonlyMap<string, RepoConfig>, releases: ReadonlyMap<string, ReleaseNames>): Map<string, RepoConfig> {
  const out = new Map<string, RepoConfig>();
  for (const [id, repo] of repos) out.set(id, repo.format === 'deb' ? withReleaseVendor(repo, releases.get(id)) : repo);
  return out;
}

/** The host apt's `Pin: origin` matches for a source URI: its host name; "" for a file: repo (or a URI that does not parse). */
export function aptOriginHost(uri: string): string {
  try {
    const u = new URL(uri);
    return u.protocol === 'file:' ? '' : u.hostname;
  } catch {
    return '';
  }
}
