/**
 * Who a host's repo is, for the store: what it fetches, not what a config file calls it. Two hosts
 * (or two roots, or Fedora 40 and 41) that both have an `[updates]` section fetch different things,
 * so they must not share one stored history; two hosts that fetch the same thing share it.
 *
 * - rpm: the expanded metalink, else the mirrorlist, else the baseurl list (the first one wins in
 *   dnf's order of preference too);
 * - deb: the URI, the suite, and the components and architectures crawled.
 *
 * The config's own name (the `[section]` id, the derived apt id) stays beside it as the label that
 * reports, fixes and messages show.
 */
import type { DebRepoConfig, RepoConfig, RpmRepoConfig } from './types.js';

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

/** The host repo as the store knows it: id = its location, label = the config's name. */
export function identifiedByLocation<R extends RepoConfig>(repo: R): R {
  return { ...repo, id: locationKey(repo), label: repo.label ?? repo.id };
}

/** The name to show for a repo id: its label when it has one. */
export function repoLabel(repos: ReadonlyMap<string, RepoConfig>, id: string): string {
  return repos.get(id)?.label ?? id;
}
