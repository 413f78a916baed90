/**
 * Who apt picks (apt-pkg's pkgPolicy, apt 2.6), as a pure function of the profile's repos, their
 * Release facts, the preferences and the installed packages; checked against real apt in
 * test/analysis/resolve-apt-real.test.ts.
 *
 * Priorities, as pkgPolicy computes them:
 * - Each package index ("file": here one repo) starts at 500; ButAutomaticUpgrades → 100,
 *   else NotAutomatic → 1; the dpkg status file → 100.
 * - General pins (`Package: *`) then set a file's priority; the FIRST matching one wins. The
 *   APT::Default-Release pin (990) is created before the preferences are read, so it comes first;
 *   a repo's configured pinPriority counts as a preferences stanza read before all others.
 * - Specific pins (named packages, globs, /regex/, src:) pin matching VERSIONS; the first matching
 *   stanza in file order wins, and a pinned version ignores its files' priorities altogether.
 * - A version's priority is otherwise the highest of its files' (the status file counts only for
 *   the installed version).
 * Candidate (GetCandidateVer): walk versions from the highest down, take a version whose priority
 * is positive and strictly above the best so far; while something is installed, a version below
 * it needs ≥ 1000. So: highest priority wins, ties go to the higher version, negatives never win.
 * `apt-get upgrade` and `dist-upgrade` both install the candidate, downgrades (≥ 1000) included.
 */
import type { AptPin, PinTarget, ReleaseConditions } from '../../config/apt-preferences.js';
import type { DebRepoConfig, ProfileConfig } from '../../config/types.js';
import { aptOriginHost } from '../../config/release-vendors.js';
import { compareDebVersions } from '../../formats/deb/version.js';
import { aptExpressionMatches, aptPackagePatternMatches, type AptPackageFacts } from '../globs.js';
import type { Action, AptReleaseFacts, Candidate, InstalledPackage, ResolveInput, Resolution } from '../types.js';

/** A package index as pkgPolicy sees it: a repo, or the dpkg status file. */
type IndexFile =
  | {
      kind: 'repo';
      repo: DebRepoConfig;
      facts: AptReleaseFacts;
      order: number;
      /**
       * The binary indexes apt reads from it: the repo's architectures the profile installs (else
       * the native one). apt-ftparchive and the archive list `Architecture: all` packages in each
       * binary-ARCH index, so a multi-arch host reads an `all` version from each (`b=` sees them all).
       */
      binaryArches: string[];
    }
  | { kind: 'status' };

interface Priority {
  value: number;
  why: string;
}

/** One version of a package: every index that ships the same version string. */
interface AptVersion {
  evr: string;
  entries: Candidate[];
  files: IndexFile[];
  installed: boolean;
  priority: Priority;
}

const DEFAULT_RELEASE_PRIORITY = 990;
const STATUS_ARCHIVE = 'now';

function factsFor(repo: DebRepoConfig, releases: ReadonlyMap<string, AptReleaseFacts> | undefined): AptReleaseFacts {
  return (
    releases?.get(repo.id) ?? {
      origin: null,
      label: null,
      archive: repo.suite,
      codename: null,
      version: null,
      notAutomatic: false,
      butAutomaticUpgrades: false,
      host: aptOriginHost(repo.uri),
      components: repo.components,
    }
  );
}

/**
 * pkgVersionMatch's reading of release data: `a=…,n=…` pairs, or the old bare form where a
 * leading digit means a release version (`12*` a prefix) and anything else an archive-or-codename.
 */
export function releaseConditionsOf(data: string): ReleaseConditions {
  const text = data.trim();
  if (!text.includes('=')) return /^\d/.test(text) ? { version: text } : { release: text };
  const out: ReleaseConditions = {};
  const keys: Record<string, keyof ReleaseConditions> = { a: 'archive', n: 'codename', o: 'origin', l: 'label', c: 'component', v: 'version', b: 'architecture' };
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z])=(.*?)\s*$/.exec(part);
    const key = m ? keys[m[1]!.toLowerCase()] : undefined;
    if (m && key && m[2] !== '') out[key] = m[2]!;
  }
  return out;
}

/**
 * Whether apt 2.6 accepts APT::Default-Release: pkgPolicy refuses to start ("The value '…' is
 * invalid for APT::Default-Release as such a release is not available in the sources", every
 * apt-get command fails) unless some package file's archive, codename or version matches it (glob
 * or /regex/), or it is `K=…` release data. The dpkg status file is a package file of archive `now`.
 */
export function aptDefaultReleaseAvailable(defaultRelease: string, releases: Iterable<AptReleaseFacts>): boolean {
  if (defaultRelease.length > 2 && defaultRelease[1] === '=') return true;
  if (aptExpressionMatches(defaultRelease, STATUS_ARCHIVE)) return true;
  for (const f of releases) {
    if (aptExpressionMatches(defaultRelease, f.archive) || aptExpressionMatches(defaultRelease, f.codename) || aptExpressionMatches(defaultRelease, f.version)) return true;
  }
  return false;
}

/** MatchVer: case-insensitive equality, or prefix when the pattern ended in `*`. */
function matchVersionText(value: string | null, pattern: string): boolean {
  if (value === null) return false;
  const prefix = pattern.endsWith('*');
  const want = (prefix ? pattern.slice(0, -1) : pattern).toLowerCase();
  const have = value.toLowerCase();
  return prefix ? have.startsWith(want) : have === want;
}

/** pkgVersionMatch::FileMatch for `Pin: release`, against one index file. */
function releaseMatches(conds: ReleaseConditions, file: IndexFile, nativeArch: string, pkgArch: string): boolean {
  const matchAll = Object.keys(conds).length === 1 && (conds.release === '*' || conds.version === '*');
  if (matchAll) return true;
  if (Object.keys(conds).length === 0) return false;
  if (file.kind === 'status') {
    // The status file has no Release file: its component holds the archive "now".
    if (conds.archive !== undefined && !aptExpressionMatches(conds.archive, STATUS_ARCHIVE)) return false;
    if (conds.release !== undefined && !aptExpressionMatches(conds.release, STATUS_ARCHIVE)) return false;
    if (conds.origin !== undefined || conds.label !== undefined || conds.version !== undefined || conds.codename !== undefined) return false;
    if (conds.component !== undefined && !aptExpressionMatches(conds.component, STATUS_ARCHIVE)) return false;
    return conds.architecture === undefined;
  }
  const f = file.facts;
  if (conds.version !== undefined && !matchVersionText(f.version, conds.version) && !aptExpressionMatches(conds.version, f.version)) return false;
  if (conds.origin !== undefined && !aptExpressionMatches(conds.origin, f.origin)) return false;
  if (conds.archive !== undefined && !aptExpressionMatches(conds.archive, f.archive)) return false;
  if (conds.codename !== undefined && !aptExpressionMatches(conds.codename, f.codename)) return false;
  if (conds.release !== undefined && !aptExpressionMatches(conds.release, f.archive) && !aptExpressionMatches(conds.release, f.codename)) return false;
  if (conds.label !== undefined && !aptExpressionMatches(conds.label, f.label)) return false;
  // apt has one index per component and arch; a repo here stands for all its components.
  if (conds.component !== undefined && !f.components.some((c) => aptExpressionMatches(conds.component!, c))) return false;
  const indexArches = pkgArch === 'all' ? file.binaryArches : [pkgArch];
  if (conds.architecture !== undefined && !indexArches.some((a) => aptExpressionMatches(conds.architecture!, a))) return false;
  return true;
}

function fileMatches(target: PinTarget, file: IndexFile, nativeArch: string, pkgArch: string): boolean {
  switch (target.kind) {
    case 'release':
      return releaseMatches(target.conditions, file, nativeArch, pkgArch);
    case 'origin':
      // The status file never matches an origin pin; `""` matches local (file:) repos.
      return file.kind === 'repo' && aptExpressionMatches(target.host, file.facts.host);
    case 'version':
      return false;
  }
}

function pinPlace(pin: AptPin): string {
  return `${pin.file}:${pin.line}`;
}

/** General pins in the order pkgPolicy applies them (first match wins per file). */
interface GeneralPin {
  matches: (file: IndexFile, pkgArch: string) => boolean;
  priority: number;
  why: string;
}

function generalPins(profile: ProfileConfig, repos: Iterable<IndexFile & { kind: 'repo' }>, nativeArch: string): GeneralPin[] {
  const out: GeneralPin[] = [];
  if (profile.defaultRelease !== undefined && profile.defaultRelease !== '') {
    const conds = releaseConditionsOf(profile.defaultRelease);
    out.push({
      matches: (file, arch) => releaseMatches(conds, file, nativeArch, arch),
      priority: DEFAULT_RELEASE_PRIORITY,
      why: `pin ${DEFAULT_RELEASE_PRIORITY} (default release ${profile.defaultRelease})`,
    });
  }
  for (const r of repos) {
    const id = r.repo.id;
    const priority = r.repo.pinPriority;
    if (priority === undefined) continue;
    out.push({ matches: (file) => file.kind === 'repo' && file.repo.id === id, priority, why: `pin ${priority} (repo ${id} pinPriority)` });
  }
  for (const pin of profile.aptPreferences) {
    // `Pin: version` needs a named package; apt ignores it for `Package: *`.
    if (pin.pin.kind === 'version' || !pin.packages.some((p) => p.kind === 'any')) continue;
    const target = pin.pin;
    out.push({ matches: (file, arch) => fileMatches(target, file, nativeArch, arch), priority: pin.priority, why: `pin ${pin.priority} (${pinPlace(pin)})` });
  }
  return out;
}

function baseFilePriority(file: IndexFile): Priority {
  if (file.kind === 'status') return { value: 100, why: 'installed (dpkg status)' };
  if (file.facts.butAutomaticUpgrades) return { value: 100, why: `repo ${file.repo.id}: NotAutomatic + ButAutomaticUpgrades` };
  if (file.facts.notAutomatic) return { value: 1, why: `repo ${file.repo.id}: NotAutomatic` };
  return { value: 500, why: `repo ${file.repo.id}: default` };
}

function indexPriority(file: IndexFile, indexArch: string, general: GeneralPin[]): Priority {
  for (const g of general) if (g.matches(file, indexArch)) return { value: g.priority, why: g.why };
  return baseFilePriority(file);
}

/**
 * A file's priority for a version of this arch. An `Architecture: all` version is in each binary
 * index of the repo (one file per arch to apt, each with its own general pin): the highest counts.
 */
function filePriority(file: IndexFile, pkgArch: string, general: GeneralPin[]): Priority {
  if (file.kind !== 'repo' || pkgArch !== 'all') return indexPriority(file, pkgArch, general);
  let best: Priority | null = null;
  for (const arch of file.binaryArches) {
    const p = indexPriority(file, arch, general);
    if (best === null || p.value > best.value) best = p;
  }
  return best!;
}

/** The first specific pin (file order) that selects this package and this version. */
function specificPin(pins: readonly AptPin[], pkg: AptPackageFacts, version: AptVersion, nativeArch: string): Priority | null {
  for (const pin of pins) {
    if (!pin.packages.some((p) => p.kind !== 'any' && aptPackagePatternMatches(p, pkg, nativeArch))) continue;
    const target = pin.pin;
    const hit =
      target.kind === 'version'
        ? matchVersionText(version.evr, target.pattern) || aptExpressionMatches(target.pattern, version.evr)
        : version.files.some((f) => fileMatches(target, f, nativeArch, pkg.arch));
    if (hit) return { value: pin.priority, why: `pin ${pin.priority} (${pinPlace(pin)})` };
  }
  return null;
}

function versionPriority(v: AptVersion, pkg: AptPackageFacts, profile: ProfileConfig, general: GeneralPin[], nativeArch: string): Priority {
  const pinned = specificPin(profile.aptPreferences, pkg, v, nativeArch);
  if (pinned) return pinned;
  let best: Priority | null = null;
  for (const f of v.files) {
    const p = filePriority(f, pkg.arch, general);
    if (best === null || p.value > best.value) best = p;
  }
  return best ?? { value: 0, why: 'no source' };
}

function debReposOf(input: ResolveInput, nativeArch: string): Map<string, IndexFile & { kind: 'repo' }> {
  const out = new Map<string, IndexFile & { kind: 'repo' }>();
  input.profile.repos.forEach((id, order) => {
    const repo = input.repos.get(id);
    if (repo?.format !== 'deb' || !repo.enabled || out.has(id)) return;
    const fetched = repo.architectures.filter((a) => a !== 'all' && archAllowed(input.profile, a));
    out.set(id, { kind: 'repo', repo, facts: factsFor(repo, input.releases), order, binaryArches: fetched.length > 0 ? fetched : [nativeArch] });
  });
  return out;
}

function archAllowed(profile: ProfileConfig, arch: string): boolean {
  if (arch === 'source') return false;
  return profile.arches.length === 0 || profile.arches.includes(arch);
}

/** GetCandidateVer over versions sorted highest first. */
function candidateOf(versions: AptVersion[], installed: InstalledPackage | undefined): AptVersion | null {
  let cand: AptVersion | null = null;
  let candPriority = -1;
  for (const v of versions) {
    const p = v.priority.value;
    if (p === 0 || p <= candPriority) continue;
    if (installed && p < 1000 && compareDebVersions(v.evr, installed.evr) < 0) continue;
    cand = v;
    candPriority = p;
  }
  return cand;
}

/** The entry a version would be fetched from: the repo file with the highest priority, then profile order. */
function sourceEntry(v: AptVersion, pkgArch: string, general: GeneralPin[], repos: Map<string, IndexFile & { kind: 'repo' }>): Candidate | null {
  let best: { c: Candidate; prio: number; order: number } | null = null;
  for (const c of v.entries) {
    const file = repos.get(c.repoId)!;
    const prio = filePriority(file, pkgArch, general).value;
    if (best === null || prio > best.prio || (prio === best.prio && file.order < best.order)) best = { c, prio, order: file.order };
  }
  return best?.c ?? null;
}

function moveAction(to: AptVersion, installed: InstalledPackage): Action {
  const order = compareDebVersions(to.evr, installed.evr);
  return order < 0 ? 'downgrade' : order === 0 ? 'none' : 'upgrade';
}

/** What every apt resolution of a profile starts from: its repos, general pins and native arch. */
interface AptPolicy {
  profile: ProfileConfig;
  nativeArch: string;
  repos: Map<string, IndexFile & { kind: 'repo' }>;
  general: GeneralPin[];
}

function aptPolicy(input: ResolveInput): AptPolicy {
  const { profile } = input;
  const nativeArch = profile.arches.find((a) => a !== 'all') ?? 'amd64';
  const repos = debReposOf(input, nativeArch);
  return { profile, nativeArch, repos, general: generalPins(profile, repos.values(), nativeArch) };
}

/**
 * apt's package key: `name` of the native architecture (what `Architecture: all` is installed as)
 * or `name:arch` of a foreign one (a multi-arch host) — two packages to apt, each with its own
 * candidate and upgrade.
 */
function aptPackageKey(name: string, arch: string, nativeArch: string): string {
  return `${name}\t${arch === 'all' ? nativeArch : arch}`;
}

/** The profile's candidates apt sees, by apt package (its repos, its arches). */
function candidatesByPackage(input: ResolveInput, policy: AptPolicy): Map<string, Candidate[]> {
  const byKey = new Map<string, Candidate[]>();
  for (const c of input.candidates) {
    if (!policy.repos.has(c.repoId) || !archAllowed(policy.profile, c.arch)) continue;
    const key = aptPackageKey(c.name, c.arch, policy.nativeArch);
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  return byKey;
}

function nameOfKey(key: string): string {
  return key.slice(0, key.indexOf('\t'));
}

/** One name as pkgPolicy decides it: its versions (highest first, each with its priority), the candidate and where it comes from. */
interface AptDecision {
  versions: Map<string, AptVersion>;
  sorted: AptVersion[];
  pkgArch: string;
  cand: AptVersion | null;
  winner: Candidate | null;
}

function decide(name: string, entries: readonly Candidate[], inst: InstalledPackage | undefined, policy: AptPolicy): AptDecision {
  const { profile, general, nativeArch, repos } = policy;
  const versions = new Map<string, AptVersion>();
  for (const c of entries) {
    const v = versions.get(c.evr) ?? { evr: c.evr, entries: [], files: [], installed: false, priority: { value: 0, why: '' } };
    v.entries.push(c);
    v.files.push(repos.get(c.repoId)!);
    versions.set(c.evr, v);
  }
  if (inst) {
    const v = versions.get(inst.evr) ?? { evr: inst.evr, entries: [], files: [], installed: true, priority: { value: 0, why: '' } };
    v.installed = true;
    v.files.push({ kind: 'status' });
    versions.set(inst.evr, v);
  }
  const pkgArch = entries[0]?.arch ?? inst?.arch ?? nativeArch;
  const pkg: AptPackageFacts = { name, arch: pkgArch, sourceName: entries[0]?.sourceName ?? null };
  const sorted = [...versions.values()].sort((a, b) => compareDebVersions(b.evr, a.evr));
  for (const v of sorted) v.priority = versionPriority(v, { ...pkg, arch: v.entries[0]?.arch ?? pkgArch }, profile, general, nativeArch);
  const cand = candidateOf(sorted, inst);
  const winner = cand ? sourceEntry(cand, pkgArch, general, repos) : null;
  return { versions, sorted, pkgArch, cand, winner };
}

/**
 * Who apt picks for each name of a profile with nothing installed: resolveApt's winners, decided
 * by the same code, without the ranking and reasons only a report shows. What a crawl records as
 * winners (names in no particular order).
 */
export function aptWinners(input: ResolveInput): Array<{ name: string; arch: string; winner: Candidate | null }> {
  // decide() below is called with nothing installed; an installed list would be silently ignored
  // and give a caller the wrong winners, so refuse it (resolveApt is the one that takes it).
  if ((input.installed?.length ?? 0) > 0) throw new Error('aptWinners decides with nothing installed: use resolveApt for a host');
  const policy = aptPolicy(input);
  const out: Array<{ name: string; arch: string; winner: Candidate | null }> = [];
  const byKey = candidatesByPackage(input, policy);
  // resolveApt's order: one name's packages of several arches reach winnersFromResolutions alike.
  for (const key of [...byKey.keys()].sort()) {
    const entries = byKey.get(key)!;
    const name = nameOfKey(key);
    const { winner, pkgArch } = decide(name, entries, undefined, policy);
    out.push({ name, arch: winner?.arch ?? pkgArch, winner });
  }
  return out;
}

/**
 * apt's decision for a name of which the profile's repos ship exactly one version, with nothing
 * installed, without building the version: what a crawl's winners use to let the store pick most
 * names in SQL. With no pin naming packages (only `Package: *` pins), that version's priority is
 * its file's (filePriority: the general pins, the Release flags), and it wins when candidateOf
 * takes it; decide() would conclude the same from the same two functions. Null when the profile
 * has a pin naming packages, or lists no arches: every name then goes through decide().
 */
export function aptSoleVersionRule(input: Omit<ResolveInput, 'candidates' | 'installed'>): AptSoleVersionRule | null {
  const { profile } = input;
  if (profile.arches.length === 0 || profile.aptPreferences.some((pin) => pin.packages.some((p) => p.kind !== 'any'))) return null;
  const policy = aptPolicy({ ...input, candidates: [] });
  return {
    repoIds: [...policy.repos.keys()],
    arches: profile.arches.filter((arch) => archAllowed(profile, arch)),
    wins: (repoId, arch) => {
      const file = policy.repos.get(repoId);
      if (file === undefined || !archAllowed(profile, arch)) return false;
      const only: AptVersion = { evr: '', entries: [], files: [file], installed: false, priority: filePriority(file, arch, policy.general) };
      return candidateOf([only], undefined) !== null;
    },
  };
}

export interface AptSoleVersionRule {
  /** The profile's repos apt reads (deb, enabled, in profile order). */
  repoIds: string[];
  /** The arches whose versions apt considers. */
  arches: string[];
  /** Whether the one version of a name, of `arch` from `repoId`, is apt's candidate. */
  wins(repoId: string, arch: string): boolean;
}

export function resolveApt(input: ResolveInput): Resolution[] {
  const policy = aptPolicy(input);
  const byKey = candidatesByPackage(input, policy);
  const installedByKey = new Map<string, InstalledPackage>();
  for (const i of input.installed ?? []) installedByKey.set(aptPackageKey(i.name, i.arch, policy.nativeArch), i);

  const out: Resolution[] = [];
  for (const key of [...new Set([...byKey.keys(), ...installedByKey.keys()])].sort()) {
    const name = nameOfKey(key);
    const entries = byKey.get(key) ?? [];
    const inst = installedByKey.get(key);
    const { versions, sorted, pkgArch, cand, winner } = decide(name, entries, inst, policy);
    const ranked: Resolution['ranked'] = [...sorted]
      .sort((a, b) => b.priority.value - a.priority.value || compareDebVersions(b.evr, a.evr))
      .flatMap((v) =>
        v.entries.map((c) => ({ candidate: c, priority: v.priority.value, ...(v.priority.value < 0 ? { excluded: `negative ${v.priority.why}` } : {}) })),
      );
    const reason = reasonFor(cand, sorted, inst);
    const versionPriorities = sorted.map((v) => ({ evr: v.evr, priority: v.priority.value, why: v.priority.why, installed: v.installed }));
    if (!inst) {
      out.push({ name, arch: winner?.arch ?? pkgArch, winner, ranked, reason, versionPriorities });
      continue;
    }
    let action: Action;
    let to: Candidate | null = null;
    if (entries.length === 0) action = 'stranded';
    else if (cand === null) action = 'blocked';
    else {
      action = moveAction(cand, inst);
      if (action !== 'none') to = winner;
      if (action === 'upgrade' && to && isVendorChange(to, versions.get(inst.evr))) action = 'vendor-change';
    }
    if (inst.held === true && action === 'downgrade') {
      // A held package's downgrade (a pin ≥ 1000) is not done, and apt does not list it as kept
      // back either (its kept-back list is of upgrades): for apt nothing happens to it.
      out.push({ name, arch: inst.arch, winner, ranked, reason: `${reason}; not done: ${name} is held (dpkg selection hold: apt-mark hold)`, versionPriorities, installed: inst, upgradeAction: 'none', upgradeTo: null, syncAction: 'none', syncTo: null });
      continue;
    }
    if (inst.held === true && to !== null) {
      // pkgDepCache never marks a held package for a change: upgrade and full-upgrade alike list
      // it as kept back, whatever its candidate. The candidate (apt-cache policy) stays as it is.
      const keptBack = { wouldBe: action, to, because: `${name} is held (dpkg selection hold: apt-mark hold)` };
      out.push({ name, arch: inst.arch, winner, ranked, reason, versionPriorities, installed: inst, upgradeAction: 'kept-back', upgradeTo: null, syncAction: 'kept-back', syncTo: null, keptBack });
      continue;
    }
    out.push({ name, arch: inst.arch, winner, ranked, reason, versionPriorities, installed: inst, upgradeAction: action, upgradeTo: to, syncAction: action, syncTo: to });
  }
  return out;
}

/** The installed version is known to come only from repos of other vendors than the new one. */
function isVendorChange(to: Candidate, installedVersion: AptVersion | undefined): boolean {
  const from = installedVersion?.entries ?? [];
  return from.length > 0 && !from.some((c) => c.repoVendor === to.repoVendor);
}

function reasonFor(cand: AptVersion | null, sorted: AptVersion[], inst: InstalledPackage | undefined): string {
  if (cand === null) {
    if (sorted.length === 0) return 'no source';
    if (sorted.every((v) => v.priority.value < 0)) return `every version is pinned below 0 (${sorted[0]!.priority.why})`;
    return 'no version qualifies';
  }
  const others = sorted.filter((v) => v !== cand);
  const higher = others.find((v) => compareDebVersions(v.evr, cand.evr) > 0);
  const base = `priority ${cand.priority.value}: ${cand.priority.why}`;
  if (inst && compareDebVersions(cand.evr, inst.evr) < 0) return `${base}; ≥1000 allows the downgrade from ${inst.evr}`;
  if (higher) {
    if (inst && compareDebVersions(higher.evr, inst.evr) > 0 && higher.priority.value < cand.priority.value) {
      return `${base} beats ${higher.evr} at ${higher.priority.value}`;
    }
    return `${base} beats the higher ${higher.evr} at ${higher.priority.value}`;
  }
  if (others.some((v) => v.priority.value === cand.priority.value)) return `${base}; highest version among equal priorities`;
  return base;
}
