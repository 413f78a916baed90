/**
 * The weekly report as a pure function: this week's audit, the previous stored report (or none),
 * repo health and the clock in; what is new, resolved and ongoing out, matched by Finding.key.
 *
 * What the store keeps (StoredWeekly) is the list of findings open at report time, each with the
 * week it was first reported, plus the per-week counts for the chart, so the next report can say
 * "ongoing since 2026-W40 (7 weeks ago)" without the old Finding objects.
 */
import type { AuditResult } from '../analysis/audit.js';
import { compareFindings, FINDING_KINDS, type Finding, type LagFinding, type PingPongFinding } from '../analysis/findings.js';
import type { FindingKind, Severity } from '../analysis/types.js';
import type { FleetReport } from '../fleet/types.js';
import type { Gap } from '../formats/upstream-version.js';
import type { RepoHealth, RepoEvent } from '../store/index.js';
import { findingDetails } from './finding-lines.js';
import { weeksBetween } from './iso-week.js';

export const WEEKLY_SCHEMA_VERSION = 1;
const DAY = 86_400_000;

/** One finding as the report lists it (and the store keeps it). */
export interface ReportedFinding {
  key: string;
  kind: FindingKind;
  severity: Severity;
  name: string;
  scope: string | null;
  title: string;
  details: string[];
  /** ISO week the finding was first reported. */
  since: string;
  /** Whole weeks from `since` to this report's week (0 for a new finding). */
  weeks: number;
}

export interface ChangeCounts {
  new: number;
  resolved: number;
  ongoing: number;
}

export interface LagRow {
  name: string;
  profile: string;
  distroRepo: string;
  distroEvr: string;
  upstreamRepo: string;
  upstreamEvr: string;
  gap: Gap;
  daysBehind: number;
  newerReleases: number;
  abandonedSeries: boolean;
}

/** An upstream release that came out during the report's window and the distribution has not picked up. */
export interface NewUpstreamRow {
  name: string;
  profile: string;
  distroEvr: string;
  /** Feed key (`github:prometheus/prometheus`) or upstream repo. */
  upstreamRepo: string;
  upstreamVersion: string;
  /** The release's page, when the source gives one. */
  url: string | null;
  publishedAt: number;
}

export interface PingPongRow {
  name: string;
  profile: string;
  leadChanges: number;
  /** "vendor evr" of each lead, oldest first. */
  leads: string[];
  /** Who leads now (the last step). */
  leader: string;
  observedFlips: number;
}

export interface RepoProblem {
  repoId: string;
  /** How many events in the report window (0: failing since before the window). */
  count: number;
  /** Time of the latest one (ms). */
  lastAt: number;
  message: string;
  /** The repo's last check failed: its stored data is stale now. */
  stillFailing: boolean;
}

export interface WeeklyHealth {
  /** Failed fetches other than expiry, per repo. */
  failed: RepoProblem[];
  /** Release files past their Valid-Until, per repo. */
  expired: RepoProblem[];
  /** Metadata older than stored (a stale mirror), refused by the crawler, per repo. */
  rollbacks: RepoProblem[];
  /** Repos of the audited profiles that never stored data. */
  missing: string[];
}

export interface WeekCounts {
  week: string;
  /** Findings open at report time (new + ongoing). */
  total: number;
  new: number;
  resolved: number;
  ongoing: number;
}

export interface LagBucket {
  label: string;
  /** Inclusive lower bound in days. */
  minDays: number;
  count: number;
}

export interface WeeklyReport {
  schemaVersion: typeof WEEKLY_SCHEMA_VERSION;
  week: string;
  /** ISO 8601 of `now`. */
  generatedAt: string;
  /** Week of the report compared with; null for the first report. */
  previousWeek: string | null;
  profiles: string[];
  counts: { total: ChangeCounts; byKind: Record<FindingKind, ChangeCounts> };
  /** Most severe first, then kind and name. */
  new: ReportedFinding[];
  resolved: ReportedFinding[];
  /** Longest-running first. */
  ongoing: ReportedFinding[];
  topLag: LagRow[];
  /** Upstream releases published since the previous report (or in the last 7 days) that the distribution lacks, newest first. */
  newUpstreamReleases: NewUpstreamRow[];
  predictedPingPong: PingPongRow[];
  health: WeeklyHealth;
  /** Oldest first, ending with this week. */
  history: WeekCounts[];
  lagDistribution: LagBucket[];
  /** Some audited repo has no data or failed its last check. */
  partial: boolean;
  /** What the hosts reporting to this store said (`repoclash fleet`); absent when none has reported. */
  fleet?: FleetReport;
}

/** What the store keeps of a report for the next one. */
export interface StoredWeekly {
  schemaVersion: typeof WEEKLY_SCHEMA_VERSION;
  week: string;
  generatedAt: string;
  findings: ReportedFinding[];
  history: WeekCounts[];
}

export interface WeeklyInput {
  week: string;
  now: number;
  audit: AuditResult;
  previous: StoredWeekly | null;
  health: readonly RepoHealth[];
  /** Repo events; those after the previous report (or in the last 7 days) count. */
  events: readonly RepoEvent[];
  /** The store's fleet view, when hosts report to it (`host --report-to`). */
  fleet?: FleetReport | null;
  options?: { topLag?: number; historyWeeks?: number };
}

const LAG_BUCKETS: ReadonlyArray<{ label: string; minDays: number }> = [
  { label: '< 30 d', minDays: 0 },
  { label: '30–89 d', minDays: 30 },
  { label: '90–179 d', minDays: 90 },
  { label: '180–364 d', minDays: 180 },
  { label: '≥ 365 d', minDays: 365 },
];

const GAP_RANK: Record<Gap, number> = { major: 4, minor: 3, patch: 2, unknown: 1, none: 0 };

function reported(f: Finding, since: string, week: string): ReportedFinding {
  return {
    key: f.key,
    kind: f.kind,
    severity: f.severity,
    name: f.name,
    scope: f.scope,
    title: f.title,
    details: findingDetails(f),
    since,
    weeks: weeksBetween(since, week),
  };
}

function zeroCounts(): ChangeCounts {
  return { new: 0, resolved: 0, ongoing: 0 };
}

/** Longest-running first, then the audit's order (severity, kind, name, key). */
function byAge(a: ReportedFinding, b: ReportedFinding): number {
  return b.weeks - a.weeks || compareFindings(a, b);
}

export function buildWeeklyReport(input: WeeklyInput): WeeklyReport {
  const { week, audit, previous } = input;
  const before = new Map((previous?.findings ?? []).map((f) => [f.key, f]));
  const currentKeys = new Set(audit.findings.map((f) => f.key));

  const fresh: ReportedFinding[] = [];
  const ongoing: ReportedFinding[] = [];
  for (const f of audit.findings) {
    const earlier = before.get(f.key);
    if (earlier) ongoing.push(reported(f, earlier.since, week));
    else fresh.push(reported(f, week, week));
  }
  // A resolved finding is shown as last reported, with how long it had been open.
  const resolved = [...before.values()]
    .filter((f) => !currentKeys.has(f.key))
    .map((f) => ({ ...f, weeks: weeksBetween(f.since, week) }))
    .sort(compareFindings);
  ongoing.sort(byAge);

  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, zeroCounts()])) as Record<FindingKind, ChangeCounts>;
  for (const f of fresh) byKind[f.kind].new++;
  for (const f of resolved) byKind[f.kind].resolved++;
  for (const f of ongoing) byKind[f.kind].ongoing++;
  const total = { new: fresh.length, resolved: resolved.length, ongoing: ongoing.length };

  const historyWeeks = input.options?.historyWeeks ?? 12;
  const history = [
    ...(previous?.history ?? []).filter((h) => h.week < week),
    { week, total: total.new + total.ongoing, ...total },
  ].slice(-historyWeeks);

  const lags = audit.findings.filter((f): f is LagFinding => f.kind === 'lag');
  const windowStart = previous ? Date.parse(previous.generatedAt) : input.now - 7 * DAY;

  return {
    schemaVersion: WEEKLY_SCHEMA_VERSION,
    week,
    generatedAt: new Date(input.now).toISOString(),
    previousWeek: previous?.week ?? null,
    profiles: [...audit.profiles],
    counts: { total, byKind },
    new: fresh,
    resolved,
    ongoing,
    topLag: topLag(lags, input.options?.topLag ?? 10),
    newUpstreamReleases: newUpstreamReleases(lags, windowStart, input.now),
    predictedPingPong: predictedPingPong(audit.findings.filter((f): f is PingPongFinding => f.kind === 'pingpong')),
    health: weeklyHealth(input.health, input.events, windowStart, input.now),
    history,
    lagDistribution: LAG_BUCKETS.map((b, i) => ({
      ...b,
      count: lags.filter((l) => l.daysBehind >= b.minDays && (i + 1 === LAG_BUCKETS.length || l.daysBehind < LAG_BUCKETS[i + 1]!.minDays)).length,
    })),
    partial: input.health.some((h) => h.missing || h.lastFailure !== null),
    ...(input.fleet ? { fleet: input.fleet } : {}),
  };
}

function newUpstreamReleases(lags: readonly LagFinding[], windowStart: number, now: number): NewUpstreamRow[] {
  return lags
    .filter((l) => l.upstream.publishedAt != null && l.upstream.publishedAt >= windowStart && l.upstream.publishedAt <= now)
    .map((l) => ({
      name: l.name,
      profile: l.profile,
      distroEvr: l.distro.evr,
      upstreamRepo: l.upstream.repoId,
      upstreamVersion: l.upstream.evr,
      url: l.upstream.url ?? null,
      publishedAt: l.upstream.publishedAt!,
    }))
    .sort((a, b) => b.publishedAt - a.publishedAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function topLag(lags: readonly LagFinding[], limit: number): LagRow[] {
  return [...lags]
    .sort((a, b) => b.daysBehind - a.daysBehind || GAP_RANK[b.gap] - GAP_RANK[a.gap] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit)
    .map((l) => ({
      name: l.name,
      profile: l.profile,
      distroRepo: l.distro.repoId,
      distroEvr: l.distro.evr,
      upstreamRepo: l.upstream.repoId,
      upstreamEvr: l.upstream.evr,
      gap: l.gap,
      daysBehind: l.daysBehind,
      newerReleases: l.newerReleases,
      abandonedSeries: l.abandonedSeries,
    }));
}

function predictedPingPong(findings: readonly PingPongFinding[]): PingPongRow[] {
  return findings
    .filter((f) => f.predicted !== null)
    .map((f) => {
      const leads = f.predicted!.leads.map((l) => `${l.vendor} ${l.evr}`);
      return {
        name: f.name,
        profile: f.profile,
        leadChanges: f.predicted!.leadChanges,
        leads,
        leader: leads[leads.length - 1] ?? '',
        observedFlips: f.observed?.flips ?? 0,
      };
    })
    .sort((a, b) => b.leadChanges - a.leadChanges || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The crawler records an expired Release as a failure whose message says so (ExpiredError). */
const isExpiry = (e: RepoEvent): boolean => e.kind === 'failure' && /\bexpired\b/i.test(e.message);

function weeklyHealth(health: readonly RepoHealth[], events: readonly RepoEvent[], windowStart: number, now: number): WeeklyHealth {
  const audited = new Map(health.map((h) => [h.repoId, h]));
  const inWindow = events.filter((e) => audited.has(e.repoId) && e.at > windowStart && e.at <= now);
  const group = (list: readonly RepoEvent[]): RepoProblem[] => {
    const per = new Map<string, RepoProblem>();
    for (const e of list) {
      const p = per.get(e.repoId);
      const h = audited.get(e.repoId);
      const stillFailing = h?.lastFailure !== null && h?.lastFailure !== undefined && h.lastFailure.at === e.at;
      if (!p) per.set(e.repoId, { repoId: e.repoId, count: 1, lastAt: e.at, message: e.message, stillFailing });
      else {
        p.count++;
        if (e.at >= p.lastAt) Object.assign(p, { lastAt: e.at, message: e.message, stillFailing: p.stillFailing || stillFailing });
      }
    }
    return [...per.values()].sort((a, b) => (a.repoId < b.repoId ? -1 : 1));
  };
  const failed = group(inWindow.filter((e) => e.kind === 'failure' && !isExpiry(e)));
  const expired = group(inWindow.filter(isExpiry));
  const rollbacks = group(inWindow.filter((e) => e.kind === 'rollback'));
  // A repo failing since before the window still belongs in the report.
  for (const h of health) {
    if (!h.lastFailure || h.lastFailure.at > windowStart) continue;
    const target = /\bexpired\b/i.test(h.lastFailure.message) ? expired : failed;
    if (!target.some((p) => p.repoId === h.repoId)) target.push({ repoId: h.repoId, count: 0, lastAt: h.lastFailure.at, message: h.lastFailure.message, stillFailing: true });
  }
  return { failed, expired, rollbacks, missing: health.filter((h) => h.missing).map((h) => h.repoId) };
}

/** What the store keeps: the findings open now (with their first week) and the history. */
export function toStored(report: WeeklyReport): StoredWeekly {
  return {
    schemaVersion: WEEKLY_SCHEMA_VERSION,
    week: report.week,
    generatedAt: report.generatedAt,
    findings: [...report.new, ...report.ongoing],
    history: report.history,
  };
}

/**
 * A stored report read back, or null when it is not one this version wrote (another schema):
 * the report then starts afresh rather than calling everything resolved.
 */
export function fromStored(findings: unknown): StoredWeekly | null {
  if (typeof findings !== 'object' || findings === null) return null;
  const s = findings as Partial<StoredWeekly>;
  if (s.schemaVersion !== WEEKLY_SCHEMA_VERSION || typeof s.week !== 'string' || typeof s.generatedAt !== 'string') return null;
  if (!Array.isArray(s.findings) || !Array.isArray(s.history)) return null;
  const ok = s.findings.every((f: unknown) => {
    const r = f as Partial<ReportedFinding> | null;
    return r !== null && typeof r === 'object' && typeof r.key === 'string' && typeof r.since === 'string' && FINDING_KINDS.includes(r.kind as FindingKind);
  });
  return ok ? (s as StoredWeekly) : null;
}

/** What a report over some of the profiles covers: their names, the upgrade paths through them, their repos. */
export interface ReportScope {
  scopes: ReadonlySet<string>;
  repos: ReadonlySet<string>;
}

/**
 * The part of a stored (full) report that a report over fewer profiles can be compared with:
 * findings scoped to those profiles or to upgrade paths through them, and repo-wide ones (rollbacks,
 * whose key names the repo: `rollback|REPO|…`) of their repos. The rest was not looked at this
 * time, so it is neither resolved nor ongoing.
 */
export function storedWithin(stored: StoredWeekly, scope: ReportScope): StoredWeekly {
  const within = (f: ReportedFinding): boolean => (f.scope === null ? scope.repos.has(f.key.split('|')[1] ?? '') : scope.scopes.has(f.scope));
  return { ...stored, findings: stored.findings.filter(within) };
}

/** "3 new, 1 resolved, 12 ongoing" */
export function countsPhrase(c: ChangeCounts): string {
  return `${c.new} new, ${c.resolved} resolved, ${c.ongoing} ongoing`;
}

/**
 * The counts a person acts on: warnings and errors as new / resolved / ongoing. Info findings (a
 * release upgrade drops thousands of names) are only the number open now.
 */
export function attentionCounts(report: WeeklyReport): { counts: ChangeCounts; openInfo: number } {
  const important = (list: readonly ReportedFinding[]) => list.filter((f) => f.severity !== 'info').length;
  return {
    counts: { new: important(report.new), resolved: important(report.resolved), ongoing: important(report.ongoing) },
    openInfo: report.new.length + report.ongoing.length - important(report.new) - important(report.ongoing),
  };
}

/** "2 new, 0 resolved, 17 ongoing (warning and above), and 8,781 info findings: 2026-W48.json lists them" */
export function reportHeadline(report: WeeklyReport): string {
  const { counts, openInfo } = attentionCounts(report);
  const info = openInfo ? `, and ${openInfo.toLocaleString('en')} info finding${openInfo === 1 ? '' : 's'}: ${report.week}.json lists them` : '';
  return `${countsPhrase(counts)} (warning and above)${info}`;
}

/** Mail subject: the week and what needs a person, so a glance at the inbox says whether to open it. */
export function reportSubject(report: WeeklyReport): string {
  const { counts, openInfo } = attentionCounts(report);
  const problems = report.health.failed.length + report.health.expired.length + report.health.rollbacks.length;
  return `[repoclash] ${report.week}: ${countsPhrase(counts)}${openInfo ? ` (+${openInfo.toLocaleString('en')} info)` : ''}${problems ? `; ${problems} repo problem${problems === 1 ? '' : 's'}` : ''}`;
}
