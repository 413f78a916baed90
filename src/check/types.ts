/** What `repoclash check` takes and gives: its input, the checks it performed, its findings. */
import type { AnalysisInput, Severity } from '../analysis/types.js';
import type { ClashVendor, SameSoftware, SoftwareEvidence, TimeEvidence, VersionRef } from '../analysis/findings.js';
import type { PackageFormat } from '../formats/types.js';
import type { Gap } from '../formats/upstream-version.js';
import type { Submission } from './submission.js';

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
