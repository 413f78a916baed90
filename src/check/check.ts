/**
 * `repoclash check` as a pure function: a packager's submission (names, Provides, version) against
 * what the crawled repos ship and the target profile's rules. No I/O; the clock is input.now.
 *
 * Checks, each performed per subject (a submitted binary name, or one of its Provides):
 * - name-taken: another vendor (any crawled repo of the submission's format whose canonical vendor
 *   is not the target distribution's) already ships the name. Reports who, since when (build time, else first_seen),
 *   who came first (the distribution itself counts when it already ships the name), whether each
 *   vendor ships the same software (same-software.ts), and — for a binary name — whether the
 *   submission would win in the target profile and whose users it would move there: the resolver
 *   runs with the submission added to a virtual copy of the target's distro repo, and with each
 *   vendor's version "installed" to see what `dnf upgrade` / `apt-get upgrade` (and distro-sync /
 *   full-upgrade) would do to it.
 *   Severity: error when some vendor ships a different program under the name, or when the
 *   submission would move users of a vendor that came first; info when the distribution itself
 *   came first and nobody would be moved; warning otherwise.
 * - plain-collision: the target profile's distro repos already ship the name from another source
 *   package. error for a binary name, warning for a Provides (or an unknown source).
 * - lag: the submitted upstream version against the newest upstream release of the same software
 *   (upstream-role repos, same name or an alias; vendors judged a different program are ignored);
 *   severity as lag.ts rules.
 * - upgrade-path: along every upgrade path containing the target profile, the submitted version
 *   must not be below the best distro version of an earlier release (error: the release upgrade
 *   would go backwards) and should not be above the next release's best (warning).
 *
 * Why a Provides gets no "would win" verdict: dnf and apt install a package of that exact name in
 * preference to a provider, so a Provides alone does not take users over; it still shadows the
 * name for dependency resolution, which is what its finding says.
 */
import type { ProfileConfig, RepoConfig } from '../config/types.js';
import type { PackageFormat } from '../formats/types.js';
import { UsageError } from '../errors.js';
import type { Submission, SubmittedName } from './submission.js';
import { candidatesFor } from '../analysis/audit.js';
import { byVendor } from '../analysis/by-name.js';
import { firstComer, versionRef } from '../analysis/clash.js';
import { atOrAbove, SEVERITIES, severityRank, type ClashVendor, type SameSoftware, type SoftwareEvidence, type TimeEvidence, type VersionRef } from '../analysis/findings.js';
import { feedUpstreamReleases } from '../analysis/feed-lag.js';
import { lagOf, toUpstreamReleases, type UpstreamRelease } from '../analysis/lag.js';
import { mapPackage } from '../upstream/mapping.js';
import { feedKey } from '../upstream/types.js';
import { versionScheme } from '../formats/version-scheme.js';
import { newest } from '../analysis/order.js';
import { resolveProfile } from '../analysis/resolve/resolve.js';
import { judgeSameSoftware, type SoftwareFacts } from '../analysis/same-software.js';
import type { AnalysisInput, AptReleaseFacts, Candidate, InstalledPackage, Resolution, Severity } from '../analysis/types.js';
import type { Gap } from '../formats/upstream-version.js';
import { vendorNormaliser, type VendorNormaliser } from '../analysis/vendors.js';

export const CHECK_SCHEMA_VERSION = 1;
export type CheckKind = 'name-taken' | 'plain-collision' | 'lag' | 'upgrade-path';
/** Repo id of the virtual repo the submission is placed in for the resolver. */
export const SUBMISSION_REPO = '(submission)';

export interface CheckInput {
  /** Its format must be set (the CLI sets a bare name's from the target profile). */
  submission: Submission;
  analysis: AnalysisInput;
  /** Name of the target profile. */
  target: string;
  /**
   * Repos that have never stored data. A check all of whose repos are among them is not run
   * ("no data for …"): finding nothing in no data is not a pass.
   */
  reposWithoutData?: ReadonlySet<string>;
}

export interface CheckPerformed {
  kind: CheckKind;
  /** What was checked, e.g. "grafana", "grafana-server (Provides of grafana)", "fedora: fedora-28 → fedora-29 (grafana)". */
  subject: string;
  name: string;
  /** Why it could not run (no version given, no upgrade path, no data for its repos…); null when it ran. */
  skipped: string | null;
  /** Keys of the findings it produced (empty: passed). */
  findings: string[];
}

interface CheckFindingBase {
  kind: CheckKind;
  severity: Severity;
  key: string;
  /** The name the finding is about (a binary name or a Provides). */
  name: string;
  /** The submitted binary package it concerns. */
  package: string;
  title: string;
}

export interface TakenBy extends ClashVendor {
  /** URLs/Homepages its versions give (distinct, sorted). */
  urls: string[];
  software: { verdict: SameSoftware; evidence: SoftwareEvidence[] };
  /** Ships the name in a repo of the target profile. */
  inTarget: boolean;
  /**
   * In the target profile, for users who have this vendor's newest version installed: would
   * `dnf upgrade` / `apt-get upgrade` (onUpgrade) or `dnf distro-sync` / `apt-get full-upgrade`
   * (onSync) move them to the submission? null when not in the target profile or for a Provides.
   */
  moved: { onUpgrade: boolean; onSync: boolean } | null;
}

export interface NameTakenFinding extends CheckFindingBase {
  kind: 'name-taken';
  via: 'name' | 'provides';
  /** Canonical vendor of the target distribution (whose repo the submission joins). */
  distroVendor: string;
  /** Other vendors shipping the name, first-comer first. */
  takenBy: TakenBy[];
  /** Who shipped the name first among them and the distribution itself; null on a tie. */
  firstComer: string | null;
  /** The first-comer's repos. */
  firstComerRepos: string[];
  firstComerEvidence: TimeEvidence;
  /** 'different' when any vendor ships a different program, 'same' when all ship the same. */
  software: SameSoftware;
  /** Who wins the name in the target profile now, and with the submission added (binary names only). */
  winnerBefore: VersionRef | null;
  winnerAfter: VersionRef | null;
  submissionWins: boolean;
  /** Vendors whose users the submission would move (on upgrade or on sync). */
  movesUsersOf: string[];
}

export interface PlainCollisionFinding extends CheckFindingBase {
  kind: 'plain-collision';
  via: 'name' | 'provides';
  submittedSource: string;
  /** The distribution's own versions of the name from another source package. */
  shippedBy: Array<{ repoId: string; evr: string; sourceName: string | null }>;
}

export interface CheckLagFinding extends CheckFindingBase {
  kind: 'lag';
  submitted: { evr: string; upstreamVersion: string };
  upstream: { repoId: string; name: string; evr: string; upstreamVersion: string };
  gap: Gap;
  newerReleases: number;
  behindSince: number;
  behindSinceEvidence: TimeEvidence;
  daysBehind: number;
  abandonedSeries: boolean;
}

export interface UpgradePathFinding extends CheckFindingBase {
  kind: 'upgrade-path';
  path: string;
  /** 'below-earlier': lower than an earlier release's best; 'above-next': higher than the next release's best. */
  problem: 'below-earlier' | 'above-next';
  submitted: { profile: string; evr: string };
  other: { profile: string; repoId: string; evr: string };
  /** Upstream gap between the two versions (null when one does not parse). */
  gap: Gap | null;
}

export type CheckFinding = NameTakenFinding | PlainCollisionFinding | CheckLagFinding | UpgradePathFinding;

export interface CheckResult {
  schemaVersion: typeof CHECK_SCHEMA_VERSION;
  generatedAt: string;
  target: string;
  format: PackageFormat;
  distroVendor: string;
  submission: {
    kind: Submission['kind'];
    path: string | null;
    sourceName: string;
    version: string | null;
    names: Array<{ name: string; provides: string[]; url: string | null; summary: string | null }>;
  };
  upgradePaths: string[];
  checks: CheckPerformed[];
  counts: { total: number; bySeverity: Record<Severity, number> };
  /** Most severe first. */
  findings: CheckFinding[];
}

const KIND_RANK: Record<CheckKind, number> = { 'name-taken': 0, 'plain-collision': 1, lag: 2, 'upgrade-path': 3 };

/** Most severe first, then kind (name-taken, plain-collision, lag, upgrade-path), name, key. */
function compareCheckFindings(a: CheckFinding, b: CheckFinding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

const checkKey = (kind: CheckKind, target: string, subject: string): string => `check|${kind}|${target}|${subject}`;

/** The profile's first enabled distro-role repo: the distribution the submission goes to. */
export function distroRepoOf(profile: ProfileConfig, repos: ReadonlyMap<string, RepoConfig>): RepoConfig {
  for (const id of profile.repos) {
    const repo = repos.get(id);
    if (repo && repo.enabled && repo.role === 'distro') return repo;
  }
  throw new UsageError(`profile "${profile.name}" has no enabled distro repo: cannot tell which distribution the submission is for`);
}

/** An arch of the submitted package the profile installs (a bare name or `any` takes the profile's first). */
function installableArch(profile: ProfileConfig, format: PackageFormat, arch: string | null): string {
  if (arch !== null && (profile.arches.length === 0 || profile.arches.includes(arch))) return arch;
  return profile.arches[0] ?? (format === 'rpm' ? 'noarch' : 'all');
}

function submissionCandidate(
  submitted: SubmittedName,
  submission: Submission,
  format: PackageFormat,
  profile: ProfileConfig,
  distroRepo: RepoConfig,
  distroVendor: string,
  now: number,
): Candidate | null {
  if (submission.version === null) return null;
  const parts = versionScheme(format).parse(submission.version);
  return {
    repoId: SUBMISSION_REPO,
    name: submitted.name,
    arch: installableArch(profile, format, submitted.arch),
    ...parts,
    evr: submission.version,
    // dnf's vendor lock compares header Vendors: a distro build carries the distribution's.
    vendor: format === 'rpm' ? (submission.vendor ?? distroRepo.vendor) : null,
    sourceName: submitted.sourceName,
    url: submitted.url,
    summary: submitted.summary,
    buildTime: Math.floor(now / 1000),
    firstSeen: now,
    repoVendor: distroVendor,
    role: 'distro',
    format,
  };
}

/** Per vendor: earliest times and newest version, like a clash's vendor summary. */
function summarise(vendor: string, candidates: readonly Candidate[], format: PackageFormat): ClashVendor {
  let earliestBuildTime: number | null = null;
  let earliestFirstSeen = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c.buildTime !== null && (earliestBuildTime === null || c.buildTime < earliestBuildTime)) earliestBuildTime = c.buildTime;
    if (c.firstSeen < earliestFirstSeen) earliestFirstSeen = c.firstSeen;
  }
  const best = newest(format, candidates)!;
  return {
    vendor,
    repos: [...new Set(candidates.map((c) => c.repoId))].sort(),
    newest: versionRef(best),
    versionCount: new Set(candidates.map((c) => c.evr)).size,
    earliestBuildTime,
    earliestFirstSeen,
  };
}

/**
 * What a vendor's versions say about the software. A source package named like the clashing name
 * itself on both sides says nothing beyond "they chose the same name" — the very thing under
 * question — so such source names are left out on both sides.
 */
function softwareFactsPair(name: string, submitted: SubmittedName, distroVendor: string, vendor: string, theirs: readonly Candidate[]): [SoftwareFacts, SoftwareFacts] {
  const theirSources = [...new Set(theirs.map((c) => c.sourceName).filter((s): s is string => s !== null))];
  const uninformative = submitted.sourceName === name && theirSources.every((s) => s === name);
  const mine: SoftwareFacts = {
    vendor: distroVendor,
    urls: submitted.url ? [submitted.url] : [],
    sourceNames: uninformative ? [] : [submitted.sourceName],
    summaries: submitted.summary ? [submitted.summary] : [],
  };
  const other: SoftwareFacts = {
    vendor,
    urls: [...new Set(theirs.map((c) => c.url).filter((u): u is string => u !== null && u !== ''))],
    sourceNames: uninformative ? [] : theirSources,
    summaries: [...new Set(theirs.map((c) => c.summary).filter((s): s is string => s !== null && s !== ''))],
  };
  return [mine, other];
}

function toInstalled(c: Candidate): InstalledPackage {
  return { name: c.name, arch: c.arch, epoch: c.epoch, version: c.version, release: c.release, evr: c.evr, vendor: c.vendor, installTime: null };
}

/** Everything the checks of one run share. */
interface Context {
  input: CheckInput;
  format: PackageFormat;
  profile: ProfileConfig;
  distroRepo: RepoConfig;
  distroVendor: string;
  vendors: VendorNormaliser;
  /** Every configured repo's current versions as candidates, by name (source arches left out). */
  allByName: Map<string, Candidate[]>;
  /** The target profile's candidates by name. */
  targetByName: Map<string, Candidate[]>;
  /** The target profile with the virtual submission repo right after its distro repo. */
  withSubmission: { profile: ProfileConfig; repos: Map<string, RepoConfig>; releases: Map<string, AptReleaseFacts> };
}

/**
 * Every configured repo's current versions of `names`, in the submission's format. Another
 * format's repos are another package manager's namespace: Debian's bash does not collide with a
 * Fedora bash, and no dnf user is moved by an apt repo.
 */
function indexAllCandidates(analysis: AnalysisInput, vendors: VendorNormaliser, names: ReadonlySet<string>, format: PackageFormat): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const v of analysis.current) {
    if (!names.has(v.name) || v.arch === 'src' || v.arch === 'nosrc' || v.arch === 'source') continue;
    const repo = analysis.repos.get(v.repoId);
    // Versions of repos no longer configured have no vendor or role to judge them by.
    if (!repo || repo.format !== format) continue;
    const c: Candidate = { ...v, repoVendor: vendors.canonical(repo.vendor), role: repo.role, format: repo.format };
    const list = out.get(v.name);
    if (list) list.push(c);
    else out.set(v.name, [c]);
  }
  return out;
}

function resolveWith(ctx: Context, name: string, extra: Candidate | null, installed: InstalledPackage[] = []): Resolution[] {
  const candidates = [...(ctx.targetByName.get(name) ?? []), ...(extra ? [extra] : [])];
  return resolveProfile({
    profile: ctx.withSubmission.profile,
    repos: ctx.withSubmission.repos,
    candidates,
    releases: ctx.withSubmission.releases,
    installed,
  });
}

/** The winner of `name` from resolutions (the profile's most preferred arch). */
function winnerOf(ctx: Context, resolutions: readonly Resolution[], name: string): Candidate | null {
  const rank = (arch: string): number => {
    const i = ctx.profile.arches.indexOf(arch);
    return i === -1 ? ctx.profile.arches.length : i;
  };
  let best: Resolution | null = null;
  for (const r of resolutions) {
    if (r.name !== name || r.winner === null || r.installed) continue;
    if (best === null || rank(r.arch) < rank(best.arch)) best = r;
  }
  return best?.winner ?? null;
}

function nameTaken(ctx: Context, submitted: SubmittedName, name: string, via: 'name' | 'provides', sub: Candidate | null): { finding: NameTakenFinding | null } {
  const all = ctx.allByName.get(name) ?? [];
  const others = all.filter((c) => c.repoVendor !== ctx.distroVendor);
  if (others.length === 0) return { finding: null };
  const target = new Set(ctx.profile.repos);
  const perVendor = byVendor(others);

  const beforeWinner = via === 'name' ? winnerOf(ctx, resolveWith(ctx, name, null), name) : null;
  const afterWinner = via === 'name' && sub ? winnerOf(ctx, resolveWith(ctx, name, sub), name) : null;

  const takenBy: TakenBy[] = [];
  for (const [vendor, cs] of perVendor) {
    const [mine, theirs] = softwareFactsPair(name, submitted, ctx.distroVendor, vendor, cs);
    const software = judgeSameSoftware(name, [mine, theirs]);
    const inTargetCandidates = (ctx.targetByName.get(name) ?? []).filter((c) => c.repoVendor === vendor);
    let moved: TakenBy['moved'] = null;
    if (via === 'name' && sub && inTargetCandidates.length > 0) {
      // Users of this vendor have its best version (of the preferred arch) installed.
      const theirsBest = newest(ctx.format, inTargetCandidates)!;
      const installed = toInstalled(theirsBest);
      const resolution = resolveWith(ctx, name, sub, [installed]).find((r) => r.name === name && r.installed === installed);
      moved = {
        onUpgrade: resolution?.upgradeTo?.repoId === SUBMISSION_REPO,
        onSync: resolution?.syncTo?.repoId === SUBMISSION_REPO,
      };
    }
    takenBy.push({
      ...summarise(vendor, cs, ctx.format),
      urls: [...new Set(cs.map((c) => c.url).filter((u): u is string => u !== null && u !== ''))].sort(),
      software,
      inTarget: inTargetCandidates.length > 0,
      moved,
    });
  }

  // The distribution counts for "who came first" when it already ships the name somewhere.
  const own = all.filter((c) => c.repoVendor === ctx.distroVendor);
  const contenders: ClashVendor[] = own.length > 0 ? [...takenBy, summarise(ctx.distroVendor, own, ctx.format)] : [...takenBy];
  const first = firstComer(contenders);
  takenBy.sort((a, b) => Number(b.vendor === first.vendor) - Number(a.vendor === first.vendor) || (a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : 0));

  const verdicts = takenBy.map((t) => t.software.verdict);
  const software: SameSoftware = verdicts.includes('different') ? 'different' : verdicts.every((v) => v === 'same') ? 'same' : 'unknown';
  const movesUsersOf = takenBy.filter((t) => t.moved && (t.moved.onUpgrade || t.moved.onSync)).map((t) => t.vendor);
  const movesFirstComer = first.vendor !== null && movesUsersOf.includes(first.vendor);
  const severity: Severity =
    software === 'different' || movesFirstComer || (first.vendor === null && movesUsersOf.length > 0)
      ? 'error'
      : first.vendor === ctx.distroVendor && movesUsersOf.length === 0
        ? 'info'
        : 'warning';

  const who = takenBy.map((t) => `${t.vendor} (${t.repos.join(', ')} ${t.newest.evr}${t.vendor === first.vendor ? ', first' : ''}${t.software.verdict === 'different' ? ', a different program' : t.software.verdict === 'same' ? ', same software' : ''})`);
  const subjectText = via === 'name' ? name : `${name} (Provides of ${submitted.name})`;
  const moveText = movesUsersOf.length
    ? `; ${sub?.evr ?? 'the submission'} would win and move users of ${movesUsersOf.join(', ')} to ${ctx.distroVendor}`
    : afterWinner?.repoId === SUBMISSION_REPO
      ? `; ${sub!.evr} would win for new installs`
      : '';
  const firstRepos = first.vendor === null ? [] : (contenders.find((c) => c.vendor === first.vendor)?.repos ?? []);
  return {
    finding: {
      kind: 'name-taken',
      severity,
      key: checkKey('name-taken', ctx.input.target, name),
      name,
      package: submitted.name,
      title: `${subjectText} is already shipped by ${who.join(', ')}${moveText}`,
      via,
      distroVendor: ctx.distroVendor,
      takenBy,
      firstComer: first.vendor,
      firstComerRepos: firstRepos,
      firstComerEvidence: first.evidence,
      software,
      winnerBefore: beforeWinner ? versionRef(beforeWinner) : null,
      winnerAfter: afterWinner ? versionRef(afterWinner) : null,
      submissionWins: afterWinner?.repoId === SUBMISSION_REPO,
      movesUsersOf,
    },
  };
}

function plainCollision(ctx: Context, submitted: SubmittedName, name: string, via: 'name' | 'provides'): PlainCollisionFinding | null {
  const own = (ctx.targetByName.get(name) ?? []).filter((c) => c.repoVendor === ctx.distroVendor && c.role === 'distro');
  const foreign = own.filter((c) => c.sourceName !== submitted.sourceName);
  if (foreign.length === 0) return null;
  const seen = new Set<string>();
  const shippedBy: PlainCollisionFinding['shippedBy'] = [];
  for (const c of foreign) {
    const k = `${c.repoId}|${c.evr}|${c.sourceName}`;
    if (seen.has(k)) continue;
    seen.add(k);
    shippedBy.push({ repoId: c.repoId, evr: c.evr, sourceName: c.sourceName });
  }
  const unknownSource = shippedBy.every((s) => s.sourceName === null);
  const sources = [...new Set(shippedBy.map((s) => s.sourceName ?? '(unknown source)'))].join(', ');
  return {
    kind: 'plain-collision',
    severity: via === 'name' && !unknownSource ? 'error' : 'warning',
    key: checkKey('plain-collision', ctx.input.target, name),
    name,
    package: submitted.name,
    title: `${ctx.profile.name} already ships ${name} from source ${sources}${via === 'provides' ? ` (Provides of ${submitted.name})` : ''}, not from ${submitted.sourceName}`,
    via,
    submittedSource: submitted.sourceName,
    shippedBy,
  };
}

function lagCheck(ctx: Context, submitted: SubmittedName, sub: Candidate): { finding: CheckLagFinding | null; skipped: string | null } {
  const names = [submitted.name, ...(ctx.input.analysis.aliases.get(submitted.name) ?? [])];
  const upstreamVersions: Array<{ repoId: string; name: string; evr: string; buildTime: number | null; firstSeen: number; current: boolean }> = [];
  for (const name of names) {
    const upstream = (ctx.allByName.get(name) ?? []).filter((c) => c.role === 'upstream');
    for (const [vendor, cs] of byVendor(upstream)) {
      // Another program that happens to share the name has no say in how far behind we are.
      if (vendor !== ctx.distroVendor && judgeSameSoftware(name, softwareFactsPair(name, submitted, ctx.distroVendor, vendor, cs)).verdict === 'different') continue;
      const repos = new Set(cs.map((c) => c.repoId));
      for (const c of cs) upstreamVersions.push({ ...c, current: true });
      for (const iv of ctx.input.analysis.history) {
        if (iv.lastSeen !== null && iv.name === name && repos.has(iv.repoId)) upstreamVersions.push({ ...iv, current: false });
      }
    }
  }
  let releases: UpstreamRelease[];
  if (upstreamVersions.length > 0) {
    releases = [...toUpstreamReleases(upstreamVersions, (id) => ctx.input.analysis.repos.get(id)?.format).values()].flat();
  } else {
    // No upstream repo: the upstream's own release feed, mapped from the submission's metadata
    // (or, when that says nothing, from the target's package of the same name).
    const feed = feedReleasesFor(ctx, sub);
    if (feed === null) return { finding: null, skipped: 'no upstream repo ships this software and no release feed is stored for it' };
    releases = feed;
  }
  const lag = lagOf(ctx.profile.name, ctx.format, sub, releases, ctx.input.analysis.now, { includePrereleases: ctx.input.analysis.includePrereleases === true });
  if (lag === null) return { finding: null, skipped: null };
  return {
    skipped: null,
    finding: {
      kind: 'lag',
      severity: lag.severity,
      key: checkKey('lag', ctx.input.target, submitted.name),
      name: submitted.name,
      package: submitted.name,
      title: `${submitted.name} ${lag.distro.upstreamVersion} is ${lag.newerReleases} release${lag.newerReleases === 1 ? '' : 's'} behind upstream ${lag.upstream.upstreamVersion} (${lag.upstream.repoId}; ${lag.gap} gap, ${lag.daysBehind} days)${lag.abandonedSeries ? `; upstream no longer ships ${lag.distroMajor}.x` : ''}`,
      submitted: { evr: sub.evr, upstreamVersion: lag.distro.upstreamVersion },
      upstream: lag.upstream,
      gap: lag.gap,
      newerReleases: lag.newerReleases,
      behindSince: lag.behindSince,
      behindSinceEvidence: lag.behindSinceEvidence,
      daysBehind: lag.daysBehind,
      abandonedSeries: lag.abandonedSeries,
    },
  };
}

function feedReleasesFor(ctx: Context, sub: Candidate): UpstreamRelease[] | null {
  const feeds = ctx.input.analysis.upstreamFeeds;
  if (!feeds || feeds.size === 0) return null;
  const shipped = (ctx.targetByName.get(sub.name) ?? []).filter((c) => c.role === 'distro');
  for (const facts of [sub, ...shipped]) {
    const feed = mapPackage({ name: facts.name, sourceName: facts.sourceName, url: facts.url, format: ctx.format }, ctx.input.analysis.upstreamMapping ?? {}).feed;
    const stored = feed ? feeds.get(feedKey(feed)) : undefined;
    if (feed && stored && stored.length > 0) return feedUpstreamReleases(feedKey(feed), stored);
  }
  return null;
}

/** One step of the upgrade-path check: the submission against one other release's best distro version. */
function upgradeStep(
  ctx: Context,
  submitted: SubmittedName,
  sub: Candidate,
  path: string,
  other: ProfileConfig,
  problem: UpgradePathFinding['problem'],
): UpgradePathFinding | null {
  const distro = candidatesFor(other, ctx.input.analysis, ctx.vendors).filter((c) => c.name === submitted.name && c.role === 'distro');
  const best = newest(other.format, distro);
  if (!best) return null;
  const order = versionScheme(ctx.format).compare(sub, best);
  if (problem === 'below-earlier' ? order >= 0 : order <= 0) return null;
  const [lower, higher] = order < 0 ? [sub.evr, best.evr] : [best.evr, sub.evr];
  return {
    kind: 'upgrade-path',
    severity: problem === 'below-earlier' ? 'error' : 'warning',
    key: `${checkKey('upgrade-path', ctx.input.target, submitted.name)}|${path}|${other.name}`,
    name: submitted.name,
    package: submitted.name,
    title:
      problem === 'below-earlier'
        ? `${submitted.name} ${sub.evr} is lower than ${best.evr} (${best.repoId}) in the earlier release ${other.name}: the upgrade to ${ctx.profile.name} would go backwards`
        : `${submitted.name} ${sub.evr} is higher than ${best.evr} (${best.repoId}) in the next release ${other.name}: upgrading to ${other.name} would go backwards`,
    path,
    problem,
    submitted: { profile: ctx.profile.name, evr: sub.evr },
    other: { profile: other.name, repoId: best.repoId, evr: best.evr },
    gap: versionScheme(ctx.format).gap(lower, higher),
  };
}

export function runCheck(input: CheckInput): CheckResult {
  const { analysis, submission } = input;
  const profile = analysis.profiles.find((p) => p.name === input.target);
  if (!profile) throw new UsageError(`unknown profile "${input.target}" (configured: ${analysis.profiles.map((p) => p.name).join(', ') || 'none'})`);
  const format = submission.format ?? profile.format;
  if (format !== profile.format) throw new UsageError(`a ${format} submission cannot be checked against the ${profile.format} profile "${profile.name}"`);
  const vendors = vendorNormaliser(analysis.vendorEquivalences);
  const distroRepo = distroRepoOf(profile, analysis.repos);
  const distroVendor = vendors.canonical(distroRepo.vendor);

  const subjects: Array<{ submitted: SubmittedName; name: string; via: 'name' | 'provides' }> = [];
  const binaryNames = new Set(submission.names.map((n) => n.name));
  const seenSubjects = new Set<string>();
  for (const submitted of submission.names) subjects.push({ submitted, name: submitted.name, via: 'name' });
  for (const submitted of submission.names) {
    for (const p of submitted.provides) {
      if (binaryNames.has(p) || seenSubjects.has(p)) continue;
      seenSubjects.add(p);
      subjects.push({ submitted, name: p, via: 'provides' });
    }
  }
  const names = new Set(subjects.map((s) => s.name));
  const aliasNames = submission.names.flatMap((n) => analysis.aliases.get(n.name) ?? []);
  const allByName = indexAllCandidates(analysis, vendors, new Set([...names, ...aliasNames]), format);
  const targetRepos = new Set(profile.repos);
  const arches = profile.arches.length ? new Set(profile.arches) : null;
  const targetByName = new Map<string, Candidate[]>();
  for (const [name, cs] of allByName) {
    const inTarget = cs.filter((c) => targetRepos.has(c.repoId) && analysis.repos.get(c.repoId)!.enabled && (!arches || arches.has(c.arch)));
    if (inTarget.length) targetByName.set(name, inTarget);
  }

  const virtualRepo: RepoConfig = { ...distroRepo, id: SUBMISSION_REPO, name: 'the submission' };
  const repoIds = [...profile.repos];
  repoIds.splice(repoIds.indexOf(distroRepo.id) + 1, 0, SUBMISSION_REPO);
  const releases = new Map(analysis.releases);
  const distroFacts = analysis.releases.get(distroRepo.id);
  if (distroFacts) releases.set(SUBMISSION_REPO, distroFacts);
  const ctx: Context = {
    input,
    format,
    profile,
    distroRepo,
    distroVendor,
    vendors,
    allByName,
    targetByName,
    withSubmission: { profile: { ...profile, repos: repoIds }, repos: new Map([...analysis.repos, [SUBMISSION_REPO, virtualRepo]]), releases },
  };

  const checks: CheckPerformed[] = [];
  const findings: CheckFinding[] = [];
  const record = (kind: CheckKind, subject: string, name: string, finding: CheckFinding | null, skipped: string | null = null): void => {
    checks.push({ kind, subject, name, skipped, findings: finding ? [finding.key] : [] });
    if (finding) findings.push(finding);
  };

  // What each check reads, to tell "found nothing" from "had nothing to look at".
  const withoutData = input.reposWithoutData ?? new Set<string>();
  const enabledIds = (repos: Iterable<RepoConfig>, keep: (r: RepoConfig) => boolean): string[] =>
    [...repos].filter((r) => r.enabled && r.format === format && keep(r)).map((r) => r.id);
  const noDataFor = (ids: readonly string[]): string | null =>
    ids.length > 0 && ids.every((id) => withoutData.has(id)) ? `no data for ${ids.join(', ')}` : null;
  const distroReposOf = (p: ProfileConfig): string[] =>
    enabledIds(p.repos.map((id) => analysis.repos.get(id)).filter((r): r is RepoConfig => r !== undefined), (r) => r.role === 'distro');
  const noDataForNames = noDataFor(enabledIds(analysis.repos.values(), () => true));
  const noDataForTarget = noDataFor(distroReposOf(profile));
  const noDataForUpstream = noDataFor(enabledIds(analysis.repos.values(), (r) => r.role === 'upstream'));

  const subCandidates = new Map(submission.names.map((n) => [n.name, submissionCandidate(n, submission, format, profile, distroRepo, distroVendor, analysis.now)]));
  for (const { submitted, name, via } of subjects) {
    const subject = via === 'name' ? name : `${name} (Provides of ${submitted.name})`;
    if (noDataForNames) record('name-taken', subject, name, null, noDataForNames);
    else record('name-taken', subject, name, nameTaken(ctx, submitted, name, via, subCandidates.get(submitted.name) ?? null).finding);
    if (noDataForTarget) record('plain-collision', subject, name, null, noDataForTarget);
    else record('plain-collision', subject, name, plainCollision(ctx, submitted, name, via));
  }

  const paths = analysis.upgradePaths.filter((p) => p.profiles.includes(profile.name));
  const profilesByName = new Map(analysis.profiles.map((p) => [p.name, p]));
  for (const submitted of submission.names) {
    const sub = subCandidates.get(submitted.name) ?? null;
    if (sub === null) {
      record('lag', submitted.name, submitted.name, null, 'no version given (--version)');
      record('upgrade-path', submitted.name, submitted.name, null, 'no version given (--version)');
      continue;
    }
    if (noDataForUpstream) record('lag', submitted.name, submitted.name, null, noDataForUpstream);
    else {
      const lag = lagCheck(ctx, submitted, sub);
      record('lag', submitted.name, submitted.name, lag.finding, lag.skipped);
    }
    if (paths.length === 0) {
      record('upgrade-path', submitted.name, submitted.name, null, `no upgrade path contains ${profile.name}`);
      continue;
    }
    for (const path of paths) {
      const at = path.profiles.indexOf(profile.name);
      path.profiles.forEach((otherName, i) => {
        const other = profilesByName.get(otherName);
        if (i === at || i > at + 1 || !other) return;
        const problem = i < at ? 'below-earlier' : 'above-next';
        const subject = `${path.name}: ${i < at ? `${otherName} → ${profile.name}` : `${profile.name} → ${otherName}`} (${submitted.name})`;
        const noData = noDataFor(distroReposOf(other));
        if (noData) record('upgrade-path', subject, submitted.name, null, noData);
        else record('upgrade-path', subject, submitted.name, upgradeStep(ctx, submitted, sub, path.name, other, problem));
      });
    }
  }

  findings.sort(compareCheckFindings);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: CHECK_SCHEMA_VERSION,
    generatedAt: new Date(analysis.now).toISOString(),
    target: profile.name,
    format,
    distroVendor,
    submission: {
      kind: submission.kind,
      path: submission.path,
      sourceName: submission.sourceName,
      version: submission.version,
      names: submission.names.map((n) => ({ name: n.name, provides: n.provides, url: n.url, summary: n.summary })),
    },
    upgradePaths: paths.map((p) => p.name),
    checks,
    counts: { total: findings.length, bySeverity },
    findings,
  };
}

/** True when some finding is at or above the threshold (--fail-on). */
export function checkFails(result: CheckResult, threshold: Severity): boolean {
  return result.findings.some((f) => atOrAbove(f.severity, threshold));
}
