/**
 * Who wins each name, recorded after every crawl: ping-pong is read from this history. Resolved
 * from the same store → analysis input as the findings (analysis-input.ts).
 */
import { createHash } from 'node:crypto';
import { archScope, candidatesFor } from '../analysis/candidates.js';
import { winnersFromResolutions } from '../analysis/by-name.js';
import { aptSoleVersionRule } from '../analysis/resolve/apt.js';
import { resolveWinners } from '../analysis/resolve/resolve.js';
import type { AnalysisInput, AptReleaseFacts, Candidate } from '../analysis/types.js';
import { canonicalPublisher, vendorNormaliser, type VendorNormaliser } from '../analysis/vendors.js';
import { aptExpressionMatches } from '../analysis/globs.js';
import type { AptPin } from '../config/apt-preferences.js';
import type { Config, ProfileConfig } from '../config/types.js';
import type { SoleVersionWinners, Store, StoredVersion, Winner } from '../store/index.js';
import { configFacts, resolvesPerName, withStoredFacts } from './config-facts.js';

/** Winners as the store records them (one per name, the profile's preferred arch). */
export function winnerRows(winners: ReadonlyMap<string, Candidate>): Winner[] {
  return [...winners.values()]
    .map((c) => ({ name: c.name, repoId: c.repoId, vendor: c.publisher, evr: c.evr }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Everything besides the versions that decides a profile's winners: its config, its repos' config and Release facts. */
function winnerInputs(profile: ProfileConfig, config: Config, releases: ReadonlyMap<string, AptReleaseFacts>) {
  // Phasing holds an upgrade back on one machine; it never changes apt's candidate (apt-cache
  // policy shows the phased version as the candidate), so it is no input of who wins.
  const { definedAt: _profileAt, aptPhasing: _phasing, ...profileFacts } = profile;
  const repos = profile.repos.map((id) => {
    const repo = config.repos.get(id);
    if (repo === undefined) return null;
    // Logins, TLS trust and proxies decide nothing about winners, and a fingerprint is no place for a password.
    const { definedAt: _repoAt, access: _access, proxy: _proxy, ...facts } = repo;
    return { facts, release: releases.get(id) ?? null };
  });
  return { profile: profileFacts, repos, vendorEquivalences: config.vendorEquivalences };
}

/** The stored fingerprint of a profile's winner inputs (its name included). */
function winnerInputsFingerprint(inputs: ReturnType<typeof winnerInputs>): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/**
 * What a full resolution of a profile depends on, its name aside: two profiles with one key (a
 * host's `system` and the repos.yaml profile of the release it runs) have the same winners, so the
 * second gets the first's copied (store.copyWinners) instead of resolving again (~150 ms at a
 * Debian suite's 60,000 names) and recording each row from JavaScript (~130 ms more).
 */
function resolutionKey(inputs: ReturnType<typeof winnerInputs>, releases: ReadonlyMap<string, AptReleaseFacts>): string {
  const { name: _name, ...unnamed } = inputs.profile;
  return JSON.stringify({ ...inputs, profile: { ...unnamed, aptPreferences: effectivePins(unnamed, releases) } });
}

/**
 * The profile's apt pins less those that can match none of its repos: apt matches `Pin: origin
 * HOST` against the site an index came from only, so with no installed package (winners are
 * resolved with none) such a pin gives no version a priority, whatever its package list. The host's
 * `system` profile carries the host's pins for third-party archives its release's profile does not
 * list. Kept whole while a repo's Release facts (its host) are unknown.
 */
function effectivePins(profile: Pick<ProfileConfig, 'repos' | 'aptPreferences'>, releases: ReadonlyMap<string, AptReleaseFacts>): AptPin[] {
  const hosts = profile.repos.map((id) => releases.get(id)?.host);
  if (!hosts.every((host): host is string => host !== undefined)) return profile.aptPreferences;
  return profile.aptPreferences.filter(({ pin: target }) => target.kind !== 'origin' || hosts.some((host) => aptExpressionMatches(target.host, host)));
}

/**
 * After a crawl: record who wins each name in every profile with data, so ping-pong can be read
 * from the winner history later. Profiles none of whose repos has data are skipped.
 *
 * With `changedNames` (repo id → names whose versions changed in this crawl), a profile whose
 * config and Release facts are those its winners were last resolved from, and whose only snapshots
 * since then are this crawl's, re-resolves and re-records only the changed names; otherwise (first
 * crawl, config edited, an earlier crawl's winners never recorded) it resolves every name. A deb
 * profile resolving every name leaves those its repos ship one version of to the store
 * (soleVersionWinners): in a Debian suite that is ~95% of them, and a cold crawl of bookworm with
 * -updates and -security then reads back and resolves ~2,800 names instead of ~63,700.
 */
export function recordWinners(store: Store, configured: Config, now: number, changedNames?: ReadonlyMap<string, readonly string[]>): number {
  // Winners carry the publisher as the analysis sees it (rpm: the header's Vendor; deb: the Release-read repo vendor).
  const { config, releases } = withStoredFacts(store, configured);
  const profiles = [...config.profiles.values()].filter((p) => p.repos.some((id) => store.latestSnapshot(id) !== null));
  if (profiles.length === 0) return 0;
  const vendors = vendorNormaliser(config.vendorEquivalences);
  const plans = profiles.map((profile) => {
    const inputs = winnerInputs(profile, config, releases);
    const fingerprint = winnerInputsFingerprint(inputs);
    const names = changedNames === undefined ? undefined : namesToReresolve(store, config, profile, fingerprint, changedNames);
    const sole = names === undefined ? soleVersionWinners(profile, config, releases, vendors) : null;
    return { profile, fingerprint, names, sole, key: names === undefined ? resolutionKey(inputs, releases) : null };
  });
  // Profiles resolved in full (a first crawl) without the store's help read their repos' current
  // versions once between them: profiles share repos (a host's `system` and the release it runs),
  // and each read is a few hundred ms at a Debian suite's 60,000 versions.
  const fullRepos = [...new Set(plans.filter((p) => p.names === undefined && p.sole === null).flatMap((p) => p.profile.repos))];
  let everyCurrent: StoredVersion[] | null = null;
  // Resolution key → the profile first resolved with it (its winners are now recorded).
  const fullyResolved = new Map<string, string>();
  let changed = 0;
  for (const { profile, fingerprint, names, sole, key } of plans) {
    if (names !== undefined && names.length === 0) {
      store.setWinnerInputs(profile.name, fingerprint, now);
      continue;
    }
    const alike = key === null ? undefined : fullyResolved.get(key);
    if (alike !== undefined) {
      changed += store.copyWinners(alike, profile.name, now).changed;
      store.setWinnerInputs(profile.name, fingerprint, now);
      continue;
    }
    const resolve = (current: StoredVersion[]): Winner[] => {
      const input: AnalysisInput = { ...configFacts(config), profiles: [profile], upgradePaths: [], current, history: [], winnerHistory: [], repoEvents: [], releases, now };
      const resolved = resolveWinners({ profile, repos: config.repos, candidates: candidatesFor(profile, input, vendors), releases });
      return winnerRows(winnersFromResolutions(resolved, profile.arches));
    };
    if (sole !== null) {
      // Most names of a Debian profile have one version in it: the store records those itself;
      // only the others are read back and resolved.
      const contested = store.contestedNames(sole.scope);
      const rows = contested.length === 0 ? [] : resolve(store.currentVersions(sole.scope.repoIds, contested));
      changed += store.recordSoleVersionWinners(profile.name, sole, rows, now).changed;
    } else {
      const rows = resolve(names === undefined ? (everyCurrent ??= store.currentVersions(fullRepos)) : store.currentVersions(profile.repos, names));
      changed += store.recordWinners(profile.name, rows, now, names).changed;
    }
    if (key !== null) fullyResolved.set(key, profile.name);
    store.setWinnerInputs(profile.name, fingerprint, now);
  }
  return changed;
}

/**
 * A deb profile's rule for the names its repos ship one version of (aptSoleVersionRule), as the
 * store applies it: the (repo, arch) pairs whose version wins, with the vendor a winner of that
 * repo is recorded with (candidatesFor's publisher). Null when apt's rule needs every name decided.
 */
function soleVersionWinners(profile: ProfileConfig, config: Config, releases: ReadonlyMap<string, AptReleaseFacts>, vendors: VendorNormaliser): SoleVersionWinners | null {
  if (profile.format !== 'deb') return null;
  const rule = aptSoleVersionRule({ profile, repos: config.repos, releases });
  if (rule === null) return null;
  const holders = rule.repoIds.flatMap((repoId) => {
    const repo = config.repos.get(repoId)!;
    const vendor = canonicalPublisher(vendors, repo.format, null, repo.vendor);
    return rule.arches.filter((arch) => rule.wins(repoId, arch)).map((arch) => ({ repoId, arch, vendor }));
  });
  return { scope: { repoIds: rule.repoIds, ...archScope(profile) }, holders };
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
