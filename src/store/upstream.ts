/**
 * Upstream release feeds in the store: each feed's releases (publication date from the source,
 * first/last seen from our checks) and each feed's last check. Writing one feed is one transaction;
 * a failed check records only its failure, never touching the releases stored before.
 */
import type { Db } from './db.js';
import type { FeedCheck, FeedReleaseInput, MappingFact, StoredFeedRelease } from './types.js';

/** Store a successful fetch of `feed`: new versions added, known ones refreshed, last_seen = at. */
export function recordFeedReleases(db: Db, feed: string, releases: readonly FeedReleaseInput[], projectUrls: readonly string[], at: number): { added: number } {
  const upsert = db.prepare<[string, string, string | null, number, string | null, number | null, number, number]>(`
    INSERT INTO upstream_releases (feed, version, tag, prerelease, url, published_at, first_seen, last_seen)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (feed, version) DO UPDATE SET
      tag = excluded.tag, prerelease = excluded.prerelease, url = excluded.url,
      published_at = coalesce(excluded.published_at, upstream_releases.published_at),
      last_seen = excluded.last_seen`);
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM upstream_releases WHERE feed = ?');
  return db.transaction(() => {
    const before = count.get(feed)?.n ?? 0;
    for (const r of releases) upsert.run(feed, r.version, r.tag, r.prerelease ? 1 : 0, r.url, r.publishedAt, at, at);
    db.prepare(`
      INSERT INTO upstream_feeds (feed, checked_at, status, message, project_urls, last_ok_at) VALUES (?, ?, 'ok', NULL, ?, ?)
      ON CONFLICT (feed) DO UPDATE SET checked_at = excluded.checked_at, status = 'ok', message = NULL,
        project_urls = excluded.project_urls, last_ok_at = excluded.last_ok_at`).run(feed, at, JSON.stringify(projectUrls), at);
    return { added: (count.get(feed)?.n ?? 0) - before };
  }).immediate();
}

/** A check that found no such project, or failed: the releases stay as they were. */
export function recordFeedCheck(db: Db, feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void {
  db.prepare(`
    INSERT INTO upstream_feeds (feed, checked_at, status, message) VALUES (?, ?, ?, ?)
    ON CONFLICT (feed) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status, message = excluded.message`).run(feed, at, status, message);
}

interface ReleaseRow {
  feed: string;
  version: string;
  tag: string | null;
  prerelease: number;
  url: string | null;
  published_at: number | null;
  first_seen: number;
  last_seen: number;
}

/** Stored releases by feed (all feeds, or those named). */
export function feedReleases(db: Db, feeds?: readonly string[]): Map<string, StoredFeedRelease[]> {
  const rows = feeds
    ? feeds.flatMap((f) => db.prepare<[string], ReleaseRow>('SELECT * FROM upstream_releases WHERE feed = ?').all(f))
    : db.prepare<[], ReleaseRow>('SELECT * FROM upstream_releases ORDER BY feed').all();
  const out = new Map<string, StoredFeedRelease[]>();
  for (const r of rows) {
    const release: StoredFeedRelease = {
      feed: r.feed,
      version: r.version,
      tag: r.tag,
      prerelease: r.prerelease === 1,
      url: r.url,
      publishedAt: r.published_at,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    };
    const list = out.get(r.feed);
    if (list) list.push(release);
    else out.set(r.feed, [release]);
  }
  return out;
}

export function feedChecks(db: Db): Map<string, FeedCheck> {
  const rows = db
    .prepare<[], { feed: string; checked_at: number; status: FeedCheck['status']; message: string | null; project_urls: string; last_ok_at: number | null }>('SELECT * FROM upstream_feeds')
    .all();
  return new Map(
    rows.map((r) => [r.feed, { feed: r.feed, checkedAt: r.checked_at, status: r.status, message: r.message, projectUrls: JSON.parse(r.project_urls) as string[], lastOkAt: r.last_ok_at }]),
  );
}

/**
 * What the upstream mapping reads of each current package in `repoIds`: name, source name and
 * URL / Homepage, one row per distinct triple — three columns instead of whole version rows.
 */
export function mappingFacts(db: Db, repoIds: readonly string[]): MappingFact[] {
  if (repoIds.length === 0) return [];
  return db
    .prepare<[string], { repoId: string; name: string; sourceName: string | null; url: string | null }>(
      `SELECT DISTINCT repo_id AS repoId, name, source_name AS sourceName, url FROM version_tracks
       WHERE last_seen IS NULL AND repo_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(repoIds));
}
