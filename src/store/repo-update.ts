/**
 * Writing one repo's new index: stage, then commit in one synchronous transaction.
 *
 * The crawler parses an async stream and several repos share one connection, while better-sqlite3
 * transactions are synchronous, so no transaction may stay open across an await. Records are
 * therefore buffered and flushed in small batches (each its own short transaction) into a staging
 * table tagged with a per-update staging id; `commit()` then merges staging into version_tracks,
 * writes the snapshot and drops the staging rows in ONE transaction.
 *
 * The staging table is a TEMP table (per connection, outside the database file), an improvement
 * over staging in the main file: batches write nothing to the WAL, and a crawl killed at any point
 * (SIGKILL included) cannot leave staging garbage in the store — the temp file dies with the
 * connection. A killed commit is an uncommitted WAL transaction, which SQLite discards on the next
 * open. Either way the store holds exactly the previous or the new snapshot.
 *
 * A repo with present versions stages into one table keyed on the version (the merge looks rows up
 * by key); a repo without (its first load) into a table of its own in arrival order
 * (./first-load.ts), cheaper to fill and copied through one sort at commit.
 */
import type { PackageFormat } from '../formats/types.js';
import { StoreError } from '../errors.js';
import { versionScheme } from '../formats/version-scheme.js';
import type { Db } from './db.js';
import { DEFAULT_BATCH_SIZE, StagedRepoUpdate } from './staged-update.js';
import { requireRepo } from './repos.js';
import type { CommitResult, SnapshotMeta, VersionRecord } from './types.js';
import { recordVersionScreens, type ChangedRow } from './screens.js';
import { ArrivalStaging, pushStagedValues, STAGED_COLUMN_DEFINITIONS, STAGED_COLUMNS } from './first-load.js';

const STAGING_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS staging_versions (
    staging_id  INTEGER NOT NULL,${STAGED_COLUMN_DEFINITIONS},
    PRIMARY KEY (staging_id, name, arch, epoch, version, release)
  ) WITHOUT ROWID`;

const SAME_KEY = (a: string, b: string) =>
  `${a}.name = ${b}.name AND ${a}.arch = ${b}.arch AND ${a}.epoch = ${b}.epoch AND ${a}.version = ${b}.version AND ${a}.release = ${b}.release`;

/** What a commit changed in the version tracks. */
type MergeCounts = Pick<CommitResult, 'removed' | 'refreshed' | 'added' | 'changedNames'>;

interface SnapshotHead {
  id: number;
  checkedAt: number;
  indexChecksum: string;
}

/**
 * The relations of the repo's present versions, copied from staging into deb_relations (deb repos;
 * a version's Packages stanza does not change while it stays in a repo). `only` narrows it, e.g. to
 * the versions this commit opens.
 */
function relationsFromStagingSql(only: string): string {
  return `INSERT INTO deb_relations (version_id, depends, pre_depends, conflicts, breaks, provides, phased_percentage, phased_source_version)
       SELECT v.id, s.depends, s.pre_depends, s.conflicts, s.breaks, s.provides, s.phased_percentage, s.phased_source_version
       FROM temp.staging_versions AS s
       JOIN version_tracks AS v INDEXED BY version_tracks_open
         ON v.repo_id = @repo AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')}
       WHERE s.staging_id = @sid ${only}
       ON CONFLICT (version_id) DO NOTHING`;
}

/** Open an interval (first seen @at) for each version staged under @sid; callers narrow it with more AND terms. */
const openFromStagingSql = `INSERT INTO version_tracks
         (repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time,
          first_seen, last_seen, sort_key)
       SELECT @repo, s.name, s.arch, s.epoch, s.version, s.release, s.evr, s.vendor, s.source_name, s.url,
              s.summary, s.build_time, @at, NULL, s.sort_key
       FROM temp.staging_versions AS s
       WHERE s.staging_id = @sid`;

function prepareStatements(db: Db) {
  db.exec(STAGING_DDL);
  return {
    // A duplicate (same name/arch/EVR twice in one index) keeps its first occurrence. Not OR IGNORE:
    // that would also silently drop rows violating NOT NULL. The staging id is bound last, after
    // the row's values in STAGED_COLUMNS order.
    stage: db.prepare(
      `INSERT INTO temp.staging_versions (${STAGED_COLUMNS}, staging_id)
       VALUES (${Array(STAGED_COLUMNS.split(',').length + 1).fill('?').join(', ')}) ON CONFLICT DO NOTHING`,
    ),
    dropStaging: db.prepare('DELETE FROM temp.staging_versions WHERE staging_id = ?'),
    // With no other update staging on this connection, emptying the whole table is SQLite's
    // truncation (its pages freed at once, not 60,000 rows deleted one by one: ~35 → 5 ms CPU).
    othersStaging: db.prepare('SELECT EXISTS (SELECT 1 FROM temp.staging_versions WHERE staging_id < @sid OR staging_id > @sid)'),
    dropAllStaging: db.prepare('DELETE FROM temp.staging_versions'),
    head: db.prepare<[string], SnapshotHead>(
      `SELECT id, checked_at AS checkedAt, index_checksum AS indexChecksum
       FROM snapshots WHERE repo_id = ? ORDER BY id DESC LIMIT 1`,
    ),
    touch: db.prepare('UPDATE snapshots SET checked_at = ?, check_count = check_count + 1 WHERE id = ?'),
    // Vanished versions: close the interval at the last check that still saw them, moving it to
    // version_closed (migration 14). INDEXED BY: walk the repo's present versions, not its history.
    // The ids are read once; copy, relations and delete then look rows up by id.
    closing: db.prepare(
      `SELECT id FROM version_tracks INDEXED BY version_tracks_open
       WHERE repo_id = @repo AND last_seen IS NULL
         AND NOT EXISTS (SELECT 1 FROM temp.staging_versions s
                         WHERE s.staging_id = @sid AND ${SAME_KEY('s', 'version_tracks')})`,
    ),
    // A closed interval keeps what history findings read (EVR, vendor, build time), not the text
    // only a current version's findings show (migration 11).
    closeCopy: db.prepare(
      `INSERT INTO version_closed (id, repo_id, name, arch, epoch, version, release, evr, vendor, build_time, first_seen, last_seen, sort_key)
       SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, build_time, first_seen, @prev, sort_key
       FROM version_tracks WHERE id IN (SELECT value FROM json_each(@ids))`,
    ),
    // Only present versions' relations are read (deb-relations.ts).
    closeRelations: db.prepare('DELETE FROM deb_relations WHERE version_id IN (SELECT value FROM json_each(@ids))'),
    close: db.prepare('DELETE FROM version_tracks WHERE id IN (SELECT value FROM json_each(@ids)) RETURNING name, vendor, id'),
    // Still-present versions whose metadata changed (a re-signed or re-described package).
    refresh: db.prepare(
      `UPDATE version_tracks AS v
       SET evr = s.evr, vendor = s.vendor, source_name = s.source_name, url = s.url, summary = s.summary,
           build_time = s.build_time
       FROM temp.staging_versions AS s
       WHERE s.staging_id = @sid AND v.repo_id = @repo AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')}
         AND (v.evr, v.vendor, v.source_name, v.url, v.summary, v.build_time)
             IS NOT (s.evr, s.vendor, s.source_name, s.url, s.summary, s.build_time)
       RETURNING name, vendor`,
    ),
    // New and reappearing versions open an interval.
    open: db.prepare(
      `${openFromStagingSql}
         AND NOT EXISTS (SELECT 1 FROM version_tracks AS v
                         WHERE v.repo_id = @repo AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')})
       RETURNING name, vendor`,
    ),
    // A repo without a present version (its first load): nothing to close, refresh or skip, so
    // every staged version opens an interval (./first-load.ts).
    anyOpen: db.prepare(
      `SELECT EXISTS (SELECT 1 FROM version_tracks INDEXED BY version_tracks_open WHERE repo_id = ? AND last_seen IS NULL)`,
    ),
    // deb repos: the relations of the versions this commit opens (a version's Packages stanza does
    // not change while it stays in a repo), read from staging once the intervals are merged.
    relationsOfNew: db.prepare(relationsFromStagingSql('AND v.first_seen = @at')),
    // A repo with present versions stored before relations were kept (a store older than
    // migration 9) gets every present version's relations at its next changed crawl.
    relationsMissing: db.prepare(
      `SELECT EXISTS (SELECT 1 FROM version_tracks AS v INDEXED BY version_tracks_open
                      WHERE v.repo_id = ? AND v.last_seen IS NULL
                        AND NOT EXISTS (SELECT 1 FROM deb_relations AS r WHERE r.version_id = v.id))`,
    ),
    relationsOfAll: db.prepare(relationsFromStagingSql('')),
    // deb repos: a present version's phasing changes while it stays (Ubuntu raises a version's
    // Phased-Update-Percentage every few hours, then drops it): the staged values win. Two narrow
    // statements: the staged phased rows, and the stored phased rows (a partial index) whose
    // staged stanza is no longer phased.
    phasingOfStaged: db.prepare(
      `UPDATE deb_relations AS r
       SET phased_percentage = s.phased_percentage, phased_source_version = s.phased_source_version
       FROM temp.staging_versions AS s
       JOIN version_tracks AS v INDEXED BY version_tracks_open ON v.repo_id = @repo AND v.last_seen IS NULL AND ${SAME_KEY('s', 'v')}
       WHERE s.staging_id = @sid AND s.phased_percentage IS NOT NULL AND r.version_id = v.id
         AND (r.phased_percentage, r.phased_source_version) IS NOT (s.phased_percentage, s.phased_source_version)`,
    ),
    phasingEnded: db.prepare(
      `UPDATE deb_relations AS r SET phased_percentage = NULL, phased_source_version = NULL
       WHERE r.phased_percentage IS NOT NULL
         AND EXISTS (SELECT 1 FROM version_tracks AS v
                     JOIN temp.staging_versions AS s ON s.staging_id = @sid AND ${SAME_KEY('s', 'v')}
                     WHERE v.id = r.version_id AND v.repo_id = @repo AND v.last_seen IS NULL AND s.phased_percentage IS NULL)`,
    ),
    dnfFacts: db.prepare('INSERT INTO snapshot_dnf_facts (snapshot_id, facts) VALUES (?, ?)'),
    snapshot: db.prepare(
      `INSERT INTO snapshots
         (repo_id, fetched_at, checked_at, check_count, revision, metadata_time, index_checksum, package_count, status)
       VALUES (@repo, @at, @at, 1, @revision, @metadataTime, @checksum, @count, @status)`,
    ),
  };
}
type Statements = ReturnType<typeof prepareStatements>;

const statementCache = new WeakMap<Db, Statements>();
function statements(db: Db): Statements {
  let s = statementCache.get(db);
  if (!s) {
    s = prepareStatements(db);
    statementCache.set(db, s);
  }
  return s;
}

/** Delete one update's rows from the keyed staging table. */
function dropStaging(s: Statements, stagingId: number): void {
  if (s.othersStaging.pluck().get({ sid: stagingId }) === 1) s.dropStaging.run(stagingId);
  else s.dropAllStaging.run();
}

/** Unique across every connection of this process; staging is per connection anyway. */
let lastStagingId = 0;

function asMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Each record's sort key, reusing the previous record's when the version is the same: consecutive
 * binaries of one source share it (~40% of a Debian suite's records).
 */
function sortKeysFor(format: PackageFormat): (r: VersionRecord) => string {
  const sortKey = versionScheme(format).sortKey;
  let last: VersionRecord | null = null;
  let lastKey = '';
  return (r) => {
    if (last === null || r.epoch !== last.epoch || r.version !== last.version || r.release !== last.release) lastKey = sortKey(r);
    last = r;
    return lastKey;
  };
}

/**
 * One repo's pending update. Feed it with add()/addMany() from any async loop, then commit() or
 * abort(). Nothing is visible to readers, and nothing of the repo's stored data changes, until
 * commit() returns.
 */
export class RepoUpdate extends StagedRepoUpdate {
  private readonly stagingId = ++lastStagingId;
  /** The repo's stored format: which order its versions' sort keys follow. */
  private readonly format: PackageFormat;
  private readonly sortKey: (r: VersionRecord) => string;
  /** The first load's own staging table, when the repo had no present version as the update began; else null (keyed staging). */
  private readonly arrival: ArrivalStaging | null;

  constructor(
    private readonly db: Db,
    meta: SnapshotMeta,
    batchSize: number = DEFAULT_BATCH_SIZE,
  ) {
    super(meta, batchSize);
    this.format = requireRepo(db, meta.repoId);
    this.sortKey = sortKeysFor(this.format);
    const s = statements(db);
    this.arrival = s.anyOpen.pluck().get(meta.repoId) === 1 ? null : new ArrivalStaging(db, this.stagingId);
  }

  /** Write the buffered records to staging in one short transaction. */
  flush(): void {
    this.requireOpen();
    if (this.buffer.length === 0) return;
    const { stage } = statements(this.db);
    const rows = this.buffer.splice(0);
    const arrival = this.arrival;
    try {
      this.db.transaction(() => {
        if (arrival !== null) arrival.add(rows, this.sortKey);
        else {
          for (const r of rows) {
            const values: unknown[] = [];
            pushStagedValues(values, r, this.sortKey(r));
            values.push(this.stagingId);
            stage.run(values);
          }
        }
      })();
    } catch (err) {
      this.abort();
      throw new StoreError(`cannot stage versions: ${asMessage(err)}`, { repo: this.meta.repoId }, { cause: err });
    }
  }

  /**
   * Merge staging into the version tracks and write the snapshot, atomically. An index with the
   * same checksum as the current snapshot only records the check (no version row is written).
   */
  commit(): CommitResult {
    this.flush();
    const s = statements(this.db);
    const { repoId, fetchedAt } = this.meta;
    // `firstLoadOnly`: a transaction without foreign-key checks (see below) gives up (null, nothing
    // written) when the repo turns out to have present versions: that merge runs with them.
    const merge = this.db.transaction((firstLoadOnly: boolean): CommitResult | null => {
      // Unchecked foreign keys: the rows' one parent outside this transaction must be here.
      if (firstLoadOnly) requireRepo(this.db, repoId);
      const head = s.head.get(repoId);
      if (head && fetchedAt < head.checkedAt) {
        throw new StoreError(
          `fetchedAt ${new Date(fetchedAt).toISOString()} is before the last check ${new Date(head.checkedAt).toISOString()}`,
          { repo: repoId },
        );
      }
      if (head && head.indexChecksum === this.meta.indexChecksum) {
        s.touch.run(fetchedAt, head.id);
        this.dropStaging(s);
        return { snapshotId: head.id, unchanged: true, packageCount: this.count, added: 0, removed: 0, refreshed: 0, changedNames: [] };
      }
      const keys = { repo: repoId, sid: this.stagingId };
      const hasPresent = s.anyOpen.pluck().get(repoId) === 1;
      if (firstLoadOnly && hasPresent) return null;
      const { removed, refreshed, added, changedNames } = this.mergeOrLoad(s, keys, head, hasPresent);
      const snapshotId = Number(
        s.snapshot.run({
          repo: repoId,
          at: fetchedAt,
          revision: this.meta.revision,
          metadataTime: this.meta.metadataTime,
          checksum: this.meta.indexChecksum,
          count: this.count,
          status: this.meta.status ?? 'ok',
        }).lastInsertRowid,
      );
      if (this.dnfFacts !== null) s.dnfFacts.run(snapshotId, JSON.stringify(this.dnfFacts));
      this.dropStaging(s);
      return { snapshotId, unchanged: false, packageCount: this.count, added, removed, refreshed, changedNames };
    });
    try {
      // IMMEDIATE: take the write lock up front rather than upgrading mid-transaction (no SQLITE_BUSY
      // deadlock with another writer in WAL mode).
      const firstLoad = this.arrival !== null ? this.withoutForeignKeyChecks(() => merge.immediate(true)) : null;
      const result = firstLoad ?? merge.immediate(false)!;
      this.state = 'committed';
      return result;
    } catch (err) {
      this.abort();
      if (err instanceof StoreError) throw err;
      throw new StoreError(`cannot commit the update: ${asMessage(err)}`, { repo: repoId }, { cause: err });
    }
  }

  /**
   * Run a first load's commit transaction with foreign keys unchecked: every row it writes refers
   * to the repo, checked here inside the transaction, or to the version and snapshot rows it inserts
   * itself. The pragma can only change outside a transaction and applies to this connection alone,
   * where nothing else runs until it is restored; SQLite recompiles every statement prepared
   * meanwhile when it changes, so none keeps running unchecked. Inside another transaction, or with
   * foreign keys off already, `run` runs as it is. Bookworm's first load through RepoUpdate, medians
   * of 15 alternating one-off runs (load average 11–14): commit 261 → 238 ms CPU.
   */
  private withoutForeignKeyChecks<T>(run: () => T): T {
    const db = this.db;
    if (db.inTransaction || db.pragma('foreign_keys', { simple: true }) !== 1) return run();
    db.pragma('foreign_keys = OFF');
    try {
      return run();
    } finally {
      db.pragma('foreign_keys = ON');
    }
  }

  /**
   * The first load from arrival-order staging when the repo (still) has no present version; else the
   * merge, from keyed staging (an arrival-order update moves its rows there first: another writer
   * stored versions of the repo after it began). A keyed update of a repo emptied since it began
   * merges too: merge() into a repo without present versions writes what a first load writes.
   */
  private mergeOrLoad(s: Statements, keys: { repo: string; sid: number }, head: SnapshotHead | undefined, hasPresent: boolean): MergeCounts {
    if (this.arrival !== null && !hasPresent) return this.firstLoad(this.arrival);
    this.arrival?.moveToKeyed(this.stagingId);
    return this.merge(s, keys, head);
  }

  /** Staging into a repo with present versions: close the vanished, refresh the re-described, open the new. */
  private merge(s: Statements, keys: { repo: string; sid: number }, head: SnapshotHead | undefined): MergeCounts {
    const fetchedAt = this.meta.fetchedAt;
    // RETURNING the names: who wins can only have changed for these (winners are re-resolved per name).
    const closed = this.close(s, keys, head?.checkedAt ?? fetchedAt);
    const refreshedRows = s.refresh.raw().all(keys) as ChangedRow[];
    const backfill = this.format === 'deb' && s.relationsMissing.pluck().get(keys.repo) === 1;
    const opened = s.open.raw().all({ ...keys, at: fetchedAt }) as ChangedRow[];
    if (backfill) s.relationsOfAll.run(keys);
    else if (this.format === 'deb') s.relationsOfNew.run({ ...keys, at: fetchedAt });
    if (this.format === 'deb') {
      s.phasingOfStaged.run(keys);
      s.phasingEnded.run(keys);
    }
    recordVersionScreens(this.db, keys.repo, { closed, openedNames: opened.map((row) => row[0]), vendors: [...refreshedRows, ...opened].map((row) => row[1]) });
    const changedNames = [...new Set([...closed, ...refreshedRows, ...opened].map((row) => row[0]))];
    return { removed: closed.length, refreshed: refreshedRows.length, added: opened.length, changedNames };
  }

  /** Move the repo's vanished versions into version_closed, closed at `prev`; their names and vendors in index order. */
  private close(s: Statements, keys: { repo: string; sid: number }, prev: number): ChangedRow[] {
    const ids = s.closing.pluck().all(keys) as number[];
    if (ids.length === 0) return [];
    const list = { ids: JSON.stringify(ids) };
    s.closeCopy.run({ ...list, prev });
    s.closeRelations.run(list);
    // RETURNING comes in id order; the callers had the open index's order (name, arch, EVR).
    const byId = new Map((s.close.raw().all(list) as [string, string | null, number][]).map(([name, vendor, id]) => [id, [name, vendor] as ChangedRow]));
    return ids.map((id) => byId.get(id)!);
  }

  /**
   * Staging into a repo with no present version (its first load): what merge() would write, without
   * its per-row checks against stored rows that cannot exist.
   */
  private firstLoad(arrival: ArrivalStaging): MergeCounts {
    const { added, changedNames, vendors } = arrival.load(this.meta.repoId, this.meta.fetchedAt, this.format === 'deb');
    // The repo may have a history (every version gone, now some back): the screens judge these too.
    recordVersionScreens(this.db, this.meta.repoId, { closed: [], openedNames: changedNames, vendors });
    return { removed: 0, refreshed: 0, added, changedNames };
  }

  /** Drop this update's staged rows (both kinds of staging). */
  private dropStaging(s: Statements): void {
    this.arrival?.drop();
    dropStaging(s, this.stagingId);
  }

  /** Drop everything staged. Safe to call more than once and after a failed commit. */
  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.buffer.length = 0;
    if (this.db.open) this.dropStaging(statements(this.db));
  }
}

/**
 * The cheap path for an index whose checksum the crawler already knows is unchanged (it did not
 * even download the records): extend the current snapshot's checked_at. Returns false, changing
 * nothing, when there is no snapshot or its checksum differs.
 */
export function recordUnchanged(db: Db, repoId: string, indexChecksum: string, checkedAt: number): boolean {
  const s = statements(db);
  return db.transaction(() => {
    const head = s.head.get(repoId);
    if (!head || head.indexChecksum !== indexChecksum) return false;
    if (checkedAt < head.checkedAt) {
      throw new StoreError('check time is before the last check', { repo: repoId });
    }
    s.touch.run(checkedAt, head.id);
    return true;
  }).immediate();
}
