/**
 * Reading API for the analysis: plain arrays of plain objects.
 *
 * The big reads (versions) iterate raw rows and build object literals in JS: measured ~4× faster
 * than letting better-sqlite3 build keyed row objects (.all()), which at 500,000 rows × 13
 * columns is the difference between seconds and a fraction of one.
 * Filters take lists and pass them as one JSON parameter (`IN (SELECT value FROM json_each(?))`),
 * so every query is one prepared statement whatever the list length.
 */
import type { Db } from './db.js';
import type { DnfRepoFacts, Snapshot, StoredVersion, VersionInterval, VersionPartsRow, VersionScope } from './types.js';

/** Column order is the contract with toVersion(). */
const RECORD_COLUMNS = `v.repo_id, v.name, v.arch, v.epoch, v.version, v.release, v.evr, v.vendor,
  v.source_name, v.url, v.summary, v.build_time, v.first_seen`;

/** RECORD_COLUMNS of a closed interval (version_closed): no text columns. */
const CLOSED_RECORD_COLUMNS = `v.repo_id, v.name, v.arch, v.epoch, v.version, v.release, v.evr, v.vendor,
  NULL, NULL, NULL, v.build_time, v.first_seen`;
/** A history union's order, by output column: repo, name, arch, first_seen, id (the 15th, after last_seen). */
const HISTORY_ORDER = '1, 2, 3, 13, 15';

type RawVersionRow = [
  repoId: string,
  name: string,
  arch: string,
  epoch: number,
  version: string,
  release: string,
  evr: string,
  vendor: string | null,
  sourceName: string | null,
  url: string | null,
  summary: string | null,
  buildTime: number | null,
  firstSeen: number,
];
type RawIntervalRow = [...RawVersionRow, lastSeen: number | null];

function toVersion(r: RawVersionRow): StoredVersion {
  return {
    repoId: r[0],
    name: r[1],
    arch: r[2],
    epoch: r[3],
    version: r[4],
    release: r[5],
    evr: r[6],
    vendor: r[7],
    sourceName: r[8],
    url: r[9],
    summary: r[10],
    buildTime: r[11],
    firstSeen: r[12],
  };
}

// Spelled out rather than `{ ...toVersion(r), … }`: object literals of one shape keep reads of
// 500k rows fast (V8 builds each object in one go instead of copying a spread).
function toInterval(r: RawIntervalRow, lastCheck: ReadonlyMap<string, number>): VersionInterval {
  return {
    repoId: r[0],
    name: r[1],
    arch: r[2],
    epoch: r[3],
    version: r[4],
    release: r[5],
    evr: r[6],
    vendor: r[7],
    sourceName: r[8],
    url: r[9],
    summary: r[10],
    buildTime: r[11],
    firstSeen: r[12],
    lastSeen: r[13],
    // An open interval can only exist in a repo with a snapshot; firstSeen is a safe floor anyway.
    presentUntil: r[13] ?? lastCheck.get(r[0]) ?? r[12],
  };
}

function collect<R, T>(rows: IterableIterator<R>, convert: (row: R) => T): T[] {
  const out: T[] = [];
  for (const row of rows) out.push(convert(row));
  return out;
}

const SNAPSHOT_COLUMNS = `id, repo_id AS repoId, fetched_at AS fetchedAt, checked_at AS checkedAt,
  check_count AS checkCount, revision, metadata_time AS metadataTime, index_checksum AS indexChecksum,
  package_count AS packageCount, status`;

/** null means "no filter"; an empty list means "nothing". */
function listParam(values: readonly string[] | undefined): string | null {
  return values === undefined ? null : JSON.stringify(values);
}

/** The SQL of currentVersions(); exported so tests can check its query plan. */
export function currentVersionsSql(byRepo: boolean, byName = false): string {
  return `SELECT ${RECORD_COLUMNS} FROM version_tracks AS v
    WHERE v.last_seen IS NULL ${byRepo ? 'AND v.repo_id IN (SELECT value FROM json_each(?))' : ''}
    ${byName ? `${byRepo ? '' : 'AND v.repo_id IN (SELECT id FROM repos)'} AND v.name IN (SELECT value FROM json_each(?))` : ''}
    ORDER BY v.repo_id, v.name, v.arch, v.epoch, v.version, v.release`;
}

/**
 * The SQL of versionHistory(); exported so tests can check its query plan. Present versions
 * (version_tracks) and closed intervals (version_closed, migration 14) are each read in history
 * order from their (repo_id, name, arch, first_seen, id) index and merged; the closed ones carry no
 * text (null, as their rows in version_tracks did since migration 11). Each `?` is bound twice,
 * once per table (versionHistoryParams).
 */
export function versionHistorySql(byRepo: boolean, byName: boolean): string {
  const where: string[] = [];
  if (byRepo) where.push('v.repo_id IN (SELECT value FROM json_each(?))');
  // By name alone: walk the (repo_id, name, …) index once per repo (repos are few) — a separate
  // name index would cost ~45% of every crawl's insert time to speed up this rare query.
  else if (byName) where.push('v.repo_id IN (SELECT id FROM repos)');
  if (byName) where.push('v.name IN (SELECT value FROM json_each(?))');
  const filter = where.length ? 'WHERE ' + where.join(' AND ') : '';
  return `SELECT ${RECORD_COLUMNS}, v.last_seen, v.id FROM version_tracks AS v ${filter}
    UNION ALL
    SELECT ${CLOSED_RECORD_COLUMNS}, v.last_seen, v.id FROM version_closed AS v ${filter}
    ORDER BY ${HISTORY_ORDER}`;
}

/** versionHistorySql()'s parameters: the filters given, once for each table. */
export function versionHistoryParams(params: readonly string[]): string[] {
  return [...params, ...params];
}

/**
 * Versions present in each repo as of its last successful check (optionally only some names),
 * ordered by repo, name, arch, EVR parts.
 */
export function currentVersions(db: Db, repoIds?: readonly string[], names?: readonly string[]): StoredVersion[] {
  const repos = listParam(repoIds);
  const wanted = listParam(names);
  const params = [repos, wanted].filter((p): p is string => p !== null);
  const statement = db.prepare<string[], RawVersionRow>(currentVersionsSql(repos !== null, wanted !== null)).raw();
  return collect(statement.iterate(...params), toVersion);
}

/**
 * One repo's current versions reduced to what ordering needs, streamed in currentVersions() order
 * (the open-interval index): finding each name's best version reads six columns, not thirteen,
 * and builds no object per version. With `names`, only those names' versions.
 */
export function currentVersionParts(db: Db, repoId: string, names?: readonly string[]): IterableIterator<VersionPartsRow> {
  const byName = names === undefined ? '' : 'AND name IN (SELECT value FROM json_each(?))';
  return db
    .prepare<string[], VersionPartsRow>(
      `SELECT name, arch, epoch, version, release, evr FROM version_tracks
       WHERE repo_id = ? AND last_seen IS NULL ${byName} ORDER BY name, arch, epoch, version, release`,
    )
    .raw()
    .iterate(...(names === undefined ? [repoId] : [repoId, JSON.stringify(names)]));
}

/** The WHERE clause selecting the current versions of a VersionScope whose parameters start with `p`. */
export function scopeWhere(p: string): string {
  return `last_seen IS NULL AND repo_id IN (SELECT value FROM json_each(@${p}Repos))
    AND (@${p}Arches IS NULL OR arch IN (SELECT value FROM json_each(@${p}Arches)))
    AND arch NOT IN (SELECT value FROM json_each(@${p}Excluded))`;
}

export function scopeParams(p: string, scope: VersionScope): Record<string, string | null> {
  return {
    [`${p}Repos`]: JSON.stringify(scope.repoIds),
    [`${p}Arches`]: scope.arches === null ? null : JSON.stringify(scope.arches),
    [`${p}Excluded`]: JSON.stringify(scope.excludedArches),
  };
}

/** Whether the scope holds any current version. */
export function hasCurrentVersions(db: Db, scope: VersionScope): boolean {
  return db.prepare(`SELECT EXISTS (SELECT 1 FROM version_tracks WHERE ${scopeWhere('s')})`).pluck().get(scopeParams('s', scope)) === 1;
}

/**
 * The names whose best version in `older` is higher than their best in `newer`, or that `newer`
 * does not ship at all: the only names an upgrade from one to the other can regress. The best
 * version is max(sort_key) (migration 8), so this holds only when every repo of both scopes
 * keys its versions in the same format. A few hundred names instead of every version row.
 */
export function namesGoingBack(db: Db, older: VersionScope, newer: VersionScope): string[] {
  return db
    .prepare<Record<string, string | null>, string>(
      // One GROUP BY over both scopes' rows (in_older marks the names `older` ships) instead of two
      // grouped sides and a join through an automatic index: the same names, in name order, for
      // ~30% less CPU (bookworm → trixie: ~105 → ~73 ms; after 52 simulated weeks f40 → f41:
      // ~200 → ~165 ms; 2026-11-28). INDEXED BY: left to itself the planner walks the history
      // index, every closed interval of the repos too (f40 → f41 after 52 weeks: 145 → 77 ms CPU
      // warm, 174 → 115 ms cold, against 63 / 90 ms after week 1; 2026-11-28).
      `SELECT name FROM (
         SELECT name, 1 AS in_older, sort_key AS older_key, NULL AS newer_key FROM version_tracks INDEXED BY version_tracks_open WHERE ${scopeWhere('o')}
         UNION ALL
         SELECT name, 0, NULL, sort_key FROM version_tracks INDEXED BY version_tracks_open WHERE ${scopeWhere('n')})
       GROUP BY name
       HAVING max(in_older) = 1 AND (max(newer_key) IS NULL OR max(newer_key) < max(older_key))
       ORDER BY name`,
    )
    .pluck()
    .all({ ...scopeParams('o', older), ...scopeParams('n', newer) });
}

/** Names of which the scope holds more than one current version, in name order (Store.contestedNames). */
export function contestedNames(db: Db, scope: VersionScope): string[] {
  return db
    .prepare<Record<string, string | null>, string>(
      // INDEXED BY: the repos' present versions, not their history (as namesGoingBack).
      `SELECT name FROM version_tracks INDEXED BY version_tracks_open WHERE ${scopeWhere('s')}
       GROUP BY name HAVING count(*) > 1 ORDER BY name`,
    )
    .pluck()
    .all(scopeParams('s', scope));
}

/** The first column of a query's rows, as strings (a list of names). */
export function nameColumn(db: Db, sql: string, ...params: string[]): string[] {
  return db.prepare<string[], [string]>(sql).raw().all(...params).map((r) => r[0]);
}

/** Every name the repos ship or shipped. */
export function namesIn(db: Db, repoIds: readonly string[]): string[] {
  if (repoIds.length === 0) return [];
  const repos = JSON.stringify(repoIds);
  return nameColumn(
    db,
    `SELECT name FROM version_tracks WHERE repo_id IN (SELECT value FROM json_each(?))
     UNION SELECT name FROM version_closed WHERE repo_id IN (SELECT value FROM json_each(?))`,
    repos,
    repos,
  );
}

/**
 * Every interval (closed and open) for the given repos and/or names, ordered by repo, name, arch,
 * first_seen. An open interval's presentUntil is its repo's last successful check.
 */
export function versionHistory(db: Db, repoIds?: readonly string[], names?: readonly string[]): VersionInterval[] {
  // Only the filters actually given go into the SQL, so the planner can use the (repo_id, name, …)
  // index; `? IS NULL OR …` would force a full scan.
  const params: string[] = [];
  const repos = listParam(repoIds);
  const wanted = listParam(names);
  if (repos !== null) params.push(repos);
  if (wanted !== null) params.push(wanted);
  // The repos' last checks are few: look them up in JS rather than joining, which would make
  // SQLite sort the whole result instead of walking the (repo_id, name, arch, first_seen) index.
  const lastCheck = new Map(
    db
      .prepare<[], [string, number]>('SELECT repo_id, max(checked_at) FROM snapshots GROUP BY repo_id')
      .raw()
      .all(),
  );
  const statement = db.prepare<string[], RawIntervalRow>(versionHistorySql(repos !== null, wanted !== null)).raw();
  return collect(statement.iterate(...versionHistoryParams(params)), (row) => toInterval(row, lastCheck));
}

/**
 * The (repo, name) pairs whose best version may have gone back, as intervals reduced to what
 * ordering and timing need (repo, name, arch, EVR, first/last seen; the text fields and build
 * time are null), ordered as versionHistory(): in `keyedRepoIds` the pairs version_rollbacks
 * holds (a version gone while a lower one by sort key stayed or came later), in `unkeyedRepoIds`
 * (sort keys not in the format the caller compares by) every name with a version gone. Pairs, not
 * names: a name that went back in one repo is not read in the others (after 52 simulated weeks:
 * 8,991 rows instead of 11,917).
 */
export function rollbackCandidates(db: Db, keyedRepoIds: readonly string[], unkeyedRepoIds: readonly string[]): VersionInterval[] {
  if (keyedRepoIds.length === 0 && unkeyedRepoIds.length === 0) return [];
  const lastCheck = new Map(db.prepare<[], [string, number]>('SELECT repo_id, max(checked_at) FROM snapshots GROUP BY repo_id').raw().all());
  // NULLs in the text columns' places: SQLite hands JS no strings for them, and toInterval() serves.
  const rows = db
    .prepare<[string, string], RawIntervalRow>(
      `WITH pairs AS (
         SELECT repo_id, name FROM version_rollbacks WHERE repo_id IN (SELECT value FROM json_each(?))
         UNION ALL
         SELECT DISTINCT repo_id, name FROM version_closed WHERE repo_id IN (SELECT value FROM json_each(?)))
       SELECT v.repo_id, v.name, v.arch, v.epoch, v.version, v.release, v.evr, NULL, NULL, NULL, NULL, NULL, v.first_seen, v.last_seen, v.id
       FROM pairs AS p CROSS JOIN version_tracks AS v ON v.repo_id = p.repo_id AND v.name = p.name
       UNION ALL
       SELECT v.repo_id, v.name, v.arch, v.epoch, v.version, v.release, v.evr, NULL, NULL, NULL, NULL, NULL, v.first_seen, v.last_seen, v.id
       FROM pairs AS p CROSS JOIN version_closed AS v ON v.repo_id = p.repo_id AND v.name = p.name
       ORDER BY ${HISTORY_ORDER}`,
    )
    .raw()
    .iterate(JSON.stringify(keyedRepoIds), JSON.stringify(unkeyedRepoIds));
  return collect(rows, (row) => toInterval(row, lastCheck));
}

/** Snapshots, oldest first (for one repo, or all repos). */
export function snapshots(db: Db, repoId?: string): Snapshot[] {
  return db
    .prepare<[{ repo: string | null }], Snapshot>(
      // Snapshots are few (one per changed crawl per repo): a scan here is fine.
      `SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE (@repo IS NULL OR repo_id = @repo) ORDER BY repo_id, id`,
    )
    .all({ repo: repoId ?? null });
}

/** How many snapshots (changed fetches) of the repos were fetched after `after` (ms). */
export function snapshotsFetchedAfter(db: Db, repoIds: readonly string[], after: number): number {
  return db
    .prepare<[string, number], [number]>('SELECT count(*) FROM snapshots WHERE repo_id IN (SELECT value FROM json_each(?)) AND fetched_at > ?')
    .raw()
    .get(JSON.stringify(repoIds), after)![0];
}

/**
 * The repo's current snapshot, or null before its first successful crawl. The crawler's rollback
 * guard compares its revision / metadataTime / packageCount with a new fetch.
 */
export function latestSnapshot(db: Db, repoId: string): Snapshot | null {
  return (
    db
      .prepare<[string], Snapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE repo_id = ? ORDER BY id DESC LIMIT 1`)
      .get(repoId) ?? null
  );
}

/** The dnf facts of each given repo's current snapshot (repos without any are left out). */
export function dnfFacts(db: Db, repoIds: readonly string[]): Map<string, DnfRepoFacts> {
  const rows = db
    .prepare<[string], [string, string]>(
      `SELECT s.repo_id, f.facts FROM snapshots AS s JOIN snapshot_dnf_facts AS f ON f.snapshot_id = s.id
       WHERE s.repo_id IN (SELECT value FROM json_each(?))
         AND s.id = (SELECT max(id) FROM snapshots AS l WHERE l.repo_id = s.repo_id)`,
    )
    .raw()
    .all(JSON.stringify(repoIds));
  return new Map(rows.map(([repo, json]) => [repo, JSON.parse(json) as DnfRepoFacts]));
}
