/**
 * Who dnf 4 (libdnf + libsolv) picks, as a pure function of the profile's repos and their current
 * versions, and what `dnf upgrade` / `dnf distro-sync` would do to installed packages.
 *
 * The model, checked against real dnf 4.14 / libsolv 0.7 (test/analysis/resolve-dnf-real.test.ts):
 * 1. excludepkgs / includepkgs of each repo drop packages (globs.ts: dnf's subject matching).
 * 2. Among the candidates of the job, only those from the repos with the best (lowest) priority
 *    count (libsolv prune_to_highest_prio; the installed package is exempt). The candidates are
 *    the job's: for `dnf install` every version of the name, for `dnf upgrade` only the versions
 *    newer than the installed one — a priority-10 repo that has only older versions does not stop
 *    a newer one from a priority-99 repo (observed with dnf 4.14).
 * 3. Arch: the most preferred real arch present is kept together with noarch (prune_to_best_arch);
 *    then the highest EVR wins (prune_to_best_version). noarch ↔ arch changes are always legal.
 * 4. The same EVR in several repos: lower cost, then the repo listed first.
 * 5. `dnf upgrade` never downgrades. With allow_vendor_change=False an installed package only
 *    upgrades to packages whose header Vendor is byte-identical to its own (libsolv's
 *    policy_illegal_vendorchange; libdnf defines no vendor classes). The vendor filter comes
 *    before the priority pruning. dnf 4.14 prints that the option is "not supported for
 *    distro-sync", but libsolv applies it to distro-sync as well (observed).
 * 6. `dnf distro-sync` moves to the resolved best, down if need be; a package no repo carries stays.
 */
import type { ProfileConfig, RpmRepoConfig } from '../config/types.js';
import { compareEvr } from '../formats/rpm/version.js';
import { dnfSubjectQuery, type NevraFields } from './globs.js';
import type { Action, Candidate, InstalledPackage, ResolveInput, Resolution } from './types.js';

interface RpmEntry {
  candidate: Candidate;
  repo: RpmRepoConfig;
  /** Position of the repo in the profile (dnf's last tie-breaker). */
  order: number;
  excluded?: string;
}

/** dnf's EVR spelling for messages: epoch only when non-zero. */
function evrText(v: NevraFields): string {
  return `${v.epoch !== 0 ? `${v.epoch}:` : ''}${v.version}${v.release === '' ? '' : `-${v.release}`}`;
}

function rpmReposOf(input: ResolveInput): Map<string, { repo: RpmRepoConfig; order: number }> {
  const out = new Map<string, { repo: RpmRepoConfig; order: number }>();
  input.profile.repos.forEach((id, order) => {
    const repo = input.repos.get(id);
    if (repo?.format === 'rpm' && repo.enabled && !out.has(id)) out.set(id, { repo, order });
  });
  return out;
}

/** Arches the profile can install; an empty list means "any but source". */
function archAllowed(profile: ProfileConfig, arch: string): boolean {
  if (arch === 'src' || arch === 'nosrc') return false;
  return profile.arches.length === 0 || profile.arches.includes(arch);
}

/** Mark what excludepkgs / includepkgs take away, as libdnf's _setup_excludes_includes does. */
function applyExcludes(entries: RpmEntry[], installed: readonly InstalledPackage[]): void {
  // Subjects are read against the whole sack: every enabled repo and the installed packages.
  const sack: NevraFields[] = [...entries.map((e) => e.candidate), ...installed];
  const byRepo = new Map<string, RpmEntry[]>();
  for (const e of entries) {
    const list = byRepo.get(e.repo.id);
    if (list) list.push(e);
    else byRepo.set(e.repo.id, [e]);
  }
  for (const repoEntries of byRepo.values()) {
    const repo = repoEntries[0]!.repo;
    if (repo.includepkgs.length > 0) {
      const included = new Set<NevraFields>();
      for (const pattern of new Set(repo.includepkgs)) for (const hit of dnfSubjectQuery(pattern, sack)) included.add(hit);
      for (const e of repoEntries) if (!included.has(e.candidate)) e.excluded = `not in includepkgs of repo ${repo.id}`;
    }
    for (const pattern of new Set(repo.excludepkgs)) {
      const hits = new Set<NevraFields>(dnfSubjectQuery(pattern, sack));
      for (const e of repoEntries) if (hits.has(e.candidate) && e.excluded === undefined) e.excluded = `excludepkgs=${pattern} of repo ${repo.id}`;
    }
  }
}

/** Best first: priority, EVR (higher first), cost, repo order, the profile's arch preference. */
function rankEntries(entries: RpmEntry[], profile: ProfileConfig): RpmEntry[] {
  const archRank = (arch: string): number => {
    const i = profile.arches.indexOf(arch);
    return i === -1 ? profile.arches.length : i;
  };
  return [...entries].sort(
    (a, b) =>
      Number(a.excluded !== undefined) - Number(b.excluded !== undefined) ||
      a.repo.priority - b.repo.priority ||
      compareEvr(b.candidate, a.candidate) ||
      a.repo.cost - b.repo.cost ||
      a.order - b.order ||
      archRank(a.candidate.arch) - archRank(b.candidate.arch),
  );
}

/** libsolv prune_to_best_arch: keep the most preferred real arch present, plus noarch. */
function pruneToBestArch(entries: RpmEntry[], profile: ProfileConfig): RpmEntry[] {
  const real = entries.filter((e) => e.candidate.arch !== 'noarch');
  if (real.length === 0) return entries;
  const rank = (arch: string): number => {
    const i = profile.arches.indexOf(arch);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  const best = real.reduce((a, b) => (rank(b.candidate.arch) < rank(a.candidate.arch) ? b : a)).candidate.arch;
  return entries.filter((e) => e.candidate.arch === 'noarch' || e.candidate.arch === best);
}

/** The pick among usable entries: best priority, best arch, highest EVR, then cost and repo order. */
function pick(usable: RpmEntry[], profile: ProfileConfig): { entry: RpmEntry; contenders: RpmEntry[] } | null {
  if (usable.length === 0) return null;
  const bestPriority = Math.min(...usable.map((e) => e.repo.priority));
  const contenders = pruneToBestArch(
    usable.filter((e) => e.repo.priority === bestPriority),
    profile,
  );
  const entry = rankEntries(contenders, profile)[0]!;
  return { entry, contenders };
}

function reasonFor(chosen: RpmEntry, usable: RpmEntry[], contenders: RpmEntry[]): string {
  const lowerPriority = usable.filter((e) => e.repo.priority > chosen.repo.priority);
  const higherElsewhere = lowerPriority.find((e) => compareEvr(e.candidate, chosen.candidate) > 0);
  if (higherElsewhere) {
    return `priority ${chosen.repo.priority} of repo ${chosen.repo.id} beats ${higherElsewhere.repo.priority} of repo ${higherElsewhere.repo.id} (which has the higher ${evrText(higherElsewhere.candidate)})`;
  }
  const sameEvr = contenders.filter((e) => e !== chosen && compareEvr(e.candidate, chosen.candidate) === 0 && e.repo.id !== chosen.repo.id);
  if (sameEvr.length > 0) {
    const other = sameEvr[0]!;
    if (other.repo.cost !== chosen.repo.cost) return `same EVR in repo ${other.repo.id}: cost ${chosen.repo.cost} of repo ${chosen.repo.id} beats ${other.repo.cost}`;
    return `same EVR and cost in repo ${other.repo.id}: repo ${chosen.repo.id} comes first in the profile`;
  }
  if (contenders.length > 1) return `highest EVR ${evrText(chosen.candidate)}`;
  const outranked = lowerPriority[0];
  if (outranked) return `priority ${chosen.repo.priority} of repo ${chosen.repo.id} beats ${outranked.repo.priority} of repo ${outranked.repo.id}`;
  return `only candidate (repo ${chosen.repo.id})`;
}

function vendorOf(v: { vendor: string | null }): string {
  return v.vendor ?? '';
}

/** libsolv policy_illegal_archchange: same arch, or either side noarch. */
function archChangeLegal(from: string, to: string): boolean {
  return from === to || from === 'noarch' || to === 'noarch';
}

/** Stranded: no repo carries the name for this arch; blocked: only excluded packages do. */
function unreachable(installed: InstalledPackage, all: RpmEntry[]): { action: Action; why: string } {
  const carried = all.filter((e) => archChangeLegal(installed.arch, e.candidate.arch));
  return carried.length === 0
    ? { action: 'stranded', why: 'no enabled repo carries it' }
    : { action: 'blocked', why: `every version is excluded (${carried[0]!.excluded})` };
}

function upgradeOf(installed: InstalledPackage, all: RpmEntry[], profile: ProfileConfig, vendorLocked: boolean): { action: Action; to: RpmEntry | null; why: string } {
  let pool = all.filter((e) => e.excluded === undefined && archChangeLegal(installed.arch, e.candidate.arch));
  if (pool.length === 0) return { ...unreachable(installed, all), to: null };
  if (vendorLocked) {
    pool = pool.filter((e) => vendorOf(e.candidate) === vendorOf(installed));
    if (pool.length === 0) return { action: 'none', to: null, why: `no repo carries it from vendor ${JSON.stringify(vendorOf(installed))}` };
  }
  // The upgrade job's candidates are the newer versions only; priority prunes among those.
  const newer = pool.filter((e) => compareEvr(e.candidate, installed) > 0);
  const best = pick(newer, profile);
  if (best === null) {
    const offer = pick(pool, profile);
    return { action: 'none', to: null, why: offer ? `best offer ${evrText(offer.entry.candidate)} from repo ${offer.entry.repo.id} is not newer` : 'nothing newer' };
  }
  const changes = vendorOf(best.entry.candidate) !== vendorOf(installed);
  return { action: changes ? 'vendor-change' : 'upgrade', to: best.entry, why: `to ${evrText(best.entry.candidate)} from repo ${best.entry.repo.id}` };
}

function syncOf(installed: InstalledPackage, all: RpmEntry[], profile: ProfileConfig, vendorLocked: boolean): { action: Action; to: RpmEntry | null } {
  let pool = all.filter((e) => e.excluded === undefined && archChangeLegal(installed.arch, e.candidate.arch));
  if (pool.length === 0) return { action: unreachable(installed, all).action, to: null };
  if (vendorLocked) pool = pool.filter((e) => vendorOf(e.candidate) === vendorOf(installed));
  const best = pick(pool, profile);
  if (best === null) return { action: 'none', to: null };
  const order = compareEvr(best.entry.candidate, installed);
  if (order === 0) return { action: 'none', to: null };
  if (order < 0) return { action: 'downgrade', to: best.entry };
  return { action: vendorOf(best.entry.candidate) !== vendorOf(installed) ? 'vendor-change' : 'upgrade', to: best.entry };
}

function toRanked(entries: RpmEntry[]): Resolution['ranked'] {
  return entries.map((e) => ({ candidate: e.candidate, priority: e.repo.priority, ...(e.excluded !== undefined ? { excluded: e.excluded } : {}) }));
}

/**
 * One Resolution per name the profile's repos carry (arch: the winner's), plus one per installed
 * package (its own name and arch) with what `dnf upgrade` and `dnf distro-sync` would do.
 */
export function resolveDnf(input: ResolveInput): Resolution[] {
  const { profile } = input;
  const installed = input.installed ?? [];
  const repos = rpmReposOf(input);
  const entries: RpmEntry[] = [];
  for (const candidate of input.candidates) {
    const r = repos.get(candidate.repoId);
    if (r && archAllowed(profile, candidate.arch)) entries.push({ candidate, repo: r.repo, order: r.order });
  }
  applyExcludes(entries, installed);

  const byName = new Map<string, RpmEntry[]>();
  for (const e of entries) {
    const list = byName.get(e.candidate.name);
    if (list) list.push(e);
    else byName.set(e.candidate.name, [e]);
  }
  const installedByName = new Map<string, InstalledPackage[]>();
  for (const i of installed) {
    const list = installedByName.get(i.name);
    if (list) list.push(i);
    else installedByName.set(i.name, [i]);
  }

  // dnf 4.14 warns that allow_vendor_change=False is "not supported for distro-sync", yet libsolv
  // honours it there too (observed): the lock applies to both commands.
  const vendorLocked = !profile.allowVendorChange || profile.vendorSticky;
  const out: Resolution[] = [];
  const names = [...new Set([...byName.keys(), ...installedByName.keys()])].sort();
  for (const name of names) {
    const all = byName.get(name) ?? [];
    const usable = all.filter((e) => e.excluded === undefined);
    const ranked = toRanked(rankEntries(all, profile));
    const best = pick(usable, profile);
    const winner = best?.entry.candidate ?? null;
    const reason = best
      ? reasonFor(best.entry, usable, best.contenders)
      : all.length > 0
        ? `every version is excluded (${all[0]!.excluded})`
        : 'no enabled repo carries it';
    const hosts = installedByName.get(name) ?? [];
    if (hosts.length === 0) {
      out.push({ name, arch: winner?.arch ?? all[0]?.candidate.arch ?? '', winner, ranked, reason });
      continue;
    }
    for (const inst of hosts) {
      const up = upgradeOf(inst, all, profile, vendorLocked);
      const sync = syncOf(inst, all, profile, vendorLocked);
      out.push({
        name,
        arch: inst.arch,
        winner,
        ranked,
        reason: `${reason}; upgrade: ${up.why}`,
        installed: inst,
        upgradeAction: up.action,
        upgradeTo: up.to?.candidate ?? null,
        syncAction: sync.action,
        syncTo: sync.to?.candidate ?? null,
      });
    }
  }
  return out;
}
