/**
 * `repoclash check` as a pure function (this file runs the checks; each check is its own file —
 * name-taken.ts, plain-collision.ts, lag.ts, upgrade-path.ts — what they share is context.ts, the
 * result types are types.ts, and reading a submission is inputs.ts): a packager's submission
 * (names, Provides, version) against what the crawled repos ship and the target profile's rules. No I/O; the clock is input.now.
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
import { atOrAbove, SEVERITIES, severityRank } from '../analysis/findings.js';
import type { Severity } from '../analysis/types.js';
import type { ProfileConfig, RepoConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { buildContext, submissionCandidate } from './context.js';
import { lagCheck } from './lag.js';
import { nameTaken } from './name-taken.js';
import { plainCollision } from './plain-collision.js';
import type { SubmittedName } from './submission.js';
import { CHECK_SCHEMA_VERSION, type CheckFinding, type CheckInput, type CheckKind, type CheckPerformed, type CheckResult } from './types.js';
import { upgradeStep } from './upgrade-path.js';

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

export function runCheck(input: CheckInput): CheckResult {
  const { analysis, submission } = input;
  const profile = analysis.profiles.find((p) => p.name === input.target);
  if (!profile) throw new UsageError(`unknown profile "${input.target}" (configured: ${analysis.profiles.map((p) => p.name).join(', ') || 'none'})`);
  const format = submission.format ?? profile.format;
  if (format !== profile.format) throw new UsageError(`a ${format} submission cannot be checked against the ${profile.format} profile "${profile.name}"`);

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
  const ctx = buildContext(input, profile, format, new Set([...names, ...aliasNames]));
  const { distroRepo, distroVendor } = ctx;

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
