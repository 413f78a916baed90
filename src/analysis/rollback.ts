/**
 * Rollbacks: a repo whose metadata went backwards. Two sources:
 *
 * - refused: the crawler saw metadata older than the stored snapshot and kept the stored one
 *   (RepoEvent kind 'rollback'). Nothing changed in the store; one finding per event, name '*'.
 * - observed: the stored version history of a name in a repo went back — the highest version
 *   present vanished and a LOWER version was the best at the next observed moment (it had stayed
 *   present all along, or it reappeared). A name that vanishes altogether is a removal, not a
 *   rollback, unless it comes back lower. One finding per (repo, name, lost version).
 *
 * How this differs from a vendor flip: a rollback is a fact about ONE repo's own history (its
 * best version for a name went down), found in the version intervals; a flip is a change of the
 * winning VENDOR across repos, found in the winner history. A winner change is blamed on a
 * rollback — and not counted as a flip by pingpong.ts — when the previous winner's repo had an
 * observed rollback of that name and the change happened after the lost version was last seen and
 * no later than the recovery (see `causedByRollback`).
 *
 * Severity: observed and not recovered → warning (the repo really serves an older version now);
 * observed and recovered → info (a stale mirror that came back); refused → info (the guard held).
 */
import type { PackageFormat } from '../formats/types.js';
import type { RepoEvent, VersionInterval } from '../store/index.js';
import { groupByName } from './by-name.js';
import { findingKey, WHOLE_REPO, type RollbackFinding } from './findings.js';
import { versionScheme } from '../formats/version-scheme.js';

export interface RollbackPeriod {
  repoId: string;
  name: string;
  /** The version that went away, and the last time it was seen (ms). */
  lost: string;
  lostLastSeen: number;
  /** The best version right after. */
  best: string;
  /** The moment the lower best was observed (ms; the lost version's last check when the lower one was there all along). */
  at: number;
  /** First time a version ≥ lost was present again (ms), null if never. */
  recoveredAt: number | null;
}

function presentAt(iv: VersionInterval, t: number): boolean {
  return iv.firstSeen <= t && (iv.lastSeen === null || iv.presentUntil >= t);
}

/** Present just after t: opened by t and not closed at t. */
function presentAfter(iv: VersionInterval, t: number): boolean {
  return iv.firstSeen <= t && (iv.lastSeen === null || iv.presentUntil > t);
}

function bestOf(format: PackageFormat, intervals: readonly VersionInterval[], keep: (iv: VersionInterval) => boolean): VersionInterval | null {
  let best: VersionInterval | null = null;
  for (const iv of intervals) if (keep(iv) && (best === null || versionScheme(format).compare(iv, best) > 0)) best = iv;
  return best;
}

/** Observed rollbacks of one repo's name, from its version intervals. */
function rollbacksOfName(format: PackageFormat, intervals: readonly VersionInterval[]): RollbackPeriod[] {
  // Only a closing interval can lower the best; a name whose versions never vanished has none.
  if (intervals.length < 2 || intervals.every((iv) => iv.lastSeen === null)) return [];
  // Moments where the state can change: each opening (state at t) and each closing (state just after t).
  const moments: Array<{ t: number; after: boolean }> = [];
  for (const iv of intervals) {
    moments.push({ t: iv.firstSeen, after: false });
    if (iv.lastSeen !== null) moments.push({ t: iv.presentUntil, after: true });
  }
  moments.sort((a, b) => a.t - b.t || Number(a.after) - Number(b.after));
  const out: RollbackPeriod[] = [];
  // `high`: the best version before any drop; `open`: the rollback in force (lost = its high).
  let high: VersionInterval | null = null;
  let open: { period: RollbackPeriod; lost: VersionInterval } | null = null;
  for (const { t, after } of moments) {
    const best = bestOf(format, intervals, (iv) => (after ? presentAfter(iv, t) : presentAt(iv, t)));
    if (best === null) continue; // the name is absent for a while: a removal, judged when it returns
    if (open !== null) {
      if (versionScheme(format).compare(best, open.lost) < 0) continue; // still rolled back
      open.period.recoveredAt = t;
      open = null;
    } else if (high !== null && versionScheme(format).compare(best, high) < 0) {
      const period: RollbackPeriod = {
        repoId: high.repoId,
        name: high.name,
        lost: high.evr,
        lostLastSeen: high.presentUntil,
        best: best.evr,
        at: t,
        recoveredAt: null,
      };
      out.push(period);
      open = { period, lost: high };
      continue;
    }
    high = best;
  }
  return out;
}

/**
 * Observed rollbacks in the version history (every repo, every name). `formatOf` gives a repo's
 * format; repos it does not know (no longer configured) are skipped.
 */
export function observedRollbacks(history: readonly VersionInterval[], formatOf: (repoId: string) => PackageFormat | undefined): RollbackPeriod[] {
  const byRepo = new Map<string, VersionInterval[]>();
  for (const iv of history) {
    // Cheap filter first: most names have one interval and nothing closed.
    const list = byRepo.get(iv.repoId);
    if (list) list.push(iv);
    else byRepo.set(iv.repoId, [iv]);
  }
  const out: RollbackPeriod[] = [];
  for (const [repoId, intervals] of byRepo) {
    const format = formatOf(repoId);
    if (format === undefined || intervals.every((iv) => iv.lastSeen === null)) continue;
    for (const group of groupByName(intervals).values()) out.push(...rollbacksOfName(format, group));
  }
  return out;
}

export function observedRollbackFinding(p: RollbackPeriod): RollbackFinding {
  const recovered = p.recoveredAt !== null;
  return {
    kind: 'rollback',
    severity: recovered ? 'info' : 'warning',
    key: findingKey.observedRollback(p.repoId, p.name, p.lost),
    name: p.name,
    title: `${p.name} went back from ${p.lost} to ${p.best} in repo ${p.repoId}${recovered ? ' (since recovered)' : ''}`,
    scope: null,
    repoId: p.repoId,
    source: 'observed',
    at: p.at,
    lost: p.lost,
    best: p.best,
    recoveredAt: p.recoveredAt,
    message: recovered
      ? `the repo served an older ${p.name} for a while (a stale mirror or a retracted update)`
      : `the repo's newest ${p.name} was withdrawn; an older version is the best again`,
  };
}

export function refusedRollbackFindings(events: readonly RepoEvent[]): RollbackFinding[] {
  return events
    .filter((e) => e.kind === 'rollback')
    .map((e) => ({
      kind: 'rollback',
      severity: 'info',
      key: findingKey.refusedRollback(e.repoId, e.at),
      name: WHOLE_REPO,
      title: `repo ${e.repoId} offered older metadata than already stored (kept the stored snapshot)`,
      scope: null,
      repoId: e.repoId,
      source: 'refused',
      at: e.at,
      lost: null,
      best: null,
      recoveredAt: null,
      message: e.message,
    }));
}

/** Index of rollback periods by repo and name, for the flip filter. */
export function rollbackIndex(periods: readonly RollbackPeriod[]): Map<string, RollbackPeriod[]> {
  const index = new Map<string, RollbackPeriod[]>();
  for (const p of periods) {
    const k = `${p.repoId}\u0000${p.name}`;
    const list = index.get(k);
    if (list) list.push(p);
    else index.set(k, [p]);
  }
  return index;
}

/**
 * Was a winner change caused by a rollback? Yes when the repo that won before had an observed
 * rollback of this name, and the change came after the lost version was last seen and no later
 * than its recovery (the rollback was still in force).
 */
export function causedByRollback(index: ReadonlyMap<string, readonly RollbackPeriod[]>, previousRepoId: string, name: string, changedAt: number): boolean {
  const periods = index.get(`${previousRepoId}\u0000${name}`);
  if (!periods) return false;
  return periods.some((p) => changedAt > p.lostLastSeen && (p.recoveredAt === null || changedAt <= p.recoveredAt));
}
