/**
 * Who a repo is, for the store: what it fetches, not what a config file calls it. Two hosts (or two
 * roots, or Fedora 40 and 41) that both have an `[updates]` section, or whose repos.yaml
 * `$debian_mirror` expands differently, fetch different things, so they must not share one stored
 * history; two that fetch the same thing share it.
 *
 * - rpm: the expanded metalink, else the mirrorlist, else the baseurl list (the first one wins in
 *   dnf's order of preference too);
 * - deb: the URI, the suite, and the components and architectures crawled.
 *
 * The store keeps a short digest of that as the repo's id (storedRepoId); the run keeps the
 * config's own name for it (the repos.yaml id, the `[section]` id, the derived apt id) as the id
 * every analysis, report and message uses. run/run-store.ts translates between the two.
 */
import { createHash } from 'node:crypto';
import { withoutCredentials } from '../sanitize.js';
import type { Config, DebRepoConfig, RepoConfig, RpmRepoConfig, SourcePosition } from './types.js';

/**
 * The metalink dnf fetches a repo's mirrors from: `metalink=`, else a `mirrorlist=` URL containing
 * "metalink" (libdnf's yum-compatibility rule reads such a mirrorlist as a metalink).
 */
export function effectiveMetalink(repo: Pick<RpmRepoConfig, 'metalink' | 'mirrorlist'>): string | undefined {
  return repo.metalink ?? (repo.mirrorlist?.includes('metalink') ? repo.mirrorlist : undefined);
}

export function rpmLocationKey(repo: Pick<RpmRepoConfig, 'metalink' | 'mirrorlist' | 'baseurl'>): string {
  if (repo.metalink) return `rpm metalink ${repo.metalink}`;
  if (repo.mirrorlist) return `rpm mirrorlist ${repo.mirrorlist}`;
  return `rpm baseurl ${repo.baseurl.join(' ')}`;
}

export function debLocationKey(repo: Pick<DebRepoConfig, 'uri' | 'suite' | 'components' | 'architectures'>): string {
  const uri = repo.uri.endsWith('/') ? repo.uri : `${repo.uri}/`;
  return `deb ${uri} ${repo.suite} ${repo.components.join(',') || '-'} ${repo.architectures.join(',')}`;
}

export function locationKey(repo: RepoConfig): string {
  return repo.format === 'rpm' ? rpmLocationKey(repo) : debLocationKey(repo);
}

/**
 * The location as the store keeps it: without the user and password of any URL in it. The same
 * repository fetched with other credentials is the same repo, and a password never goes in the store.
 */
export function storedLocation(repo: RepoConfig): string {
  return withoutCredentials(locationKey(repo));
}

/**
 * The id a repo is stored under: the first 64 bits of the stored location's SHA-256, as 11
 * base64url characters. Fixed-length and short because it is in every version row, winner row and
 * index of the store (11 bytes, where the repos.yaml ids average 7.5 and a hex digest would be 16);
 * the location itself is kept once, in the repos table.
 */
export function storedRepoId(repo: RepoConfig): string {
  return createHash('sha256').update(storedLocation(repo)).digest().subarray(0, 8).toString('base64url');
}

/**
 * A host repo (yum section, apt source) as the run knows it: under its own name when no other repo
 * of the run has that name, else under `host:NAME` (a repos.yaml repo keeps its id); shown as NAME.
 */
export function hostRepoNamed<R extends RepoConfig>(repo: R, taken: (id: string) => boolean): R {
  const name = repo.label ?? repo.id;
  return { ...repo, id: taken(name) ? `host:${name}` : name, label: name };
}

/** The name to show for a repo id: its label when it has one. */
export function repoLabel(repos: ReadonlyMap<string, RepoConfig>, id: string): string {
  return repos.get(id)?.label ?? id;
}

/**
 * Two repos.yaml repos that fetch the same thing are one repo of the store: the first (in file
 * order) is kept, the later one is dropped from the run with a warning, and the profiles that list
 * it list the first instead. Returns the warnings and the dropped ids' replacements (for --repo).
 */
export function countSameLocationOnce(config: Config): { warnings: string[]; replaced: Map<string, string> } {
  const warnings: string[] = [];
  const replaced = new Map<string, string>();
  const first = new Map<string, RepoConfig>();
  for (const repo of [...config.repos.values()]) {
    const stored = storedRepoId(repo);
    const kept = first.get(stored);
    if (kept === undefined) {
      first.set(stored, repo);
      continue;
    }
    warnings.push(`${positionOf(repo.definedAt)}: repo ${repo.id} fetches the same as repo ${kept.id} (${storedLocation(repo)}); counted once, as ${kept.id}`);
    replaced.set(repo.id, kept.id);
    config.repos.delete(repo.id);
  }
  if (replaced.size === 0) return { warnings, replaced };
  for (const [name, profile] of config.profiles) {
    const repos = [...new Set(profile.repos.map((id) => replaced.get(id) ?? id))];
    config.profiles.set(name, { ...profile, repos });
  }
  return { warnings, replaced };
}

/** `file:line` of a setting, for warnings. */
export function positionOf(at: SourcePosition): string {
  return `${at.file}${at.line !== undefined ? `:${at.line}` : ''}`;
}
