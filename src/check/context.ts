/**
 * What the checks of one run share: the target, its distribution, the candidates by name, and the
 * target profile set up with the submission in a virtual repo right after the distro repo.
 */
import type { AnalysisInput, AptReleaseFacts, Candidate } from '../analysis/types.js';
import type { SoftwareFacts } from '../analysis/same-software.js';
import { canonicalPublisher, vendorNormaliser, type VendorNormaliser } from '../analysis/vendors.js';
import type { ProfileConfig, RepoConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { PackageFormat } from '../formats/types.js';
import { versionScheme } from '../formats/version-scheme.js';
import type { Submission, SubmittedName } from './submission.js';
import { SUBMISSION_REPO, type CheckInput, type CheckKind } from './types.js';

export const checkKey = (kind: CheckKind, target: string, subject: string): string => `check|${kind}|${target}|${subject}`;

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

export function submissionCandidate(
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
    publisher: distroVendor,
    role: 'distro',
    format,
  };
}

/**
 * What a vendor's versions say about the software. A source package named like the clashing name
 * itself on both sides says nothing beyond "they chose the same name" — the very thing under
 * question — so such source names are left out on both sides.
 */
export function softwareFactsPair(name: string, submitted: SubmittedName, distroVendor: string, vendor: string, theirs: readonly Candidate[]): [SoftwareFacts, SoftwareFacts] {
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

/** Everything the checks of one run share. */
export interface Context {
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
    const c: Candidate = { ...v, repoVendor: vendors.canonical(repo.vendor), publisher: canonicalPublisher(vendors, repo.format, v.vendor, repo.vendor), role: repo.role, format: repo.format };
    const list = out.get(v.name);
    if (list) list.push(c);
    else out.set(v.name, [c]);
  }
  return out;
}

/** The context of a check of `input` against `profile`, for the candidates of `names`. */
export function buildContext(input: CheckInput, profile: ProfileConfig, format: PackageFormat, names: ReadonlySet<string>): Context {
  const { analysis } = input;
  const vendors = vendorNormaliser(analysis.vendorEquivalences);
  const distroRepo = distroRepoOf(profile, analysis.repos);
  const distroVendor = vendors.canonical(distroRepo.vendor);

  const allByName = indexAllCandidates(analysis, vendors, names, format);
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
  return {
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
}
