/**
 * Who dnf 4 (libdnf + libsolv) picks, as a pure function of the profile's repos and their current
 * versions, and what `dnf upgrade` / `dnf distro-sync` would do to installed packages.
 *
 * The model, checked against real dnf 4.14 / libsolv 0.7 (test/analysis/resolve-dnf-real.test.ts):
 * 1. excludepkgs / includepkgs of each repo drop packages (globs.ts: dnf's subject matching);
 *    dnf.conf [main] excludes also hide installed packages, which dnf then leaves alone.
 * 2. Among the candidates of the job, only those from the repos with the best (lowest) priority
 *    count (libsolv prune_to_highest_prio; the installed package is exempt). The candidates are
 *    the job's: for `dnf install` every version of the name, for `dnf upgrade` the versions not
 *    older than the installed one (libsolv's policy_findupdatepackages keeps equal EVRs) — a
 *    priority-10 repo that has only older versions does not stop a newer one from a priority-99
 *    repo, but one that carries the installed version itself does: the package stays (both
 *    observed with dnf 4.14).
 * 3. Arch: the most preferred real arch present is kept together with noarch (prune_to_best_arch);
 *    then the highest EVR wins (prune_to_best_version). noarch ↔ arch changes are always legal.
 * 4. The same EVR in several repos: lower cost, then the repo listed first.
 * 5. `dnf upgrade` never downgrades. With allow_vendor_change=False an installed package only
 *    upgrades to packages whose header Vendor is byte-identical to its own (libsolv's
 *    policy_illegal_vendorchange; libdnf defines no vendor classes). The vendor filter comes
 *    before the priority pruning. dnf 4.14 prints that the option is "not supported for
 *    distro-sync", but libsolv applies it to distro-sync as well (observed).
 * 6. `dnf distro-sync` moves to the resolved best, down if need be; a package no repo carries stays.
 *    The best at the installed version from another vendor is reinstalled from its repo (a vendor
 *    change), as dnf does with any best package not identical to the installed one — unless a repo
 *    of the best's priority carries the installed package itself (same EVR, arch, Vendor): that
 *    keeps it, whatever cost or repo order say (observed).
 * 7. Modular filtering (EL 8/9) hides packages before anything else is decided: see
 *    dnf-modules.ts. A hidden package counts as excluded.
 * 8. Obsoletes: a package whose `Obsoletes:` matches an installed package (by name and EVR range)
 *    is one of that package's upgrade and distro-sync candidates, next to its own newer versions.
 *    libsolv prunes them together (priority, arch, best version per name), then drops a candidate
 *    that another candidate obsoletes; of the names left the installed package's own name is
 *    taken, else the first (strcmp). An
 *    obsoleter that would take away an installed package (of any arch) with no legal replacement
 *    is no candidate at all (replacesEveryObsoleted). dnf 4.14
 *    does this even with `obsoletes=False` in dnf.conf: `dnf upgrade` puts every installed
 *    package into its job, and libsolv's update of an installed package looks at obsoleters
 *    whatever that option says (observed), so the option is not read.
 * 9. Install-only packages (dnf's `installonlypkgs`: kernel, installonlypkg(kernel) … plus the
 *    host's `installonlypkgs=`, matched by name or provide): several versions are installed side
 *    by side; an upgrade installs a newer one beside the newest (its candidates: the newer
 *    versions and the installed package itself, not another vendor's build of its version), the
 *    older ones are left alone. distro-sync puts its pick beside the newest: a newer or older
 *    version is installed beside it, the same version from another vendor reinstalled.
 * 10. The versionlock plugin's lock list (dnf-versionlock.ts) takes packages away as excludepkgs
 *    does: other versions of a locked name, obsoleters of a locked version, `!` patterns.
 */
import type { ProfileConfig, RpmRepoConfig } from '../../config/types.js';
import { DNF_DEFAULT_INSTALLONLYPKGS } from '../../config/dnf-options.js';
import { compareEvr } from '../../formats/rpm/version.js';
import { dnfSubjectQuery, type NevraFields } from '../globs.js';
import { modularFilter } from './dnf-modules.js';
import { versionlockExcludes } from './dnf-versionlock.js';
import { packageFactsIndex, relationMatches, type PackageFacts } from './dnf-relations.js';
import type { Action, Candidate, InstalledPackage, ResolveInput, Resolution } from '../types.js';

interface RpmEntry {
  candidate: Candidate;
  repo: RpmRepoConfig;
  /** Position of the repo in the profile (dnf's last tie-breaker). */
  order: number;
  excluded?: string;
  /** Its Obsoletes: and the provides the rules read (empty without dnf facts). */
  facts: PackageFacts;
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

/** Mark what the versionlock plugin's lock list takes away (dnf-versionlock.ts); its patterns read what excludepkgs left. */
function applyVersionlock(entries: RpmEntry[], installed: readonly InstalledPackage[], patterns: readonly string[]): void {
  if (patterns.length === 0) return;
  const entryOf = new Map<NevraFields, RpmEntry>(entries.filter((e) => e.excluded === undefined).map((e) => [e.candidate, e]));
  const sack: NevraFields[] = [...entryOf.keys(), ...installed];
  const obsoletesLocked = (by: NevraFields, locked: readonly NevraFields[]): boolean => {
    const entry = entryOf.get(by);
    return entry !== undefined && locked.some((l) => obsoletes(entry, l.name, l));
  };
  for (const [pkg, why] of versionlockExcludes(patterns, sack, (p) => !entryOf.has(p), obsoletesLocked)) entryOf.get(pkg)!.excluded = why;
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

/** Is this entry one dnf may move `installed` to: not excluded, legal arch, and its vendor when locked? */
function eligible(e: RpmEntry, installed: InstalledPackage, vendorLocked: boolean): boolean {
  return e.excluded === undefined && archChangeLegal(installed.arch, e.candidate.arch) && (!vendorLocked || vendorOf(e.candidate) === vendorOf(installed));
}

/** Does `by` obsolete a package of this name and EVR? (A package never obsoletes its own name.) */
function obsoletes(by: RpmEntry, name: string, evr: NevraFields): boolean {
  return by.candidate.name !== name && by.facts.obsoletes.some((rel) => relationMatches(rel, name, evr));
}

/**
 * libsolv's choice among a job's candidates for one installed package (policy_filter_unwanted):
 * best priority, best arch, the best version of each name, then drop what another candidate
 * obsoletes. Of the names left libsolv takes the first by name id, the order the pool first met
 * the names in: the installed package's own name (read with the rpmdb, before any repo) when it
 * is left — its own newer version beats an obsoleter whose Obsoletes: does not reach that
 * version, whatever the names' spelling (observed) — else the first in strcmp order.
 */
function chooseAmong(candidates: RpmEntry[], profile: ProfileConfig, installedName: string): RpmEntry | null {
  if (candidates.length === 0) return null;
  const bestPriority = Math.min(...candidates.map((e) => e.repo.priority));
  const pruned = pruneToBestArch(candidates.filter((e) => e.repo.priority === bestPriority), profile);
  const perName = new Map<string, RpmEntry[]>();
  for (const e of pruned) perName.set(e.candidate.name, [...(perName.get(e.candidate.name) ?? []), e]);
  const best = [...perName.values()].map((list) => rankEntries(list, profile)[0]!);
  const kept = best.filter((e) => !best.some((o) => o !== e && obsoletes(o, e.candidate.name, e.candidate)));
  const left = kept.length > 0 ? kept : best;
  const own = left.find((e) => e.candidate.name === installedName);
  if (own) return own;
  return left.sort((a, b) => (a.candidate.name < b.candidate.name ? -1 : a.candidate.name > b.candidate.name ? 1 : 0))[0]!;
}

/**
 * Whether installing `by` can replace what it obsoletes. Its Obsoletes: match installed packages
 * of any arch, and libsolv lets an installed package go only to one of its own legal
 * replacements: `by` itself (a legal arch change, the vendor when locked), or another candidate
 * that replaces it — its newer version or another obsoleter — which `by` does not obsolete in
 * turn. An x86_64-only obsoleter of a name installed as x86_64 and i686 would leave the i686
 * package nowhere to go, so dnf installs neither (observed with dnf 4.14).
 */
function replacesEveryObsoleted(by: RpmEntry, installed: readonly InstalledPackage[], replacementsOf: (q: InstalledPackage) => RpmEntry[], vendorLocked: boolean): boolean {
  return installed.every(
    (q) =>
      !obsoletes(by, q.name, q) ||
      eligible(by, q, vendorLocked) ||
      replacementsOf(q).some((c) => c !== by && !obsoletes(by, c.candidate.name, c.candidate)),
  );
}

/** libsolv's solvable_identical as far as the store knows it: same name, EVR, arch and header Vendor. */
function identical(e: RpmEntry, installed: InstalledPackage): boolean {
  return e.candidate.name === installed.name && e.candidate.arch === installed.arch && compareEvr(e.candidate, installed) === 0 && installed.vendor !== null && vendorOf(e.candidate) === installed.vendor;
}

interface Move {
  action: Action;
  to: RpmEntry | null;
  why: string;
}

function moveTo(installed: InstalledPackage, to: RpmEntry): Move {
  const changes = vendorOf(to.candidate) !== vendorOf(installed);
  const what = to.candidate.name === installed.name ? `to ${evrText(to.candidate)}` : `obsoleted by ${to.candidate.name} ${evrText(to.candidate)}`;
  return { action: changes ? 'vendor-change' : 'upgrade', to, why: `${what} from repo ${to.repo.id}` };
}

/**
 * `dnf upgrade`: the job's candidates are the versions of the name not older than the installed
 * one and the packages that obsolete it. When the installed version itself wins (it sits in a repo
 * of better priority than every newer one), nothing moves.
 */
function upgradeOf(installed: InstalledPackage, all: RpmEntry[], obsoleters: RpmEntry[], profile: ProfileConfig, vendorLocked: boolean): Move {
  const notOlder = all.filter((e) => eligible(e, installed, vendorLocked) && compareEvr(e.candidate, installed) >= 0);
  const best = chooseAmong([...notOlder, ...obsoleters.filter((e) => eligible(e, installed, vendorLocked))], profile, installed.name);
  if (best !== null && (best.candidate.name !== installed.name || compareEvr(best.candidate, installed) > 0)) return moveTo(installed, best);
  if (best !== null && notOlder.some((e) => compareEvr(e.candidate, installed) > 0)) {
    return { action: 'none', to: null, why: `repo ${best.repo.id} (priority ${best.repo.priority}) carries the installed version and outranks every newer one` };
  }
  const pool = all.filter((e) => e.excluded === undefined && archChangeLegal(installed.arch, e.candidate.arch));
  if (pool.length === 0) return { ...unreachable(installed, all), to: null };
  const sameVendor = pool.filter((e) => !vendorLocked || vendorOf(e.candidate) === vendorOf(installed));
  if (sameVendor.length === 0) return { action: 'none', to: null, why: `no repo carries it from vendor ${JSON.stringify(vendorOf(installed))}` };
  const offer = pick(sameVendor, profile);
  return { action: 'none', to: null, why: offer ? `best offer ${evrText(offer.entry.candidate)} from repo ${offer.entry.repo.id} is not newer` : 'nothing newer' };
}

/** `dnf distro-sync`: every version of the name and the obsoleters compete; down if need be. */
function syncOf(installed: InstalledPackage, all: RpmEntry[], obsoleters: RpmEntry[], profile: ProfileConfig, vendorLocked: boolean): Move {
  const best = chooseAmong([...all, ...obsoleters].filter((e) => eligible(e, installed, vendorLocked)), profile, installed.name);
  if (best === null) {
    const pool = all.filter((e) => e.excluded === undefined && archChangeLegal(installed.arch, e.candidate.arch));
    return pool.length === 0 ? { ...unreachable(installed, all), to: null } : { action: 'none', to: null, why: 'nothing from its vendor' };
  }
  if (best.candidate.name !== installed.name) return moveTo(installed, best);
  const order = compareEvr(best.candidate, installed);
  // The same version in the best repo, from another vendor: distro-sync reinstalls it from there
  // (libsolv keeps an installed package only when it is identical to the best one; observed).
  // Only with the installed vendor known: a plain NEVRA list (`rpm -qa`) has none.
  // A repo of the best priority that carries the installed package itself (same EVR, arch and
  // vendor) keeps it, whatever cost or repo order say about another vendor's build (observed).
  if (order === 0 && all.some((e) => e.repo.priority === best.repo.priority && eligible(e, installed, vendorLocked) && identical(e, installed))) {
    return { action: 'none', to: null, why: `repo ${best.repo.id}'s priority carries the installed package itself` };
  }
  if (order === 0 && installed.vendor !== null && vendorOf(best.candidate) !== installed.vendor) {
    return { action: 'vendor-change', to: best, why: `reinstalled from repo ${best.repo.id}: the same version from another vendor` };
  }
  if (order === 0) return { action: 'none', to: null, why: 'already the best version' };
  if (order < 0) return { action: 'downgrade', to: best, why: `down to ${evrText(best.candidate)} from repo ${best.repo.id}` };
  return moveTo(installed, best);
}

/**
 * Names dnf installs side by side: those in installonlypkgs (its defaults plus the host's), and
 * any name whose packages provide one of them (kernel-core provides installonlypkg(kernel)).
 */
function installOnlyNames(entries: readonly RpmEntry[], profile: ProfileConfig): Set<string> {
  const wanted = new Set([...DNF_DEFAULT_INSTALLONLYPKGS, ...(profile.dnf?.installonlyPkgs ?? [])]);
  const names = new Set([...wanted]);
  for (const e of entries) if (e.facts.provides.some((p) => wanted.has(p))) names.add(e.candidate.name);
  return names;
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
  const factsOf = packageFactsIndex(input.dnfFacts);
  for (const candidate of input.candidates) {
    const r = repos.get(candidate.repoId);
    if (r && archAllowed(profile, candidate.arch)) entries.push({ candidate, repo: r.repo, order: r.order, facts: factsOf(candidate) });
  }
  applyExcludes(entries, installed);
  applyVersionlock(entries, installed, profile.dnf?.versionlock ?? []);
  const hidden = modularFilter(new Map([...repos].map(([id, r]) => [id, r.repo])), input.dnfFacts, profile.dnf);
  if (hidden !== null) {
    for (const e of entries) if (e.excluded === undefined) e.excluded = hidden(e.candidate, e.facts.provides) ?? undefined;
  }
  const obsoleting = entries.filter((e) => e.facts.obsoletes.length > 0);
  const installOnly = installOnlyNames(entries, profile);

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
  const replacementsOf = (q: InstalledPackage): RpmEntry[] =>
    [...(byName.get(q.name) ?? []).filter((e) => compareEvr(e.candidate, q) > 0), ...obsoleting.filter((e) => obsoletes(e, q.name, q))].filter((e) => eligible(e, q, vendorLocked));
  const replaceableMemo = new Map<RpmEntry, boolean>();
  const replaceable = (by: RpmEntry): boolean => {
    let ok = replaceableMemo.get(by);
    if (ok === undefined) replaceableMemo.set(by, (ok = replacesEveryObsoleted(by, installed, replacementsOf, vendorLocked)));
    return ok;
  };
  // [main] excludes reach the installed packages too: dnf does not see one they match, so leaves it alone (observed).
  const sack: NevraFields[] = [...entries.map((e) => e.candidate), ...installed];
  const hiddenInstalled = new Set<NevraFields>((profile.dnf?.mainExcludes ?? []).flatMap((pattern) => dnfSubjectQuery(pattern, sack)));
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
    const isInstallOnly = installOnly.has(name);
    for (const inst of hosts) {
      const obsoleters = obsoleting.filter((e) => obsoletes(e, inst.name, inst) && replaceable(e));
      // An install-only package's upgrade installs beside it, so the job's candidates are the
      // newer versions and the installed package itself: another vendor's build of the installed
      // version in a better-priority repo does not hold a newer one back (observed).
      const upgradable = isInstallOnly ? all.filter((e) => compareEvr(e.candidate, inst) !== 0 || identical(e, inst)) : all;
      let up = upgradeOf(inst, upgradable, obsoleters, profile, vendorLocked);
      let sync = syncOf(inst, all, obsoleters, profile, vendorLocked);
      if (isInstallOnly) {
        // Only the newest installed version of an arch gets another version beside it (or is
        // reinstalled); nothing is replaced. distro-sync installs its pick beside it even when
        // that is older (a `downgrade` that leaves the installed version in place).
        const newest = hosts.filter((h) => h.arch === inst.arch).every((h) => compareEvr(h, inst) <= 0);
        if (!newest) up = sync = { action: 'none', to: null, why: 'install-only: a newer version is installed beside it' };
        else {
          if (up.to !== null) up = { ...up, why: `${up.why}, installed beside the running versions (install-only)` };
          if (sync.to !== null && compareEvr(sync.to.candidate, inst) !== 0) sync = { ...sync, why: `${sync.why}, installed beside the running versions (install-only)` };
        }
      }
      if (hiddenInstalled.has(inst)) up = sync = { action: 'none', to: null, why: "excluded in dnf.conf [main]: dnf leaves it alone" };
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
        ...(isInstallOnly ? { installOnly: true } : {}),
      });
    }
  }
  return out;
}
