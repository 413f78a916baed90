/**
 * Writing one repo's new index into PostgreSQL: the same contract as the SQLite RepoUpdate
 * (`../repo-update.ts`: stage, then merge in one transaction; nothing visible until commit).
 *
 * Staging is a TEMP table (per connection, gone with it, so a killed crawler leaves no staging
 * rows) filled by COPY, faster than multi-row INSERTs (README: the bench rows "PostgreSQL bulk load: …"). COPY cannot skip
 * duplicates the way SQLite's ON CONFLICT DO NOTHING does, so each row carries its arrival order
 * and the merge reads `DISTINCT ON (key) … ORDER BY key, ord`: the first occurrence wins, as there.
 * The merge runs under the store's write lock, so two crawlers' merges never interleave.
 */
import type { PackageFormat } from '../../formats/types.js';
import { StoreError } from '../../errors.js';
import { versionScheme } from '../../formats/version-scheme.js';
import { DEFAULT_BATCH_SIZE, StagedRepoUpdate } from '../staged-update.js';
import type { CommitResult, SnapshotMeta, VersionRecord } from '../types.js';
import type { PgConnection, SqlValue } from './connection.js';
import { byByte } from './queries.js';
import { WRITE_LOCK } from './locks.js';
import type { ChangedRow } from '../screens.js';
import { recordVersionScreens } from './screens.js';

/** The staging table's columns, in the order stagingRow() gives them (the bulk-load bench loads the same rows). */
export const STAGING_COLUMNS = ['staging_id', 'ord', 'name', 'arch', 'epoch', 'version', 'release', 'evr', 'vendor', 'source_name', 'url', 'summary', 'build_time', 'sort_key', 'depends', 'pre_depends', 'conflicts', 'breaks', 'provides', 'phased_percentage', 'phased_source_version'];

const STAGING_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS staging_versions (
    staging_id  INTEGER NOT NULL,
    ord         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    arch        TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    version     TEXT NOT NULL,
    release     TEXT NOT NULL,
    evr         TEXT NOT NULL,
    vendor      TEXT,
    source_name TEXT,
    url         TEXT,
    summary     TEXT,
    build_time  BIGINT,
    sort_key    TEXT NOT NULL,
    depends     TEXT,
    pre_depends TEXT,
    conflicts   TEXT,
    breaks      TEXT,
    provides    TEXT,
    phased_percentage     INTEGER,
    phased_source_version TEXT
  );
  CREATE INDEX IF NOT EXISTS staging_versions_key ON staging_versions (staging_id, name, arch, epoch, version, release)`;

const KEY = 'name, arch, epoch, version, release';
const SAME_KEY = (a: string, b: string) =>
  `${a}.name = ${b}.name AND ${a}.arch = ${b}.arch AND ${a}.epoch = ${b}.epoch AND ${a}.version = ${b}.version AND ${a}.release = ${b}.release`;
/** This update's staged rows, a duplicate key keeping its first occurrence. */
const STAGED = `(SELECT DISTINCT ON (${KEY}) * FROM staging_versions WHERE staging_id = $2 ORDER BY ${KEY}, ord)`;

/** As the SQLite update's: the present versions' relations from staging, `only` narrowing them. */
function relationsFromStagingSql(only: string): string {
  return `INSERT INTO deb_relations (version_id, depends, pre_depends, conflicts, breaks, provides, phased_percentage, phased_source_version)
    SELECT v.id, s.depends, s.pre_depends, s.conflicts, s.breaks, s.provides, s.phased_percentage, s.phased_source_version
    FROM ${STAGED} AS s
    JOIN version_tracks AS v ON v.repo_id = $1 AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')}
    ${only}
    ON CONFLICT (version_id) DO NOTHING`;
}

const SQL = {
  head: `SELECT id, checked_at, index_checksum FROM snapshots WHERE repo_id = $1 ORDER BY id DESC LIMIT 1`,
  touch: `UPDATE snapshots SET checked_at = $1, check_count = check_count + 1 WHERE id = $2`,
  dropStaging: `DELETE FROM staging_versions WHERE staging_id = $1`,
  // As the SQLite update's: a vanished version's interval moves to version_closed (migration 14)
  // without the text only current versions show (migration 11), and its relations go.
  closeRelations: `DELETE FROM deb_relations WHERE version_id IN (SELECT v.id FROM version_tracks AS v
    WHERE v.repo_id = $1 AND v.last_seen IS NULL
      AND NOT EXISTS (SELECT 1 FROM staging_versions AS s WHERE s.staging_id = $2 AND ${SAME_KEY('s', 'v')}))`,
  close: `WITH gone AS (
      DELETE FROM version_tracks AS v
      WHERE v.repo_id = $1 AND v.last_seen IS NULL
        AND NOT EXISTS (SELECT 1 FROM staging_versions AS s WHERE s.staging_id = $2 AND ${SAME_KEY('s', 'v')})
      RETURNING v.*),
    moved AS (
      INSERT INTO version_closed (id, repo_id, name, arch, epoch, version, release, evr, vendor, build_time, first_seen, last_seen, sort_key)
      SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, build_time, first_seen, $3::bigint, sort_key FROM gone)
    SELECT name, vendor FROM gone
    ORDER BY ${byByte('name')}, ${byByte('arch')}, epoch, ${byByte('version')}, ${byByte('release')}`,
  refresh: `UPDATE version_tracks AS v
    SET evr = s.evr, vendor = s.vendor, source_name = s.source_name, url = s.url, summary = s.summary, build_time = s.build_time
    FROM ${STAGED} AS s
    WHERE v.repo_id = $1 AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')}
      AND (v.evr, v.vendor, v.source_name, v.url, v.summary, v.build_time)
          IS DISTINCT FROM (s.evr, s.vendor, s.source_name, s.url, s.summary, s.build_time)
    RETURNING v.name, v.vendor`,
  open: `INSERT INTO version_tracks
      (repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, first_seen, last_seen, sort_key)
    SELECT $1::text, s.name, s.arch, s.epoch, s.version, s.release, s.evr, s.vendor, s.source_name, s.url, s.summary, s.build_time, $3::bigint, NULL, s.sort_key
    FROM ${STAGED} AS s
    WHERE NOT EXISTS (SELECT 1 FROM version_tracks AS v WHERE v.repo_id = $1 AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')})
    RETURNING name, vendor`,
  snapshot: `INSERT INTO snapshots (repo_id, fetched_at, checked_at, check_count, revision, metadata_time, index_checksum, package_count, status)
    VALUES ($1, $2, $2, 1, $3, $4, $5, $6, $7) RETURNING id`,
  // deb repos: the relations of the versions this commit opens; every present version's when the
  // repo still has versions stored before relations were kept (see the SQLite update).
  relationsMissing: `SELECT EXISTS (SELECT 1 FROM version_tracks AS v WHERE v.repo_id = $1 AND v.last_seen IS NULL
      AND NOT EXISTS (SELECT 1 FROM deb_relations AS r WHERE r.version_id = v.id))`,
  relationsOfAll: relationsFromStagingSql(''),
  // As the SQLite update's: a present version's phasing follows its staged stanza.
  phasingOfStaged: `UPDATE deb_relations AS r
    SET phased_percentage = s.phased_percentage, phased_source_version = s.phased_source_version
    FROM ${STAGED} AS s
    JOIN version_tracks AS v ON v.repo_id = $1 AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')}
    WHERE s.phased_percentage IS NOT NULL AND r.version_id = v.id
      AND (r.phased_percentage, r.phased_source_version) IS DISTINCT FROM (s.phased_percentage, s.phased_source_version)`,
  phasingEnded: `UPDATE deb_relations AS r SET phased_percentage = NULL, phased_source_version = NULL
    WHERE r.phased_percentage IS NOT NULL
      AND EXISTS (SELECT 1 FROM version_tracks AS v JOIN ${STAGED} AS s ON ${SAME_KEY('s', 'v')}
                  WHERE v.id = r.version_id AND v.repo_id = $1 AND v.last_seen IS NULL AND s.phased_percentage IS NULL)`,
  relationsOfNew: relationsFromStagingSql('WHERE v.first_seen = $3::bigint'),
  dnfFacts: `INSERT INTO snapshot_dnf_facts (snapshot_id, facts) VALUES ($1, $2)`,
};

/** One record as a staging row: the update it belongs to, its arrival order, its fields and its sort key. */
export function stagingRow(stagingId: number, ord: number, r: VersionRecord, sortKey: string): SqlValue[] {
  const deb = r.debRelations;
  return [stagingId, ord, r.name, r.arch, r.epoch, r.version, r.release, r.evr, r.vendor, r.sourceName, r.url, r.summary, r.buildTime, sortKey, deb?.depends ?? null, deb?.preDepends ?? null, deb?.conflicts ?? null, deb?.breaks ?? null, deb?.provides ?? null, deb?.phasedUpdatePercentage ?? null, deb?.phasedSourceVersion ?? null];
}

const stagingReady = new WeakSet<PgConnection>();
/** Create this connection's TEMP staging table (once per connection). */
export function ensureStaging(db: PgConnection): void {
  if (stagingReady.has(db)) return;
  db.exec(STAGING_DDL);
  stagingReady.add(db);
}

/** Unique across this process's updates; staging is per connection anyway. */
let lastStagingId = 0;

function asMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The repo's stored format; throws a StoreError naming the repo when the crawler forgot to upsert it first. */
export function requireRepo(db: PgConnection, repoId: string): PackageFormat {
  const format = db.value<PackageFormat>('SELECT format FROM repos WHERE id = $1', [repoId]);
  if (format === null) throw new StoreError('repo is not registered in the store (upsertRepo it before storing data)', { repo: repoId });
  return format;
}

interface Head {
  id: number;
  checkedAt: number;
  indexChecksum: string;
}

function head(db: PgConnection, repoId: string): Head | null {
  const row = db.rows(SQL.head, [repoId])[0];
  return row ? { id: row[0] as number, checkedAt: row[1] as number, indexChecksum: row[2] as string } : null;
}

export class PgRepoUpdate extends StagedRepoUpdate {
  private readonly stagingId = ++lastStagingId;
  /** The repo's stored format: which order its versions' sort keys follow. */
  private readonly format: PackageFormat;

  constructor(
    private readonly db: PgConnection,
    meta: SnapshotMeta,
    batchSize: number = DEFAULT_BATCH_SIZE,
  ) {
    super(meta, batchSize);
    this.format = requireRepo(db, meta.repoId);
    ensureStaging(db);
  }

  /** COPY the buffered records into staging (outside any transaction: staging is private). */
  flush(): void {
    this.requireOpen();
    if (this.buffer.length === 0) return;
    const first = this.count - this.buffer.length;
    const rows = this.buffer.splice(0);
    try {
      this.db.copyIn(
        'staging_versions',
        STAGING_COLUMNS,
        rows.map((r, i) => stagingRow(this.stagingId, first + i, r, versionScheme(this.format).sortKey(r))),
      );
    } catch (err) {
      this.abort();
      if (err instanceof StoreError) throw err.locate({ repo: this.meta.repoId });
      throw new StoreError(`cannot stage versions: ${asMessage(err)}`, { repo: this.meta.repoId }, { cause: err });
    }
  }

  commit(): CommitResult {
    this.flush();
    const { repoId, fetchedAt } = this.meta;
    const sid = this.stagingId;
    try {
      // Temp tables get no automatic statistics: without these the planner guesses a tiny staging table.
      this.db.exec('ANALYZE staging_versions');
      const result = this.db.transaction((): CommitResult => {
        const last = head(this.db, repoId);
        if (last && fetchedAt < last.checkedAt) {
          throw new StoreError(`fetchedAt ${new Date(fetchedAt).toISOString()} is before the last check ${new Date(last.checkedAt).toISOString()}`, { repo: repoId });
        }
        if (last && last.indexChecksum === this.meta.indexChecksum) {
          this.db.rows(SQL.touch, [fetchedAt, last.id]);
          this.db.rows(SQL.dropStaging, [sid]);
          return { snapshotId: last.id, unchanged: true, packageCount: this.count, added: 0, removed: 0, refreshed: 0, changedNames: [] };
        }
        this.db.rows(SQL.closeRelations, [repoId, sid]);
        const closed = this.db.rows(SQL.close, [repoId, sid, last?.checkedAt ?? fetchedAt]) as ChangedRow[];
        const refreshedRows = this.db.rows(SQL.refresh, [repoId, sid]) as ChangedRow[];
        const backfill = this.format === 'deb' && this.db.value<boolean>(SQL.relationsMissing, [repoId]) === true;
        const opened = this.db.rows(SQL.open, [repoId, sid, fetchedAt]) as ChangedRow[];
        if (backfill) this.db.rows(SQL.relationsOfAll, [repoId, sid]);
        else if (this.format === 'deb') this.db.rows(SQL.relationsOfNew, [repoId, sid, fetchedAt]);
        if (this.format === 'deb') {
          this.db.rows(SQL.phasingOfStaged, [repoId, sid]);
          this.db.rows(SQL.phasingEnded, [repoId, sid]);
        }
        recordVersionScreens(this.db, repoId, { closed, openedNames: opened.map((row) => row[0]), vendors: [...refreshedRows, ...opened].map((row) => row[1]) });
        const snapshotId = this.db.value<number>(SQL.snapshot, [
          repoId,
          fetchedAt,
          this.meta.revision,
          this.meta.metadataTime,
          this.meta.indexChecksum,
          this.count,
          this.meta.status ?? 'ok',
        ])!;
        if (this.dnfFacts !== null) this.db.rows(SQL.dnfFacts, [snapshotId, JSON.stringify(this.dnfFacts)]);
        this.db.rows(SQL.dropStaging, [sid]);
        return {
          snapshotId,
          unchanged: false,
          packageCount: this.count,
          added: opened.length,
          removed: closed.length,
          refreshed: refreshedRows.length,
          changedNames: [...new Set([...closed, ...refreshedRows, ...opened].map((row) => row[0]))],
        };
      }, WRITE_LOCK);
      this.state = 'committed';
      return result;
    } catch (err) {
      this.abort();
      if (err instanceof StoreError) throw err.locate({ repo: repoId });
      throw new StoreError(`cannot commit the update: ${asMessage(err)}`, { repo: repoId }, { cause: err });
    }
  }

  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.buffer.length = 0;
    if (this.db.open) this.db.rows(SQL.dropStaging, [this.stagingId]);
  }

}

/** recordUnchanged() of the SQLite store, in PostgreSQL. */
export function recordUnchanged(db: PgConnection, repoId: string, indexChecksum: string, checkedAt: number): boolean {
  return db.transaction(() => {
    const last = head(db, repoId);
    if (!last || last.indexChecksum !== indexChecksum) return false;
    if (checkedAt < last.checkedAt) throw new StoreError('check time is before the last check', { repo: repoId });
    db.rows(SQL.touch, [checkedAt, last.id]);
    return true;
  }, WRITE_LOCK);
}
