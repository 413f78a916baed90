/**
 * Ping-pong: the name keeps changing vendors, so every `dnf upgrade` may swap one vendor's build
 * for the other's.
 *
 * Observed — from the winner history of one profile: inside the window (default 90 days) the
 * winning vendor went A→B→A (some vendor won, lost, and won again). Consecutive winners of the same
 * vendor are one step; a winner change that an observed rollback of the previous winner's repo
 * explains (rollback.ts `causedByRollback`) is dropped before the steps are formed, so a stale
 * mirror that briefly handed the name to another vendor is a rollback finding and never a flip.
 * `flips` counts the vendor changes that happened inside the window.
 *
 * Predicted — from the release histories of the vendors now shipping the name in the profile
 * (current versions plus the stored history of the profile's repos): every (vendor, version) is
 * dated by its build time (when all have one) else its first_seen, and replayed in time order;
 * the leader is the vendor with the highest version so far. When the lead changes hands at least
 * twice, each vendor keeps overtaking the other. Releases with the same date are replayed as one
 * step, so a single crawl without build times (deb) predicts nothing.
 *
 * Severity: observed with 3+ flips, or observed and predicted → error; observed or predicted
 * alone → warning.
 */
import type { PackageFormat } from '../formats/types.js';
import type { VersionInterval, WinnerInterval } from '../store/index.js';
import { groupByName } from './by-name.js';
import { findingKey, type LeadStep, type PingPongFinding, type TimeEvidence, type WinnerStep } from './findings.js';
import { versionScheme, type VersionParts } from '../formats/version-scheme.js';
import { causedByRollback, type RollbackPeriod } from './rollback.js';
import type { Candidate, Severity } from './types.js';
import { DEFAULT_WINDOW_DAYS } from './defaults.js';

const DAY_MS = 86_400_000;

export interface ObservedPingPong {
  flips: number;
  sequence: WinnerStep[];
  ignoredForRollback: number;
}

/**
 * One name's winner intervals (any order) → the vendor steps inside the window, or null when no
 * vendor came back. `vendorOf` maps a winner to its canonical vendor.
 */
export function observePingPong(
  intervals: readonly WinnerInterval[],
  options: {
    vendorOf: (w: WinnerInterval) => string;
    rollbacks: ReadonlyMap<string, readonly RollbackPeriod[]>;
    now: number;
    windowDays?: number;
  },
): ObservedPingPong | null {
  if (intervals.length < 3) return null;
  const windowStart = options.now - (options.windowDays ?? DEFAULT_WINDOW_DAYS) * DAY_MS;
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  let ignoredForRollback = 0;
  const steps: WinnerStep[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const w = sorted[i]!;
    const previous = sorted[i - 1];
    if (previous && causedByRollback(options.rollbacks, previous.repoId, w.name, w.from)) {
      // The winner moved only because the previous winner's repo went back: not the vendors' doing.
      ignoredForRollback++;
      continue;
    }
    if (w.to !== null && w.to <= windowStart) continue;
    const vendor = options.vendorOf(w);
    const last = steps[steps.length - 1];
    if (last && last.vendor === vendor) {
      last.to = w.to;
      continue;
    }
    steps.push({ vendor, repoId: w.repoId, evr: w.evr, from: w.from, to: w.to });
  }
  // A vendor that appears in two steps won, lost and won again (steps alternate vendors).
  const seen = new Set<string>();
  let cameBack = false;
  for (const s of steps) {
    if (seen.has(s.vendor)) cameBack = true;
    seen.add(s.vendor);
  }
  if (!cameBack) return null;
  const flips = steps.slice(1).filter((s) => s.from >= windowStart).length;
  if (flips < 2) return null;
  return { flips, sequence: steps, ignoredForRollback };
}

/** One dated release of a vendor, as the prediction replays it. */
export interface VendorRelease extends VersionParts {
  vendor: string;
  evr: string;
  buildTime: number | null;
  firstSeen: number;
}

export interface PredictedPingPong {
  evidence: TimeEvidence;
  leadChanges: number;
  leads: LeadStep[];
}

/** Replay the vendors' releases in time order; null unless the lead changed hands twice or more. */
export function predictPingPong(format: PackageFormat, releases: readonly VendorRelease[]): PredictedPingPong | null {
  // One entry per (vendor, evr): the earliest dates of its copies (arches, repos, intervals).
  const unique = new Map<string, VendorRelease>();
  for (const r of releases) {
    const k = `${r.vendor}\u0000${r.evr}`;
    const held = unique.get(k);
    if (!held) {
      unique.set(k, r);
      continue;
    }
    const buildTime = held.buildTime === null ? r.buildTime : r.buildTime === null ? held.buildTime : Math.min(held.buildTime, r.buildTime);
    unique.set(k, { ...held, buildTime, firstSeen: Math.min(held.firstSeen, r.firstSeen) });
  }
  const list = [...unique.values()];
  if (new Set(list.map((r) => r.vendor)).size < 2) return null;
  const evidence: TimeEvidence = list.every((r) => r.buildTime !== null) ? 'buildTime' : 'firstSeen';
  const when = (r: VendorRelease): number => (evidence === 'buildTime' ? r.buildTime! * 1000 : r.firstSeen);
  list.sort((a, b) => when(a) - when(b));

  let leader: VendorRelease | null = null;
  const leads: LeadStep[] = [];
  for (let i = 0; i < list.length; ) {
    const t = when(list[i]!);
    // Same date: released together, no order between them — the highest of the batch counts.
    let top: VendorRelease = list[i]!;
    let j = i + 1;
    for (; j < list.length && when(list[j]!) === t; j++) if (versionScheme(format).compare(list[j]!, top) > 0) top = list[j]!;
    i = j;
    if (leader !== null && versionScheme(format).compare(top, leader) <= 0) continue;
    if (leader === null || top.vendor !== leader.vendor) leads.push({ at: t, vendor: top.vendor, evr: top.evr });
    leader = top;
  }
  const leadChanges = leads.length - 1;
  return leadChanges >= 2 ? { evidence, leadChanges, leads } : null;
}

export interface PingPongInput {
  profile: string;
  format: PackageFormat;
  /** The profile's current versions by name. */
  byName: ReadonlyMap<string, readonly Candidate[]>;
  /** Stored history (intervals) of the profile's repos, by name. */
  historyByName: ReadonlyMap<string, readonly VersionInterval[]>;
  /** The profile's winner history (every name). */
  winnerHistory: readonly WinnerInterval[];
  /** Canonical publisher of a version or winner of a repo from its `recorded` vendor (publisherOf; a repo no longer configured: the recorded one). */
  vendorOf: (repoId: string, recorded: string | null) => string;
  /** Observed rollbacks, indexed by rollbackIndex(). */
  rollbacks: ReadonlyMap<string, readonly RollbackPeriod[]>;
  now: number;
  windowDays?: number;
}

function releasesOf(input: PingPongInput, name: string): VendorRelease[] {
  const releases: VendorRelease[] = [];
  for (const c of input.byName.get(name) ?? []) releases.push({ ...c, vendor: c.publisher });
  for (const iv of input.historyByName.get(name) ?? []) releases.push({ ...iv, vendor: input.vendorOf(iv.repoId, iv.vendor) });
  return releases;
}

function pingPongSeverity(observed: ObservedPingPong | null, predicted: PredictedPingPong | null): Severity {
  if (observed && (observed.flips >= 3 || predicted)) return 'error';
  return 'warning';
}

function title(name: string, observed: ObservedPingPong | null, predicted: PredictedPingPong | null): string {
  if (observed) {
    const path = observed.sequence.map((s) => s.vendor).join(' → ');
    return `${name} changed vendors ${observed.flips} times: ${path}`;
  }
  const path = predicted!.leads.map((l) => `${l.vendor} ${l.evr}`).join(' → ');
  return `${name}: the vendors keep overtaking each other (${path})`;
}

/** Ping-pong findings of one profile (observed and predicted merged per name). */
export function findPingPong(input: PingPongInput): PingPongFinding[] {
  const windowDays = input.windowDays ?? DEFAULT_WINDOW_DAYS;
  const observedByName = new Map<string, ObservedPingPong>();
  for (const [name, intervals] of groupByName(input.winnerHistory.filter((w) => w.profile === input.profile))) {
    const observed = observePingPong(intervals, {
      vendorOf: (w) => input.vendorOf(w.repoId, w.vendor),
      rollbacks: input.rollbacks,
      now: input.now,
      windowDays,
    });
    if (observed) observedByName.set(name, observed);
  }
  // Prediction needs two vendors among the name's versions, current or past: one pass that
  // remembers each name's first vendor and marks names where another one shows up.
  const names = new Set(observedByName.keys());
  const firstVendor = new Map<string, string>();
  const note = (name: string, vendor: string): void => {
    const first = firstVendor.get(name);
    if (first === undefined) firstVendor.set(name, vendor);
    else if (first !== vendor) names.add(name);
  };
  for (const [name, candidates] of input.byName) for (const c of candidates) note(name, c.publisher);
  for (const [name, intervals] of input.historyByName) for (const iv of intervals) note(name, input.vendorOf(iv.repoId, iv.vendor));
  const out: PingPongFinding[] = [];
  for (const name of names) {
    const observed = observedByName.get(name) ?? null;
    const predicted = predictPingPong(input.format, releasesOf(input, name));
    if (!observed && !predicted) continue;
    out.push({
      kind: 'pingpong',
      severity: pingPongSeverity(observed, predicted),
      key: findingKey.pingpong(input.profile, name),
      name,
      title: title(name, observed, predicted),
      scope: input.profile,
      profile: input.profile,
      observed: observed ? { windowDays, ...observed } : null,
      predicted,
    });
  }
  return out;
}
