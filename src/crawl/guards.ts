/**
 * Refuse metadata that goes backwards (a stale mirror serving an older index) or a repo that loses
 * more than half its packages at once, unless the user accepts it after looking; and metadata
 * dated in the future, which would otherwise become a high-water mark no honest index could pass
 * (a freeze attack that locks the repo out until someone runs --accept).
 */
import { ExpiredError, RollbackError, type ErrorLocation } from '../errors.js';
import type { Snapshot } from '../store/index.js';

/** How far ahead of this host's clock a server's clock may be (as apt, a small allowance). */
export const MAX_CLOCK_SKEW_SECONDS = 600;

/**
 * What "now" is for "not valid yet": this host's clock, or the crawl's own clock when that is
 * later (tests stand crawls in the past with an injected clock; real files are dated today).
 */
export function hostClock(ctx: { now: () => number }): number {
  return Math.max(ctx.now(), Date.now());
}

/** A repomd revision that reads as a unix time (after 2001-09-09), else null. */
function revisionTime(revision: string | null): number | null {
  return revision !== null && /^\d{10,}$/.test(revision) ? Number(revision) : null;
}

/**
 * Refuse an index dated beyond `now` plus the clock skew allowance ("not valid yet", as apt says).
 * `times` are unix seconds: a Release Date, repomd timestamps, a repomd revision that is a time.
 */
export function checkNotInFuture(times: ReadonlyArray<[string, number | null]>, nowMs: number, where: ErrorLocation): void {
  const now = Math.floor(nowMs / 1000);
  for (const [what, time] of times) {
    if (time === null || time <= now + MAX_CLOCK_SKEW_SECONDS) continue;
    const hours = (time - now) / 3600;
    const ahead = hours >= 48 ? `${Math.round(hours / 24)} days` : hours >= 1 ? `${hours.toFixed(1)} hours` : `${Math.round((time - now) / 60)} minutes`;
    throw new ExpiredError(
      `not valid yet: its ${what} ${safeIso(time)} is ${ahead} in the future (this host's clock says ${safeIso(now)}); not stored`,
      where,
    );
  }
}

/** The repomd revision as a time, for checkNotInFuture. */
export function repomdRevisionTime(revision: string | null): number | null {
  return revisionTime(revision);
}

/**
 * The stored high-water mark worth comparing with: the stored metadata's time, unless it was
 * already in the future when it was fetched (stored before this guard existed): such a mark is
 * poisoned and would lock every honest index out, so it is not used.
 */
function trustedMark(previous: Snapshot): { metadataTime: number | null; revision: string | null } {
  const limit = Math.floor(previous.fetchedAt / 1000) + MAX_CLOCK_SKEW_SECONDS;
  const revTime = revisionTime(previous.revision);
  const poisoned = (previous.metadataTime !== null && previous.metadataTime > limit) || (revTime !== null && revTime > limit);
  return poisoned ? { metadataTime: null, revision: null } : { metadataTime: previous.metadataTime, revision: previous.revision };
}

export function checkNotOlder(
  stored: Snapshot | null,
  current: { metadataTime: number | null; revision: string | null },
  where: ErrorLocation,
): void {
  if (!stored) return;
  const previous = trustedMark(stored);
  if (previous.metadataTime !== null && current.metadataTime !== null && current.metadataTime < previous.metadataTime) {
    throw new RollbackError(
      `metadata went backwards: ${iso(current.metadataTime)} is older than the stored ${iso(previous.metadataTime)} (a stale mirror?); not stored — rerun with --accept to take it`,
      where,
    );
  }
  // repomd revisions are usually unix times; compare only when both are plain integers.
  const a = previous.revision;
  const b = current.revision;
  if (a && b && /^\d+$/.test(a) && /^\d+$/.test(b) && BigInt(b) < BigInt(a)) {
    throw new RollbackError(`revision went backwards: ${b} after ${a} (a stale mirror?); not stored — rerun with --accept to take it`, where);
  }
}

export function checkNotShrunk(previous: Snapshot | null, packageCount: number, where: ErrorLocation): void {
  if (!previous || previous.packageCount < 10) return;
  if (packageCount * 2 < previous.packageCount) {
    throw new RollbackError(
      `the repo shrank from ${previous.packageCount} to ${packageCount} packages (more than half gone); not stored — rerun with --accept to take it`,
      where,
    );
  }
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** An ISO time, or the number itself when it is beyond what a Date can hold (1e30). */
function safeIso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} (unix time)` : date.toISOString().replace(/\.000Z$/, 'Z');
}
