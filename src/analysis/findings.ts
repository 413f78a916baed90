/**
 * What the analyses report: one union of finding shapes, their stable keys, and severity order.
 * Every finding is plain JSON (no Maps, no Dates: times are ms since the epoch, build times are
 * seconds as in the package metadata) so `--json` output and stored weekly reports are the
 * objects themselves; schema/audit.schema.json describes them.
 */
import type { FindingBase, FindingKind, Severity } from './types.js';
import type { Gap } from '../formats/upstream-version.js';

/** One version of one repo, as findings cite it. */
export interface VersionRef {
  repoId: string;
  /** Canonical vendor of the repo (vendor-equivalences applied). */
  vendor: string;
  evr: string;
  arch: string;
}

/** Which clock dated something: the package's build time (the vendor's) or when we first saw it. */
export type TimeEvidence = 'buildTime' | 'firstSeen' | 'published';

export type SameSoftware = 'same' | 'different' | 'unknown';

export interface SoftwareEvidence {
  signal: 'url' | 'source' | 'summary';
  verdict: SameSoftware;
  /** Why, e.g. "grafana.com ~ github.com/grafana/grafana: project 'grafana'". */
  detail: string;
}

export interface ClashVendor {
  vendor: string;
  /** The vendor's repos in the profile that ship the name, sorted. */
  repos: string[];
  /** Its highest version. */
  newest: VersionRef;
  /** Distinct EVRs it ships (all arches together). */
  versionCount: number;
  /** Earliest build time of its versions (s), null when none has one (deb). */
  earliestBuildTime: number | null;
  /** Earliest first_seen of its versions (ms). */
  earliestFirstSeen: number;
}

export interface ClashFinding extends FindingBase {
  kind: 'clash';
  scope: string;
  profile: string;
  /** First-comer first (when known), then by vendor name. */
  vendors: ClashVendor[];
  /** Canonical vendor that shipped the name first; null on a tie (e.g. one crawl, no build times). */
  firstComer: string | null;
  firstComerEvidence: TimeEvidence;
  software: { verdict: SameSoftware; evidence: SoftwareEvidence[] };
  /** Who the package manager picks now; null when the winners input has none for the name. */
  winner: VersionRef | null;
  /** null when the first-comer or the winner is unknown. */
  winnerIsFirstComer: boolean | null;
  /** Ordered by version, the vendors' versions alternate (A < B < A): each overtakes the other. */
  interleaved: boolean;
  /** Other audited profiles where the same name clashes (each has its own finding). */
  alsoIn: string[];
}

export interface WinnerStep {
  vendor: string;
  repoId: string;
  evr: string;
  from: number;
  to: number | null;
}

export interface LeadStep {
  /** When this vendor took the lead (ms). */
  at: number;
  vendor: string;
  evr: string;
}

export interface PingPongFinding extends FindingBase {
  kind: 'pingpong';
  scope: string;
  profile: string;
  /** From the winner history: set when the winner's vendor went A→B→A inside the window. */
  observed: {
    windowDays: number;
    /** Vendor changes inside the window (rollback-caused ones excluded). */
    flips: number;
    /** The winners inside the window, vendor changes only, oldest first. */
    sequence: WinnerStep[];
    /** Winner changes left out because a rollback of the previous winner's repo caused them. */
    ignoredForRollback: number;
  } | null;
  /** From the release histories: set when the lead changed hands at least twice. */
  predicted: {
    evidence: TimeEvidence;
    leadChanges: number;
    /** Each time the lead changed hands, starting with the first leader. */
    leads: LeadStep[];
  } | null;
}

export interface RollbackFinding extends FindingBase {
  kind: 'rollback';
  scope: null;
  repoId: string;
  /**
   * 'refused': the crawler saw older metadata and kept the stored snapshot (a RepoEvent);
   * 'observed': the stored version history of the name went back (the best version vanished and
   * an older one became the best).
   */
  source: 'refused' | 'observed';
  /** When it happened (ms): the event's time, or the first moment the lost version was absent. */
  at: number;
  /** The version that went away (observed), null for refused. */
  lost: string | null;
  /** The version that became the best instead (observed), null for refused. */
  best: string | null;
  /** When a version at least as high as `lost` was back (ms), null if it is not. */
  recoveredAt: number | null;
  message: string;
}

export interface RegressionSide {
  profile: string;
  repoId: string;
  evr: string;
  arch: string;
}

export interface RegressionFinding extends FindingBase {
  kind: 'regression';
  scope: string;
  path: string;
  /** 'lower': N+1's best is below N's; 'dropped': N+1 does not ship the name at all. */
  change: 'lower' | 'dropped';
  from: RegressionSide;
  to: RegressionSide | null;
  /** Upstream gap between the two (null for dropped, or when a version does not parse). */
  gap: Gap | null;
}

export interface LagFinding extends FindingBase {
  kind: 'lag';
  scope: string;
  profile: string;
  distro: { repoId: string; evr: string; upstreamVersion: string };
  /**
   * The upstream's newest release. From an upstream repo: repoId is the repo. From a release feed:
   * repoId is the feed key (`github:prometheus/prometheus`), `source` its kind, `url` the release's
   * page and `publishedAt` its publication time (ms; null when the source gives none).
   */
  upstream: { repoId: string; name: string; evr: string; upstreamVersion: string; source?: string; url?: string | null; publishedAt?: number | null };
  gap: Gap;
  /** Distinct upstream releases newer than the distro's. */
  newerReleases: number;
  /** When the first newer upstream release appeared (ms), and by which clock. */
  behindSince: number;
  behindSinceEvidence: TimeEvidence;
  daysBehind: number;
  /** The distro's major version number (null when it has none). */
  distroMajor: number | null;
  /** The upstream ships nothing of the distro's major version any more. */
  abandonedSeries: boolean;
}

export type Finding = ClashFinding | PingPongFinding | RollbackFinding | RegressionFinding | LagFinding;

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];
export const FINDING_KINDS: readonly FindingKind[] = ['clash', 'pingpong', 'rollback', 'regression', 'lag'];

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const KIND_RANK: Record<FindingKind, number> = { clash: 0, pingpong: 1, rollback: 2, regression: 3, lag: 4 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/** `--fail-on warning`: true for warning and error. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** Report order: most severe first, then kind (clash, pingpong, rollback, regression, lag), name, key. */
export function compareFindings(a: FindingBase, b: FindingBase): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/**
 * Stable keys: the same situation gets the same key on every run, whatever the versions involved
 * now, so the weekly report can say new / ongoing / resolved. Parts are joined with '|', which no
 * profile, repo or package name contains in practice.
 */
export const findingKey = {
  clash: (profile: string, name: string): string => `clash|${profile}|${name}`,
  pingpong: (profile: string, name: string): string => `pingpong|${profile}|${name}`,
  /** One rollback of one name in one repo is identified by the version it lost. */
  observedRollback: (repoId: string, name: string, lost: string): string => `rollback|${repoId}|${name}|${lost}`,
  /** A refused rollback is one event: its time identifies it. */
  refusedRollback: (repoId: string, at: number): string => `rollback|${repoId}|*|${at}`,
  regression: (path: string, fromProfile: string, toProfile: string, name: string): string =>
    `regression|${path}|${fromProfile}>${toProfile}|${name}`,
  lag: (profile: string, name: string): string => `lag|${profile}|${name}`,
};

/** Name used by findings about a whole repo (a refused rollback) rather than one package. */
export const WHOLE_REPO = '*';
