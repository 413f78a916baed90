/**
 * `repoclash audit` as a pure function: store data and config in, every finding out, in the
 * versioned shape of schema/audit.schema.json. The CLI reads the store, runs the resolver for
 * "who wins now", and passes both in; nothing here does I/O or reads the clock (input.now).
 *
 * Scope of each kind:
 * - clash, pingpong, lag: per audited profile;
 * - rollback: repos of the audited profiles (repo-wide, scope null);
 * - regression: every upgrade path that names at least one audited profile, all of its steps.
 */
import { UsageError } from '../errors.js';
import type { ProfileConfig, RepoConfig } from '../config/types.js';
import type { VersionInterval, WinnerInterval } from '../store/index.js';
import { groupByName } from './by-name.js';
import { findClashes, linkClashesAcrossProfiles } from './clash.js';
import { compareFindings, FINDING_KINDS, SEVERITIES, type Finding } from './findings.js';
import { findFeedLag } from './feed-lag.js';
import { findLag, toUpstreamReleases } from './lag.js';
import { findPingPong } from './pingpong.js';
import { findRegressions, type BestVersions, type ProfileVersions } from './regression.js';
import { observedRollbackFinding, observedRollbacks, refusedRollbackFindings, rollbackIndex, type RollbackPeriod } from './rollback.js';
import type { AnalysisInput, Candidate, FindingKind, Severity } from './types.js';
import { candidatesFor, currentByRepo } from './candidates.js';
import { vendorNormaliser, winnerVendorOf, type VendorNormaliser } from './vendors.js';

export const AUDIT_SCHEMA_VERSION = 1;

export interface AuditInput extends AnalysisInput {
  /** Per profile, who wins each name now (resolver output via winnersFromResolutions). */
  winnersByProfile: ReadonlyMap<string, ReadonlyMap<string, Candidate>>;
  /**
   * Per audited upgrade path, per profile of it: best candidates (bestByName over candidatesFor,
   * one per name) when the loader picked them while reading the store; regressions use these
   * instead of `current`, so `current` may then hold only the names the other kinds look at. They
   * may be the bests of only the names that can regress (the same names in every profile of the
   * path), so whether the profile has any version at all comes with them. Only the version parts,
   * repo, arch and role of these candidates are read.
   */
  bestVersions?: ReadonlyMap<string, ReadonlyMap<string, BestVersions>>;
  /**
   * The observed rollbacks (observedRollbacks) of at least the audited repos, when the loader found
   * them while screening the store; used instead of judging `history` again, so `history` need not
   * hold the names that only roll back (most names that go back are shipped by one vendor: no
   * other kind is about them). Periods of repos outside the audited profiles are ignored.
   */
  observedRollbacks?: readonly RollbackPeriod[];
}

export interface AuditOptions {
  /** Only these kinds (default: all). */
  kinds?: FindingKind[];
  /** Only these profiles (default: all); an unknown name is a UsageError. */
  profiles?: string[];
  /** Observed ping-pong window in days (default DEFAULT_WINDOW_DAYS, defaults.ts). */
  windowDays?: number;
}

export interface AuditCounts {
  total: number;
  byKind: Record<FindingKind, number>;
  bySeverity: Record<Severity, number>;
}

export interface AuditResult {
  schemaVersion: typeof AUDIT_SCHEMA_VERSION;
  /** ISO 8601, from input.now. */
  generatedAt: string;
  /** Profiles audited, in config order. */
  profiles: string[];
  /** Upgrade paths audited, in config order. */
  upgradePaths: string[];
  /** Kinds looked for. */
  kinds: FindingKind[];
  counts: AuditCounts;
  /** Most severe first, then kind, name, key. */
  findings: Finding[];
}

function selectProfiles(input: AnalysisInput, wanted: readonly string[] | undefined): ProfileConfig[] {
  if (!wanted) return [...input.profiles];
  const known = new Set(input.profiles.map((p) => p.name));
  const unknown = wanted.filter((w) => !known.has(w));
  if (unknown.length) throw new UsageError(`unknown profile${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (configured: ${[...known].join(', ') || 'none'})`);
  const set = new Set(wanted);
  return input.profiles.filter((p) => set.has(p.name));
}

function historyByRepo(history: readonly VersionInterval[]): Map<string, VersionInterval[]> {
  const out = new Map<string, VersionInterval[]>();
  for (const iv of history) {
    const list = out.get(iv.repoId);
    if (list) list.push(iv);
    else out.set(iv.repoId, [iv]);
  }
  return out;
}

function countFindings(findings: readonly Finding[]): AuditCounts {
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) {
    byKind[f.kind]++;
    bySeverity[f.severity]++;
  }
  return { total: findings.length, byKind, bySeverity };
}

export function runAudit(input: AuditInput, options: AuditOptions = {}): AuditResult {
  const kinds = new Set<FindingKind>(options.kinds ?? FINDING_KINDS);
  const profiles = selectProfiles(input, options.profiles);
  const profileNames = new Set(profiles.map((p) => p.name));
  const vendors = vendorNormaliser(input.vendorEquivalences);
  const repoOf = (id: string): RepoConfig | undefined => input.repos.get(id);
  const formatOf = (id: string) => repoOf(id)?.format;
  const vendorOf = winnerVendorOf(vendors, input.repos);

  const candidates = new Map<string, Candidate[]>();
  const candidatesOf = (p: ProfileConfig): Candidate[] => {
    let list = candidates.get(p.name);
    if (!list) candidates.set(p.name, (list = candidatesFor(p, input, vendors)));
    return list;
  };
  const byName = new Map<string, Map<string, Candidate[]>>();
  const byNameOf = (p: ProfileConfig): Map<string, Candidate[]> => {
    let groups = byName.get(p.name);
    if (!groups) byName.set(p.name, (groups = groupByName(candidatesOf(p))));
    return groups;
  };

  const findings: Finding[] = [];

  if (kinds.has('clash')) {
    const clashes = profiles.flatMap((p) =>
      findClashes({ profile: p.name, format: p.format, byName: byNameOf(p), winners: input.winnersByProfile.get(p.name) ?? new Map() }),
    );
    findings.push(...linkClashesAcrossProfiles(clashes));
  }

  const auditedRepos = new Set(profiles.flatMap((p) => p.repos));
  const history = historyByRepo(input.history);
  if (kinds.has('rollback') || kinds.has('pingpong')) {
    const periods = input.observedRollbacks
      ? input.observedRollbacks.filter((p) => auditedRepos.has(p.repoId))
      : observedRollbacks([...auditedRepos].flatMap((id) => history.get(id) ?? []), formatOf);
    if (kinds.has('rollback')) {
      findings.push(...periods.map(observedRollbackFinding));
      findings.push(...refusedRollbackFindings(input.repoEvents.filter((e) => auditedRepos.has(e.repoId))));
    }
    if (kinds.has('pingpong')) {
      const index = rollbackIndex(periods);
      const winnersOf = groupWinnerHistory(input.winnerHistory);
      for (const p of profiles) {
        const profileHistory = p.repos.flatMap((id) => history.get(id) ?? []);
        findings.push(
          ...findPingPong({
            profile: p.name,
            format: p.format,
            byName: byNameOf(p),
            historyByName: groupByName(profileHistory),
            winnerHistory: winnersOf.get(p.name) ?? [],
            vendorOf,
            rollbacks: index,
            now: input.now,
            ...(options.windowDays !== undefined ? { windowDays: options.windowDays } : {}),
          }),
        );
      }
    }
  }

  const paths = input.upgradePaths.filter((path) => path.profiles.some((name) => profileNames.has(name)));
  if (kinds.has('regression')) {
    const configured = new Map(input.profiles.map((p) => [p.name, p]));
    for (const path of paths) {
      const versions = new Map<string, ProfileVersions>();
      for (const name of path.profiles) {
        const p = configured.get(name);
        if (p) versions.set(name, { format: p.format, ...(input.bestVersions?.get(path.name)?.get(name) ?? { candidates: candidatesOf(p) }) });
      }
      findings.push(...findRegressions(path, versions));
    }
  }

  if (kinds.has('lag')) {
    const upstreamRepos = [...input.repos.values()].filter((r) => r.role === 'upstream').map((r) => r.id);
    const releases = toUpstreamReleases(
      (function* () {
        const index = currentByRepo(input);
        for (const id of upstreamRepos) {
          for (const v of index.get(id) ?? []) yield { ...v, current: true };
          // Present intervals duplicate the current versions; only the closed ones add history.
          for (const iv of history.get(id) ?? []) if (iv.lastSeen !== null) yield { ...iv, current: false };
        }
      })(),
      formatOf,
    );
    // Names with an upstream repo (own or aliased) are judged against it; the others against the
    // release feed their metadata maps to, if one is stored.
    const hasUpstreamRepo = (name: string): boolean => releases.has(name) || (input.aliases.get(name) ?? []).some((a) => releases.has(a));
    for (const p of profiles) {
      const candidates = candidatesOf(p);
      findings.push(...findLag({ profile: p.name, format: p.format, candidates, upstreamByName: releases, aliases: input.aliases, now: input.now }));
      if (input.upstreamFeeds && input.upstreamFeeds.size > 0) {
        findings.push(
          ...findFeedLag({
            profile: p.name,
            format: p.format,
            candidates: candidates.filter((c) => !hasUpstreamRepo(c.name)),
            feeds: input.upstreamFeeds,
            mapping: input.upstreamMapping ?? {},
            now: input.now,
            includePrereleases: input.includePrereleases === true,
          }),
        );
      }
    }
  }

  findings.sort(compareFindings);
  return {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    generatedAt: new Date(input.now).toISOString(),
    profiles: profiles.map((p) => p.name),
    upgradePaths: paths.map((p) => p.name),
    kinds: FINDING_KINDS.filter((k) => kinds.has(k)),
    counts: countFindings(findings),
    findings,
  };
}

function groupWinnerHistory(history: readonly WinnerInterval[]): Map<string, WinnerInterval[]> {
  const out = new Map<string, WinnerInterval[]>();
  for (const w of history) {
    const list = out.get(w.profile);
    if (list) list.push(w);
    else out.set(w.profile, [w]);
  }
  return out;
}
