/** Repo health: which repos never stored data, and which failed their last check (stale data). */
import type { Store } from './store.js';

export interface RepoHealth {
  repoId: string;
  /** Never stored successfully. */
  missing: boolean;
  /** The last check failed after the last success: the stored data may be stale. */
  lastFailure: { at: number; message: string } | null;
  lastSuccess: number | null;
}

export function repoHealth(store: Store, repoIds: readonly string[]): RepoHealth[] {
  const events = store.repoEvents();
  return repoIds.map((repoId) => {
    const snapshot = store.latestSnapshot(repoId);
    const lastSuccess = snapshot?.checkedAt ?? null;
    const failure = events.filter((e) => e.repoId === repoId && (lastSuccess === null || e.at > lastSuccess)).pop();
    return {
      repoId,
      missing: snapshot === null,
      lastFailure: failure ? { at: failure.at, message: failure.message } : null,
      lastSuccess,
    };
  });
}

