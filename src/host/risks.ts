/**
 * From the resolver's verdicts on a host's installed packages to the host report: per package the
 * action of `upgrade` and of the sync command, where it comes from and goes to, its clash or
 * ping-pong history, and the fixes. Pure: the CLI loads the data and renders the result.
 */
import { resolveProfile } from '../analysis/resolve/resolve.js';
import { repoLabel } from '../config/repo-identity.js';
import { publisherOf } from '../analysis/vendors.js';
import type { Finding } from '../analysis/findings.js';
import type { Action, AptReleaseFacts, Candidate, InstalledPackage, Resolution } from '../analysis/types.js';
import type { ProfileConfig, RepoConfig } from '../config/types.js';
import type { DnfRepoFacts } from '../store/index.js';
import type { PackageFormat } from '../formats/types.js';
import { versionScheme } from '../formats/version-scheme.js';
import { fixesFor, type FixContext } from './fixes.js';
import {
  HOST_ACTIONS,
  HOST_SCHEMA_VERSION,
  type HostAction,
  type HostFix,
  type HostHistory,
  type HostReport,
  type HostRepoState,
  type HostRisk,
  type HostRiskKind,
  type HostSide,
  type HostSkippedRepo,
  type HostTarget,
} from './types.js';

export interface HostInput {
  profile: ProfileConfig;
  repos: ReadonlyMap<string, RepoConfig>;
  releases: ReadonlyMap<string, AptReleaseFacts>;
  installed: readonly InstalledPackage[];
  installedSource: string;
  /** resolveProfile of the profile with `installed`. */
  resolutions: readonly Resolution[];
  /** Clash and ping-pong findings (any scope; those of this profile are used). */
  findings: readonly Finding[];
  partialData: readonly HostRepoState[];
  failOn: readonly HostRiskKind[];
  /** The last run's view of this host ("name\tarch" → stranded); null on its first run. */
  previousState?: ReadonlyMap<string, boolean> | null;
  /** ms since the epoch. */
  now: number;
  skippedRepos?: readonly HostSkippedRepo[];
  notes?: readonly string[];
  crawlNotes?: readonly string[];
  warnings?: readonly string[];
  /** rpm profiles: the repos' dnf facts the resolutions were made with. */
  dnfFacts?: ReadonlyMap<string, DnfRepoFacts>;
}

const UNKNOWN = '(unknown)';
/** An installed deb whose version no repo carries: apt knows no Origin for it. */
const NOT_IN_ANY_REPO = '(unknown: not in any repo)';

function archChangeLegal(from: string, to: string): boolean {
  return from === to || from === 'noarch' || to === 'noarch';
}

function compareTo(format: PackageFormat, c: Candidate, inst: InstalledPackage): number {
  return versionScheme(format).compare(c, inst);
}

/** Offers the package manager could take for this installed package (not excluded, legal arch). */
function usableOffers(r: Resolution, format: PackageFormat): Candidate[] {
  const inst = r.installed!;
  return r.ranked.filter((e) => e.excluded === undefined && (format === 'deb' || archChangeLegal(inst.arch, e.candidate.arch))).map((e) => e.candidate);
}

function hostAction(a: Action | undefined): HostAction {
  switch (a) {
    case 'upgrade':
    case 'vendor-change':
    case 'downgrade':
    case 'stranded':
    case 'blocked':
    case 'kept-back':
      return a;
    default:
      return 'none';
  }
}

/**
 * The host's reading of a resolution. The resolver's `none` becomes `stranded` when every usable
 * offer is lower than the installed version: the package will never be updated again.
 */
export function classifyResolution(r: Resolution, format: PackageFormat): { action: HostAction; syncAction: HostAction } {
  const inst = r.installed;
  if (!inst) return { action: 'none', syncAction: 'none' };
  const offers = usableOffers(r, format);
  const newerThanAll = offers.length > 0 && offers.every((c) => compareTo(format, c, inst) < 0);
  const read = (a: Action | undefined): HostAction => {
    const h = hostAction(a);
    return h === 'none' && newerThanAll ? 'stranded' : h;
  };
  return { action: read(r.upgradeAction), syncAction: read(r.syncAction ?? r.upgradeAction) };
}

/** Which repo and vendor the installed version belongs to. */
function fromSide(r: Resolution, format: PackageFormat): HostSide {
  const inst = r.installed!;
  const same = r.ranked
    .map((e) => e.candidate)
    .filter((c) => compareTo(format, c, inst) === 0 && (format === 'deb' || (archChangeLegal(inst.arch, c.arch) && (inst.vendor === null || c.vendor === inst.vendor))));
  if (format === 'rpm') return { vendor: inst.vendor ?? UNKNOWN, repo: same[0]?.repoId ?? null };
  // apt's view: the installed version belongs to the Origin of the repo(s) carrying it.
  return { vendor: same[0]?.repoVendor ?? NOT_IN_ANY_REPO, repo: same[0]?.repoId ?? null };
}

function target(c: Candidate | null | undefined, format: PackageFormat, installedName: string): HostTarget | null {
  if (!c) return null;
  // dnf compares header vendors; apt knows only where a version comes from.
  const t: HostTarget = { vendor: publisherOf(format, c.vendor, c.repoVendor), repo: c.repoId, evr: c.evr };
  // Obsoletes: another package replaces the installed one.
  if (c.name !== installedName) t.name = c.name;
  return t;
}

function historiesOf(findings: readonly Finding[], profile: string): Map<string, HostHistory> {
  const rank = { info: 0, warning: 1, error: 2 } as const;
  const out = new Map<string, HostHistory>();
  for (const f of findings) {
    if (f.scope !== profile || (f.kind !== 'clash' && f.kind !== 'pingpong')) continue;
    const h = out.get(f.name) ?? {};
    const held = h[f.kind];
    if (!held || rank[f.severity] > rank[held.severity as keyof typeof rank]) h[f.kind] = { severity: f.severity, title: f.title };
    out.set(f.name, h);
  }
  return out;
}

function isRisky(action: HostAction, syncAction: HostAction, history: HostHistory, failOn: ReadonlySet<HostRiskKind>): boolean {
  if (action !== 'none' && failOn.has(action)) return true;
  if (syncAction !== 'none' && failOn.has(syncAction)) return true;
  return (history.clash !== undefined && failOn.has('clash')) || (history.pingpong !== undefined && failOn.has('pingpong'));
}

function zeroCounts(): Record<HostAction, number> {
  return Object.fromEntries(HOST_ACTIONS.map((a) => [a, 0])) as Record<HostAction, number>;
}

const NEEDS_FIX = new Set<HostAction>(['vendor-change', 'downgrade', 'stranded', 'blocked']);

export function buildHostReport(input: HostInput): HostReport {
  const { profile } = input;
  const format = profile.format;
  const failOn = new Set(input.failOn);
  const histories = historiesOf(input.findings, profile.name);
  const counts = zeroCounts();
  const syncCounts = zeroCounts();
  const packages: HostRisk[] = [];

  for (const r of input.resolutions) {
    if (!r.installed) continue;
    const { action, syncAction } = classifyResolution(r, format);
    counts[action]++;
    syncCounts[syncAction]++;
    const history = histories.get(r.name) ?? {};
    if (action === 'none' && syncAction === 'none' && history.clash === undefined && history.pingpong === undefined) continue;
    const becameStranded = action === 'stranded' && input.previousState?.get(`${r.name}\t${r.arch}`) === false;
    const risk: HostRisk = {
      name: r.name,
      arch: r.arch,
      installed: r.installed.evr,
      action,
      syncAction,
      from: fromSide(r, format),
      to: action === 'none' || action === 'stranded' || action === 'blocked' || action === 'kept-back' ? null : target(r.upgradeTo, format, r.name),
      syncTo: syncAction === 'none' || syncAction === 'stranded' || syncAction === 'blocked' ? null : target(r.syncTo, format, r.name),
      reason: becameStranded
        ? `${r.reason}; stranded since the last run on this host (it was not then)`
        : r.keptBack
          ? `kept back: ${r.keptBack.because} (the candidate ${r.keptBack.to.evr}: ${r.reason})`
          : r.reason,
      history,
      becameStranded,
      risky: becameStranded || isRisky(action, syncAction, history, failOn),
      fixes: [],
    };
    if (r.installOnly) risk.installOnly = true;
    const keptTo = r.keptBack ? target(r.keptBack.to, format, r.name) : null;
    if (r.keptBack && keptTo) risk.keptBack = { wouldBe: hostAction(r.keptBack.wouldBe), to: keptTo, because: r.keptBack.because };
    if (NEEDS_FIX.has(action) || NEEDS_FIX.has(syncAction)) risk.fixes = fixesForResolution(input, r, risk);
    packages.push(risk);
  }
  packages.sort((a, b) => Number(b.risky) - Number(a.risky) || actionRank(a) - actionRank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.arch < b.arch ? -1 : 1));

  const combinedFixes = combineExcludes(packages, input.repos);
  // Repos are shown by the host's own names for them (sections, apt ids), not their store ids.
  const label = (id: string): string => repoLabel(input.repos, id);
  const relabel = [...input.repos.values()].filter((r) => r.label !== undefined && r.label !== r.id).sort((a, b) => b.id.length - a.id.length);
  for (const p of packages) {
    for (const r of relabel) p.reason = p.reason.split(r.id).join(r.label!);
    if (p.from.repo !== null) p.from.repo = label(p.from.repo);
    if (p.to) p.to.repo = label(p.to.repo);
    if (p.syncTo) p.syncTo.repo = label(p.syncTo.repo);
    if (p.keptBack) p.keptBack.to.repo = label(p.keptBack.to.repo);
  }

  return {
    schemaVersion: HOST_SCHEMA_VERSION,
    generatedAt: new Date(input.now).toISOString(),
    manager: format === 'rpm' ? 'dnf' : 'apt',
    commands: format === 'rpm' ? { upgrade: 'dnf upgrade', sync: 'dnf distro-sync' } : { upgrade: 'apt-get upgrade', sync: 'apt-get full-upgrade' },
    installedSource: input.installedSource,
    installedCount: input.installed.length,
    repoCount: profile.repos.length,
    failOn: [...input.failOn],
    counts,
    syncCounts,
    riskyCount: packages.filter((p) => p.risky).length,
    packages,
    combinedFixes,
    partialData: input.partialData.map((p) => ({ ...p, repoId: label(p.repoId) })),
    skippedRepos: [...(input.skippedRepos ?? [])],
    notes: [...(input.notes ?? [])],
    crawlNotes: [...(input.crawlNotes ?? [])],
    warnings: [...(input.warnings ?? [])],
  };
}

/** One `excludepkgs=` line per section, holding every risky package's name for that repo. */
export function combineExcludes(packages: readonly HostRisk[], repos: ReadonlyMap<string, RepoConfig>): HostFix[] {
  // Fixes name sections (a repo's label); find the repo behind each.
  const bySection = new Map([...repos.values()].map((r) => [r.label ?? r.id, r]));
  const names = new Map<string, { names: string[]; verified: boolean }>();
  for (const p of packages) {
    if (!p.risky) continue;
    for (const f of p.fixes) {
      if (f.kind !== 'dnf-excludepkgs' || f.section === null) continue;
      const entry = names.get(f.section) ?? { names: [], verified: true };
      if (!entry.names.includes(p.name)) entry.names.push(p.name);
      entry.verified &&= f.verified;
      names.set(f.section, entry);
    }
  }
  const out: HostFix[] = [];
  for (const [id, entry] of [...names].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const repo = bySection.get(id);
    if (repo?.format !== 'rpm') continue;
    out.push({
      kind: 'dnf-excludepkgs',
      file: repo.definedAt.file,
      section: id,
      text: `excludepkgs=${[...repo.excludepkgs, ...entry.names.filter((n) => !repo.excludepkgs.includes(n))].join(',')}`,
      summary: `keep ${entry.names.join(', ')} from being taken from repo ${id}`,
      verified: entry.verified,
    });
  }
  return out;
}

function actionRank(r: HostRisk): number {
  const order = (a: HostAction) => HOST_ACTIONS.indexOf(a);
  return Math.min(order(r.action), order(r.syncAction));
}

/**
 * Fixes, checked by re-resolving just this package (its own candidates and installed version).
 * When that narrow re-resolution does not reproduce the full verdict (an exclude pattern read
 * differently without the rest of the sack), no fix is claimed to be verified.
 */
function fixesForResolution(input: HostInput, r: Resolution, risk: HostRisk) {
  // The package's own versions and whatever replaces it (an obsoleting package of another name).
  const candidates = [...r.ranked.map((e) => e.candidate), ...[r.upgradeTo, r.syncTo].filter((c): c is Candidate => c != null && c.name !== r.name)];
  const installed = [r.installed!];
  const ctx: FixContext = {
    profile: input.profile,
    repos: input.repos,
    releases: input.releases,
    simulate: (profile, repos) =>
      resolveProfile({ profile, repos, candidates, releases: input.releases, installed, ...(input.dnfFacts ? { dnfFacts: input.dnfFacts } : {}) }).find(
        (x) => x.installed !== undefined && x.name === r.name && x.arch === r.arch,
      ),
    classify: (x) => classifyResolution(x, input.profile.format),
  };
  const baseline = ctx.simulate(input.profile, input.repos);
  const same = baseline !== undefined && (() => {
    const c = ctx.classify(baseline);
    // The narrow re-resolution does not see the rest of the host, so it cannot keep anything back.
    return c.action === (risk.keptBack?.wouldBe ?? risk.action) && c.syncAction === risk.syncAction;
  })();
  const fixes = fixesFor(ctx, risk, r);
  return same ? fixes : fixes.map((f) => ({ ...f, verified: false }));
}
