/**
 * A profile's installable versions as the resolvers and findings take them (Candidates), and the
 * arch rule that picks them: what the audit, the host audit and a crawl's winners share. Apart
 * from audit.ts so a crawl's winners load it without every finding module.
 */
import type { ProfileConfig } from '../config/types.js';
import type { AnalysisInput, Candidate } from './types.js';
import { canonicalPublisher, vendorNormaliser, type VendorNormaliser } from './vendors.js';

const NON_BINARY_ARCHES = new Set(['src', 'nosrc', 'source']);

/** Current versions indexed by repo, computed once per `current` array. */
const byRepoCache = new WeakMap<object, Map<string, AnalysisInput['current'][number][]>>();

export function currentByRepo(input: AnalysisInput): Map<string, AnalysisInput['current'][number][]> {
  let index = byRepoCache.get(input.current);
  if (!index) {
    index = new Map();
    for (const v of input.current) {
      const list = index.get(v.repoId);
      if (list) list.push(v);
      else index.set(v.repoId, [v]);
    }
    byRepoCache.set(input.current, index);
  }
  return index;
}

/** Which arches of a profile's repos are installable: its `arches`, or any binary arch when it lists none. */
/** archFilter's rule as data, for a store query: only the profile's arches (null: any), never the non-binary ones. */
export function archScope(profile: ProfileConfig): { arches: readonly string[] | null; excludedArches: readonly string[] } {
  return { arches: profile.arches.length ? profile.arches : null, excludedArches: [...NON_BINARY_ARCHES] };
}

export function archFilter(profile: ProfileConfig): (arch: string) => boolean {
  const arches = profile.arches.length ? new Set(profile.arches) : null;
  return (arch) => !NON_BINARY_ARCHES.has(arch) && (arches === null || arches.has(arch));
}

/**
 * The profile's installable versions as Candidates: current versions of its enabled repos, in a
 * compatible arch (the profile's `arches`; any binary arch when it lists none — source packages
 * never), with the repo's canonical vendor, role and format.
 */
export function candidatesFor(profile: ProfileConfig, input: AnalysisInput, vendors: VendorNormaliser = vendorNormaliser(input.vendorEquivalences)): Candidate[] {
  const index = currentByRepo(input);
  const installable = archFilter(profile);
  const out: Candidate[] = [];
  for (const repoId of profile.repos) {
    const repo = input.repos.get(repoId);
    if (!repo || !repo.enabled) continue;
    const repoVendor = vendors.canonical(repo.vendor);
    for (const v of index.get(repoId) ?? []) {
      if (!installable(v.arch)) continue;
      // An explicit literal, not a spread: one hidden class for every candidate, and several
      // times faster over half a million records.
      out.push({
        repoId: v.repoId,
        name: v.name,
        arch: v.arch,
        epoch: v.epoch,
        version: v.version,
        release: v.release,
        evr: v.evr,
        vendor: v.vendor,
        sourceName: v.sourceName,
        url: v.url,
        summary: v.summary,
        buildTime: v.buildTime,
        firstSeen: v.firstSeen,
        repoVendor,
        publisher: canonicalPublisher(vendors, repo.format, v.vendor, repo.vendor),
        role: repo.role,
        format: repo.format,
      });
    }
  }
  return out;
}
