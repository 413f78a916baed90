/**
 * The store's reads in PostgreSQL: the same results, in the same order, as `../queries.ts`.
 *
 * Dialect notes (this folder is the one place they live): list filters are one JSON parameter
 * read with json_array_elements_text (SQLite: json_each), text is ordered by byte (COLLATE "C",
 * SQLite's BINARY) whatever collation the database was created with, and camelCase aliases are
 * quoted (PostgreSQL folds unquoted names to lower case).
 */
import type { DnfRepoFacts, MappingFact, Snapshot, StoredVersion, VersionInterval, VersionPartsRow, VersionScope } from '../types.js';
import type { PgConnection, Row, SqlValue } from './connection.js';

/** `column` ordered by byte, as SQLite orders text. */
export const byByte = (column: string): string => `${column} COLLATE "C"`;
/** `column IN <the JSON list parameter $n>`. */
export const inList = (column: string, n: number): string => `${column} IN (SELECT json_array_elements_text($${n}::json))`;

const RECORD_COLUMNS = `v.repo_id, v.name, v.arch, v.epoch, v.version, v.release, v.evr, v.vendor,
  v.source_name, v.url, v.summary, v.build_time, v.first_seen`;
const VERSION_ORDER = `${byByte('v.repo_id')}, ${byByte('v.name')}, ${byByte('v.arch')}, v.epoch, ${byByte('v.version')}, ${byByte('v.release')}`;
/**
 * Every interval, present (version_tracks) and closed (version_closed, migration 14), with the
 * columns versionHistory reads; a closed one has no text (as since migration 11).
 */
const HISTORY_ROWS = `(
  SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, first_seen, last_seen FROM version_tracks
  UNION ALL
  SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, NULL, NULL, NULL, build_time, first_seen, last_seen FROM version_closed)`;
const HISTORY_ORDER = `${byByte('v.repo_id')}, ${byByte('v.name')}, ${byByte('v.arch')}, v.first_seen, v.id`;

function toVersion(r: Row): StoredVersion {
  return {
    repoId: r[0] as string,
    name: r[1] as string,
    arch: r[2] as string,
    epoch: r[3] as number,
    version: r[4] as string,
    release: r[5] as string,
    evr: r[6] as string,
    vendor: r[7] as string | null,
    sourceName: r[8] as string | null,
    url: r[9] as string | null,
    summary: r[10] as string | null,
    buildTime: r[11] as number | null,
    firstSeen: r[12] as number,
  };
}

function toInterval(r: Row, lastCheck: ReadonlyMap<string, number>): VersionInterval {
  const lastSeen = r[13] as number | null;
  return { ...toVersion(r), lastSeen, presentUntil: lastSeen ?? lastCheck.get(r[0] as string) ?? (r[12] as number) };
}

function filters(repoIds: readonly string[] | undefined, names: readonly string[] | undefined): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (repoIds !== undefined) {
    params.push(JSON.stringify(repoIds));
    where.push(inList('v.repo_id', params.length));
  } else if (names !== undefined) {
    where.push('v.repo_id IN (SELECT id FROM repos)');
  }
  if (names !== undefined) {
    params.push(JSON.stringify(names));
    where.push(inList('v.name', params.length));
  }
  return { where, params };
}

export function currentVersions(db: PgConnection, repoIds?: readonly string[], names?: readonly string[]): StoredVersion[] {
  const { where, params } = filters(repoIds, names);
  return db
    .rows(`SELECT ${RECORD_COLUMNS} FROM version_tracks AS v WHERE v.last_seen IS NULL ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY ${VERSION_ORDER}`, params)
    .map(toVersion);
}

export function currentVersionParts(db: PgConnection, repoId: string, names?: readonly string[]): IterableIterator<VersionPartsRow> {
  const rows = db.rows(
    `SELECT v.name, v.arch, v.epoch, v.version, v.release, v.evr FROM version_tracks AS v
     WHERE v.repo_id = $1 AND v.last_seen IS NULL ${names === undefined ? '' : `AND ${inList('v.name', 2)}`}
     ORDER BY ${byByte('v.name')}, ${byByte('v.arch')}, v.epoch, ${byByte('v.version')}, ${byByte('v.release')}`,
    names === undefined ? [repoId] : [repoId, JSON.stringify(names)],
  ) as VersionPartsRow[];
  return rows[Symbol.iterator]();
}

/** The current versions of a VersionScope, its three parameters starting at $n. */
export function scopeWhere(n: number): string {
  return `last_seen IS NULL AND ${inList('repo_id', n)}
    AND ($${n + 1}::json IS NULL OR arch IN (SELECT json_array_elements_text($${n + 1}::json)))
    AND arch NOT IN (SELECT json_array_elements_text($${n + 2}::json))`;
}

export function scopeParams(scope: VersionScope): SqlValue[] {
  return [JSON.stringify(scope.repoIds), scope.arches === null ? null : JSON.stringify(scope.arches), JSON.stringify(scope.excludedArches)];
}

export function hasCurrentVersions(db: PgConnection, scope: VersionScope): boolean {
  return db.value<boolean>(`SELECT EXISTS (SELECT 1 FROM version_tracks WHERE ${scopeWhere(1)})`, scopeParams(scope)) === true;
}

/** As `../queries.ts`: the sort keys compare by byte (COLLATE "C"), as SQLite compares them. */
export function namesGoingBack(db: PgConnection, older: VersionScope, newer: VersionScope): string[] {
  return db.column<string>(
    `WITH o AS (SELECT name, max(${byByte('sort_key')}) AS k FROM version_tracks WHERE ${scopeWhere(1)} GROUP BY name),
          n AS (SELECT name, max(${byByte('sort_key')}) AS k FROM version_tracks WHERE ${scopeWhere(4)} GROUP BY name)
     SELECT o.name FROM o LEFT JOIN n ON n.name = o.name WHERE n.k IS NULL OR n.k < o.k ORDER BY ${byByte('o.name')}`,
    [...scopeParams(older), ...scopeParams(newer)],
  );
}

/** As `../queries.ts`: names with more than one current version in the scope, in byte order. */
export function contestedNames(db: PgConnection, scope: VersionScope): string[] {
  return db.column<string>(`SELECT name FROM version_tracks WHERE ${scopeWhere(1)} GROUP BY name HAVING count(*) > 1 ORDER BY ${byByte('name')}`, scopeParams(scope));
}

function lastChecks(db: PgConnection): Map<string, number> {
  return new Map(db.rows('SELECT repo_id, max(checked_at) FROM snapshots GROUP BY repo_id').map((r) => [r[0] as string, r[1] as number]));
}

export function versionHistory(db: PgConnection, repoIds?: readonly string[], names?: readonly string[]): VersionInterval[] {
  const { where, params } = filters(repoIds, names);
  const lastCheck = lastChecks(db);
  return db
    .rows(`SELECT ${RECORD_COLUMNS}, v.last_seen FROM ${HISTORY_ROWS} AS v ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${HISTORY_ORDER}`, params)
    .map((r) => toInterval(r, lastCheck));
}

/** As `../queries.ts`: the (repo, name) pairs whose best version may have gone back, as light intervals. */
export function rollbackCandidates(db: PgConnection, keyedRepoIds: readonly string[], unkeyedRepoIds: readonly string[]): VersionInterval[] {
  if (keyedRepoIds.length === 0 && unkeyedRepoIds.length === 0) return [];
  const lastCheck = lastChecks(db);
  return db
    .rows(
      `WITH pairs AS (
         SELECT repo_id, name FROM version_rollbacks WHERE ${inList('repo_id', 1)}
         UNION ALL
         SELECT DISTINCT repo_id, name FROM version_closed WHERE ${inList('repo_id', 2)})
       SELECT v.repo_id, v.name, v.arch, v.epoch, v.version, v.release, v.evr, NULL, NULL, NULL, NULL, NULL, v.first_seen, v.last_seen
       FROM pairs AS p JOIN ${HISTORY_ROWS} AS v ON v.repo_id = p.repo_id AND v.name = p.name
       ORDER BY ${HISTORY_ORDER}`,
      [JSON.stringify(keyedRepoIds), JSON.stringify(unkeyedRepoIds)],
    )
    .map((r) => toInterval(r, lastCheck));
}

export function namesIn(db: PgConnection, repoIds: readonly string[]): string[] {
  if (repoIds.length === 0) return [];
  return db.column<string>(
    `SELECT name FROM version_tracks WHERE ${inList('repo_id', 1)} UNION SELECT name FROM version_closed WHERE ${inList('repo_id', 1)}`,
    [JSON.stringify(repoIds)],
  );
}

const SNAPSHOT_COLUMNS = `id, repo_id AS "repoId", fetched_at AS "fetchedAt", checked_at AS "checkedAt",
  check_count AS "checkCount", revision, metadata_time AS "metadataTime", index_checksum AS "indexChecksum",
  package_count AS "packageCount", status`;

export function snapshots(db: PgConnection, repoId?: string): Snapshot[] {
  return repoId === undefined
    ? db.objects<Snapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots ORDER BY ${byByte('repo_id')}, id`)
    : db.objects<Snapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE repo_id = $1 ORDER BY id`, [repoId]);
}

export function latestSnapshot(db: PgConnection, repoId: string): Snapshot | null {
  return db.objects<Snapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE repo_id = $1 ORDER BY id DESC LIMIT 1`, [repoId])[0] ?? null;
}

export function snapshotsFetchedAfter(db: PgConnection, repoIds: readonly string[], after: number): number {
  return db.value<number>(`SELECT count(*) FROM snapshots WHERE ${inList('repo_id', 1)} AND fetched_at > $2`, [JSON.stringify(repoIds), after]) ?? 0;
}

export function dnfFacts(db: PgConnection, repoIds: readonly string[]): Map<string, DnfRepoFacts> {
  const rows = db.rows(
    `SELECT s.repo_id, f.facts FROM snapshots AS s JOIN snapshot_dnf_facts AS f ON f.snapshot_id = s.id
     WHERE ${inList('s.repo_id', 1)} AND s.id = (SELECT max(id) FROM snapshots AS l WHERE l.repo_id = s.repo_id)`,
    [JSON.stringify(repoIds)],
  );
  return new Map(rows.map((r) => [r[0] as string, JSON.parse(r[1] as string) as DnfRepoFacts]));
}

export function mappingFacts(db: PgConnection, repoIds: readonly string[]): MappingFact[] {
  if (repoIds.length === 0) return [];
  return db.objects(
    `SELECT DISTINCT repo_id AS "repoId", name, source_name AS "sourceName", url FROM version_tracks
     WHERE last_seen IS NULL AND ${inList('repo_id', 1)}`,
    [JSON.stringify(repoIds)],
  );
}
