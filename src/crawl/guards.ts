/**
 * Refuse metadata that goes backwards (a stale mirror serving an older index) or a repo that loses
 * more than half its packages at once, unless the user accepts it after looking.
 */
import { RollbackError, type ErrorLocation } from '../errors.js';
import type { Snapshot } from '../store/types.js';

export function checkNotOlder(
  previous: Snapshot | null,
  current: { metadataTime: number | null; revision: string | null },
  where: ErrorLocation,
): void {
  if (!previous) return;
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
