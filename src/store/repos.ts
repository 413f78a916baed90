/**
 * The repos table (config facts the analysis needs, upserted by the crawler from repos.yaml) and
 * repo events (checks that produced no snapshot: failures, refused rollbacks).
 */
import { StoreError } from '../errors.js';
import type { PackageFormat } from '../formats/types.js';
import type { Db } from './db.js';
import { fillSortKeys } from './sort-keys.js';
import { rebuildVersionRollbacks } from './screens.js';
import type { AptReleaseFacts, RepoEvent, RepoEventFilter, RepoFacts } from './types.js';

const ROLES: ReadonlySet<string> = new Set(['distro', 'upstream', 'third-party']);
const FORMATS: ReadonlySet<string> = new Set(['rpm', 'deb']);

/** What every store checks before storing a repo's facts. */
export function validateRepoFacts(repo: RepoFacts): void {
  if (!repo.id) throw new StoreError('a repo needs an id');
  if (!ROLES.has(repo.role)) throw new StoreError(`unknown role "${repo.role}"`, { repo: repo.id });
  if (!FORMATS.has(repo.format)) throw new StoreError(`unknown format "${repo.format}"`, { repo: repo.id });
}

export function upsertRepo(db: Db, repo: RepoFacts, at: number = Date.now()): void {
  validateRepoFacts(repo);
  db.transaction(() => {
    const before = db.prepare<[string], { format: string }>('SELECT format FROM repos WHERE id = ?').get(repo.id);
    db.prepare(
      `INSERT INTO repos (id, vendor, role, format, location, label, updated_at) VALUES (@id, @vendor, @role, @format, @location, @label, @at)
       ON CONFLICT (id) DO UPDATE SET vendor = excluded.vendor, role = excluded.role, format = excluded.format,
         location = excluded.location, label = excluded.label, updated_at = excluded.updated_at
       WHERE (vendor, role, format, location, label) IS NOT (excluded.vendor, excluded.role, excluded.format, excluded.location, excluded.label)`,
    ).run({ id: repo.id, vendor: repo.vendor, role: repo.role, format: repo.format, location: repo.location ?? null, label: repo.label ?? null, at });
    // The stored versions' sort keys follow their repo's format.
    if (before !== undefined && before.format !== repo.format) {
      fillSortKeys(db, repo.id);
      // Rollbacks were judged by the old format's keys.
      rebuildVersionRollbacks(db, repo.id);
    }
  })();
}

export function listRepos(db: Db): RepoFacts[] {
  return db.prepare<[], StoredRepoRow>('SELECT id, vendor, role, format, location, label FROM repos ORDER BY id').all().map(repoFactsOf);
}

/** A repos row as stored: location and label are NULL for a repo stored before either was kept. */
export type StoredRepoRow = Omit<RepoFacts, 'location' | 'label'> & { location: string | null; label: string | null };

/** A row as RepoFacts: the location and label only where the store has them. */
export function repoFactsOf({ location, label, ...facts }: StoredRepoRow): RepoFacts {
  return { ...facts, ...(location !== null && { location }), ...(label !== null && { label }) };
}

/** The repo's stored format; throws a StoreError naming the repo when the crawler forgot to upsert it first. */
export function requireRepo(db: Db, repoId: string): PackageFormat {
  const found = db.prepare<[string], { format: PackageFormat }>('SELECT format FROM repos WHERE id = ?').get(repoId);
  if (!found) {
    throw new StoreError('repo is not registered in the store (upsertRepo it before storing data)', { repo: repoId });
  }
  return found.format;
}

export function recordRepoEvent(db: Db, event: RepoEvent): void {
  requireRepo(db, event.repoId);
  db.prepare('INSERT INTO repo_events (repo_id, at, kind, message) VALUES (?, ?, ?, ?)').run(
    event.repoId,
    event.at,
    event.kind,
    event.message,
  );
}

export function repoEvents(db: Db, filter: RepoEventFilter = {}): RepoEvent[] {
  return db
    .prepare<[{ repo: string | null; since: number | null; kind: string | null }], RepoEvent>(
      `SELECT repo_id AS repoId, at, kind, message FROM repo_events
       WHERE (@repo IS NULL OR repo_id = @repo) AND (@since IS NULL OR at >= @since) AND (@kind IS NULL OR kind = @kind)
       ORDER BY at, id`,
    )
    .all({ repo: filter.repoId ?? null, since: filter.since ?? null, kind: filter.kind ?? null });
}

/**
 * The Release facts of a deb repo (what apt's pinning matches on), stored as JSON by the crawler
 * after a verified Release; the store does not interpret them.
 */
export function setReleaseFacts(db: Db, repoId: string, facts: AptReleaseFacts): void {
  requireRepo(db, repoId);
  db.prepare('UPDATE repos SET release_facts = ? WHERE id = ?').run(JSON.stringify(facts), repoId);
}

export function releaseFacts(db: Db): Map<string, AptReleaseFacts> {
  const rows = db.prepare<[], [string, string]>('SELECT id, release_facts FROM repos WHERE release_facts IS NOT NULL').raw().all();
  // Written only by setReleaseFacts from an AptReleaseFacts: the JSON column is the one place its type is asserted.
  return new Map(rows.map(([id, json]) => [id, JSON.parse(json) as AptReleaseFacts]));
}
