/**
 * Schema migrations: an ordered list, each applied once in its own transaction and recorded in
 * `schema_version`. Append new migrations; never edit one that has shipped.
 *
 * Times are INTEGER milliseconds since the epoch, except build_time (seconds, as in the metadata).
 * Open intervals (`last_seen` / `to_at` NULL) are what makes an unchanged crawl cheap: a present
 * version is not rewritten each crawl; its effective end is its repo's latest snapshot checked_at.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import { fillSortKeys } from './sort-keys.js';
import { rebuildVersionRollbacks } from './screens.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Runs after `sql`, in the same transaction, for what SQL cannot compute (values derived in JS).
   * Another backend (PostgreSQL) runs the same JS over its own rows.
   */
  fill?: (db: Db) => void;
}

/**
 * Migration 13's fold of row-per-EVR winner intervals into runs and steps, in SQL both backends
 * run as it is (window functions; IS NOT DISTINCT FROM for the nullable vendor).
 */
export const FOLD_WINNER_RUNS = `
  CREATE TEMP TABLE winner_folds AS
    SELECT id, profile, name, evr, from_at, is_step,
      first_value(id) OVER run AS head,
      last_value(to_at) OVER (run ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS run_to
    FROM (
      SELECT *, sum(1 - is_step) OVER (PARTITION BY profile, name ORDER BY from_at, id ROWS UNBOUNDED PRECEDING) AS run_no
      FROM (
        SELECT id, profile, name, evr, from_at, to_at,
          CASE WHEN lag(repo_id) OVER byName = repo_id AND lag(vendor) OVER byName IS NOT DISTINCT FROM vendor
                AND lag(to_at) OVER byName = from_at AND lag(from_at) OVER byName < from_at THEN 1 ELSE 0 END AS is_step
        FROM winner_tracks WINDOW byName AS (PARTITION BY profile, name ORDER BY from_at, id)) AS flagged) AS numbered
    WINDOW run AS (PARTITION BY profile, name, run_no ORDER BY from_at, id);
  CREATE INDEX winner_folds_id ON winner_folds (id);
  INSERT INTO winner_steps (run_id, at, evr) SELECT head, from_at, evr FROM winner_folds WHERE is_step = 1;
  DELETE FROM winner_tracks WHERE id IN (SELECT id FROM winner_folds WHERE is_step = 1);
  UPDATE winner_tracks SET to_at = (SELECT f.run_to FROM winner_folds AS f WHERE f.id = winner_tracks.id)
    WHERE id IN (SELECT head FROM winner_folds WHERE is_step = 1);
  DROP TABLE winner_folds;`;

/**
 * Migration 14's table of closed version intervals (both backends; PostgreSQL spells the integer
 * columns BIGINT). The key is the order history is read in (repo, name, arch, first_seen), then
 * the id the row had in version_tracks, which orders intervals opened by the same crawl.
 */
export const CREATE_VERSION_CLOSED = (integer: string, options: string): string => `
  CREATE TABLE version_closed (
    id          ${integer} NOT NULL,
    repo_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    arch        TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    version     TEXT NOT NULL,
    release     TEXT NOT NULL,
    evr         TEXT NOT NULL,
    vendor      TEXT,
    build_time  ${integer},
    first_seen  ${integer} NOT NULL,
    last_seen   ${integer} NOT NULL,
    sort_key    TEXT,
    PRIMARY KEY (repo_id, name, arch, first_seen, id)
  )${options};`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'repos, snapshots, version tracks, winner tracks, reports, repo events',
    sql: `
      CREATE TABLE repos (
        id         TEXT PRIMARY KEY,
        vendor     TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('distro', 'upstream', 'third-party')),
        format     TEXT NOT NULL CHECK (format IN ('rpm', 'deb')),
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE snapshots (
        id             INTEGER PRIMARY KEY,
        repo_id        TEXT NOT NULL REFERENCES repos (id),
        fetched_at     INTEGER NOT NULL,
        checked_at     INTEGER NOT NULL,
        check_count    INTEGER NOT NULL DEFAULT 1,
        revision       TEXT,
        metadata_time  INTEGER,
        index_checksum TEXT NOT NULL,
        package_count  INTEGER NOT NULL,
        status         TEXT NOT NULL
      ) STRICT;
      CREATE INDEX snapshots_repo ON snapshots (repo_id, id);

      CREATE TABLE version_tracks (
        id          INTEGER PRIMARY KEY,
        repo_id     TEXT NOT NULL REFERENCES repos (id),
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
        build_time  INTEGER,
        first_seen  INTEGER NOT NULL,
        last_seen   INTEGER
      ) STRICT;
      -- At most one open interval per version and repo; also serves currentVersions() in order.
      CREATE UNIQUE INDEX version_tracks_open
        ON version_tracks (repo_id, name, arch, epoch, version, release) WHERE last_seen IS NULL;
      CREATE INDEX version_tracks_history ON version_tracks (repo_id, name, arch, first_seen);
      CREATE INDEX version_tracks_name ON version_tracks (name);

      CREATE TABLE winner_tracks (
        id      INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        name    TEXT NOT NULL,
        repo_id TEXT NOT NULL,
        vendor  TEXT,
        evr     TEXT NOT NULL,
        from_at INTEGER NOT NULL,
        to_at   INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX winner_tracks_open ON winner_tracks (profile, name) WHERE to_at IS NULL;
      CREATE INDEX winner_tracks_history ON winner_tracks (profile, name, from_at);

      CREATE TABLE reports (
        id         INTEGER PRIMARY KEY,
        week       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        findings   TEXT NOT NULL CHECK (json_valid(findings))
      ) STRICT;
      CREATE INDEX reports_week ON reports (week, created_at);

      CREATE TABLE repo_events (
        id      INTEGER PRIMARY KEY,
        repo_id TEXT NOT NULL REFERENCES repos (id),
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        message TEXT NOT NULL
      ) STRICT;
      CREATE INDEX repo_events_repo ON repo_events (repo_id, at);
    `,
  },
  {
    version: 2,
    name: 'drop the name-only index',
    // It cost ~45% of a crawl's insert time; name lookups walk (repo_id, name, …) per repo instead.
    sql: `DROP INDEX IF EXISTS version_tracks_name;`,
  },
  {
    version: 3,
    name: 'release facts of deb repos',
    // Origin, Label, Suite, NotAutomatic… of the last verified Release, as JSON: apt's pinning needs them.
    sql: `ALTER TABLE repos ADD COLUMN release_facts TEXT;`,
  },
  {
    version: 4,
    name: 'host audit state per host',
    // What the last `host` run saw per installed package, so a package that *became* stranded (its
    // vendor repo vanished or rolled back) is news while a stable local build is not.
    sql: `
      CREATE TABLE host_packages (
        host     TEXT NOT NULL,
        name     TEXT NOT NULL,
        arch     TEXT NOT NULL,
        stranded INTEGER NOT NULL CHECK (stranded IN (0, 1)),
        seen_at  INTEGER NOT NULL,
        PRIMARY KEY (host, name, arch)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'what each profile\'s winners were resolved from',
    // A digest of the profile's config and its repos' Release facts when its winners were last
    // recorded: while it holds, a crawl re-resolves only the names that changed.
    sql: `CREATE TABLE winner_inputs (
      profile     TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      recorded_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;`,
  },
  {
    version: 6,
    name: 'upstream release feeds',
    // Releases as the upstream's own feed lists them (npm, GitHub, PyPI…), one row per feed and
    // version: published_at from the source (NULL when it gives none), first_seen/last_seen from
    // our checks. upstream_feeds keeps each feed's last check, successful or not.
    sql: `
      CREATE TABLE upstream_releases (
        feed         TEXT NOT NULL,
        version      TEXT NOT NULL,
        tag          TEXT,
        prerelease   INTEGER NOT NULL CHECK (prerelease IN (0, 1)),
        url          TEXT,
        published_at INTEGER,
        first_seen   INTEGER NOT NULL,
        last_seen    INTEGER NOT NULL,
        PRIMARY KEY (feed, version)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE upstream_feeds (
        feed         TEXT PRIMARY KEY,
        checked_at   INTEGER NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('ok', 'not-found', 'failed')),
        message      TEXT,
        project_urls TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(project_urls)),
        last_ok_at   INTEGER
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'dnf facts of rpm snapshots',
    // What dnf's rules need beyond versions (obsoletes, install-only provides, modules.yaml), as
    // JSON per snapshot: they belong to the metadata they were read from, and an unchanged crawl
    // (same snapshot) keeps them without a write.
    sql: `
      CREATE TABLE snapshot_dnf_facts (
        snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots (id),
        facts       TEXT NOT NULL CHECK (json_valid(facts))
      ) STRICT;`,
  },
  {
    version: 8,
    name: 'version sort keys',
    // An order-preserving key per version (src/formats/sort-key.ts: its byte order is rpm's or
    // dpkg's version order for the repo's format), so a name's best version is max(sort_key) in
    // SQL. Computed in JS — at staging for new rows, here for existing ones — not by an SQL
    // function: every backend fills it the same way. PostgreSQL must compare it with COLLATE "C"
    // (the key is printable ASCII; a locale collation would reorder it). NULL only before the fill.
    sql: `ALTER TABLE version_tracks ADD COLUMN sort_key TEXT;`,
    fill: (db) => {
      fillSortKeys(db);
    },
  },
  {
    version: 9,
    name: 'deb relations',
    // What apt's upgrade needs of a deb version beyond its version (Depends, Pre-Depends,
    // Conflicts, Breaks, Provides, as written), one row per deb version row, in their own table:
    // audit scans version_tracks and must not read these. A deb version row without one was
    // stored before this migration; its repo's next changed crawl fills it (nothing is guessed).
    sql: `
      CREATE TABLE deb_relations (
        version_id  INTEGER PRIMARY KEY REFERENCES version_tracks (id),
        depends     TEXT,
        pre_depends TEXT,
        conflicts   TEXT,
        breaks      TEXT,
        provides    TEXT
      ) STRICT;`,
  },
  {
    version: 10,
    name: 'fleet: hosts reported by host --report-to',
    // One row per reported host (its name in the fleet, not host_packages' machine key), its
    // installed packages and the risks its own host report found. A re-report replaces all three
    // in one transaction, so `fleet` always reads each host's last complete report.
    sql: `
      CREATE TABLE fleet_hosts (
        host            TEXT PRIMARY KEY,
        host_group      TEXT NOT NULL,
        format          TEXT NOT NULL CHECK (format IN ('rpm', 'deb')),
        reported_at     INTEGER NOT NULL,
        installed_count INTEGER NOT NULL,
        repos           TEXT NOT NULL CHECK (json_valid(repos))
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE fleet_packages (
        host   TEXT NOT NULL REFERENCES fleet_hosts (host),
        name   TEXT NOT NULL,
        arch   TEXT NOT NULL,
        evr    TEXT NOT NULL,
        vendor TEXT,
        PRIMARY KEY (host, name, arch, evr)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE fleet_risks (
        host             TEXT NOT NULL REFERENCES fleet_hosts (host),
        name             TEXT NOT NULL,
        arch             TEXT NOT NULL,
        kind             TEXT NOT NULL CHECK (kind IN ('vendor-change', 'downgrade')),
        installed_evr    TEXT NOT NULL,
        installed_vendor TEXT NOT NULL,
        installed_repo   TEXT,
        target_evr       TEXT NOT NULL,
        target_vendor    TEXT NOT NULL,
        target_repo      TEXT NOT NULL,
        PRIMARY KEY (host, name, arch, installed_evr, kind)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: 'name screens decided at commit; closed intervals without their text columns',
    // What the audit's name screens used to find by scanning every closed interval, kept as each
    // crawl commits (screens.ts), so audit cost stays flat however long the history grows:
    // - version_rollbacks: (repo, name) where a version left while a lower one (by sort key) was
    //   there or came later — the only names whose best version in that repo can have gone back;
    // - past_vendors: the distinct (repo, name, vendor) of closed intervals ('' for no vendor), so
    //   "who ships or shipped this name" reads open rows plus this, not every closed row;
    // - repo_vendors: every vendor spelling a repo's versions ever carried ('' for none), so the
    //   audit sees in a few rows whether any header vendor can differ from its repo's;
    // - winner_handovers: (profile, name) whose winner was ever held by two repos or two vendors.
    // Closed intervals drop summary, url and source_name: no finding reads them from history (the
    // current version's are what clash, lag and mapping read), and they were a third of its bytes.
    sql: `
      CREATE TABLE version_rollbacks (
        repo_id TEXT NOT NULL,
        name    TEXT NOT NULL,
        PRIMARY KEY (repo_id, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE past_vendors (
        repo_id TEXT NOT NULL,
        name    TEXT NOT NULL,
        vendor  TEXT NOT NULL,
        PRIMARY KEY (repo_id, name, vendor)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO past_vendors (repo_id, name, vendor)
        SELECT DISTINCT repo_id, name, coalesce(vendor, '') FROM version_tracks WHERE last_seen IS NOT NULL;

      CREATE TABLE repo_vendors (
        repo_id TEXT NOT NULL,
        vendor  TEXT NOT NULL,
        PRIMARY KEY (repo_id, vendor)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO repo_vendors (repo_id, vendor) SELECT DISTINCT repo_id, coalesce(vendor, '') FROM version_tracks;

      CREATE TABLE winner_handovers (
        profile TEXT NOT NULL,
        name    TEXT NOT NULL,
        PRIMARY KEY (profile, name)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO winner_handovers (profile, name)
        SELECT profile, name FROM winner_tracks GROUP BY profile, name
        HAVING count(DISTINCT repo_id) > 1 OR count(DISTINCT coalesce(vendor, '')) > 1;

      UPDATE version_tracks SET source_name = NULL, url = NULL, summary = NULL
        WHERE last_seen IS NOT NULL AND (source_name IS NOT NULL OR url IS NOT NULL OR summary IS NOT NULL);
    `,
    fill: (db) => {
      rebuildVersionRollbacks(db);
    },
  },
  {
    version: 12,
    name: 'repos identified by what they fetch',
    // A repo's id is now a digest of what it fetches (config/repo-identity.ts storedRepoId), kept
    // short because it is in every version and winner row. The location it stands for and the
    // config's name for it (what users see, also for a repo no longer configured) are kept beside
    // it. NULL in both: a repo stored under its config name before; the first run that meets it
    // under its new id adopts it (run/run-store.ts).
    sql: `
      ALTER TABLE repos ADD COLUMN location TEXT;
      ALTER TABLE repos ADD COLUMN label TEXT;
    `,
  },
  {
    version: 13,
    name: 'winner runs with EVR steps',
    // Nearly every change of a winner is a new EVR of the same repo and vendor: a whole interval
    // row (and two index entries) for each was most of winner_tracks' growth. A winner_tracks row
    // is now one run of one holder (from its first EVR); each later EVR of the run is a step
    // (run id, at, evr), and the readers split runs back into one interval per EVR
    // (winners.ts). Existing rows fold into runs by the same rule the writers follow: a row is a
    // step of the previous row of its name when the holder is the same, the previous row ended
    // exactly when it starts, and it starts after the previous row did.
    sql: `
      CREATE TABLE winner_steps (
        run_id INTEGER NOT NULL,
        at     INTEGER NOT NULL,
        evr    TEXT NOT NULL,
        PRIMARY KEY (run_id, at)
      ) STRICT, WITHOUT ROWID;

      ${FOLD_WINNER_RUNS}
    `,
  },
  {
    version: 14,
    name: 'closed version intervals in a table of their own',
    // A closed interval was its version_tracks row updated in place: every one stayed in that
    // table, its history index and the holes its dropped text left, and after a year of weekly
    // crawls they were most of the store. A crawl now moves what it closes into version_closed
    // (only the columns history findings read, in the (repo, name, arch, first_seen) order they are
    // read in, no rowid) and deletes it from version_tracks, which holds present versions only.
    // Ids are kept, so history read from both tables orders as before; version_tracks is rebuilt
    // with AUTOINCREMENT so a deleted row's id is never handed out again. A closed version's
    // deb_relations go with it: only present versions' relations are read (deb-relations.ts).
    sql: `
      ${CREATE_VERSION_CLOSED('INTEGER', ' STRICT, WITHOUT ROWID')}
      INSERT INTO version_closed (id, repo_id, name, arch, epoch, version, release, evr, vendor, build_time, first_seen, last_seen, sort_key)
        SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, build_time, first_seen, last_seen, sort_key
        FROM version_tracks WHERE last_seen IS NOT NULL;

      CREATE TEMP TABLE present_relations AS
        SELECT r.* FROM deb_relations AS r JOIN version_tracks AS v ON v.id = r.version_id WHERE v.last_seen IS NULL;
      DROP TABLE deb_relations;

      CREATE TABLE version_tracks_present (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        repo_id     TEXT NOT NULL REFERENCES repos (id),
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
        build_time  INTEGER,
        first_seen  INTEGER NOT NULL,
        last_seen   INTEGER,
        sort_key    TEXT
      ) STRICT;
      INSERT INTO version_tracks_present
        (id, repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, first_seen, last_seen, sort_key)
        SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, first_seen, last_seen, sort_key
        FROM version_tracks WHERE last_seen IS NULL;
      DROP TABLE version_tracks;
      ALTER TABLE version_tracks_present RENAME TO version_tracks;
      CREATE UNIQUE INDEX version_tracks_open
        ON version_tracks (repo_id, name, arch, epoch, version, release) WHERE last_seen IS NULL;
      CREATE INDEX version_tracks_history ON version_tracks (repo_id, name, arch, first_seen);
      DELETE FROM sqlite_sequence WHERE name = 'version_tracks';
      INSERT INTO sqlite_sequence (name, seq)
        SELECT 'version_tracks', coalesce(max(id), 0) FROM (SELECT id FROM version_tracks UNION ALL SELECT id FROM version_closed);

      CREATE TABLE deb_relations (
        version_id  INTEGER PRIMARY KEY REFERENCES version_tracks (id),
        depends     TEXT,
        pre_depends TEXT,
        conflicts   TEXT,
        breaks      TEXT,
        provides    TEXT
      ) STRICT;
      INSERT INTO deb_relations (version_id, depends, pre_depends, conflicts, breaks, provides)
        SELECT version_id, depends, pre_depends, conflicts, breaks, provides FROM temp.present_relations;
      DROP TABLE temp.present_relations;
    `,
  },
  {
    version: 15,
    name: 'phased updates',
    // apt keeps back a version whose Phased-Update-Percentage this machine's draw exceeds
    // (analysis/resolve/apt-phasing.ts): the percentage and the source version the draw is seeded
    // with, beside the relations apt's upgrade reads. NULL: not phased. A version stored before
    // this migration reads as not phased until its repo's next changed crawl stages it again.
    sql: `
      ALTER TABLE deb_relations ADD COLUMN phased_percentage INTEGER;
      ALTER TABLE deb_relations ADD COLUMN phased_source_version TEXT;
      CREATE INDEX deb_relations_phased ON deb_relations (version_id) WHERE phased_percentage IS NOT NULL;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

const CREATE_VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`;

function hasVersionTable(db: Db): boolean {
  return (
    db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'`).get()
      ?.n === 1
  );
}

/** The highest applied migration, 0 for an empty database. */
export function schemaVersion(db: Db): number {
  if (!hasVersionTable(db)) return 0;
  return db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_version').get()?.v ?? 0;
}

function refuseNewer(version: number, file: string | undefined): void {
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      `the store has schema version ${version}, newer than this repoclash knows (${LATEST_SCHEMA_VERSION}); upgrade repoclash`,
      { file },
    );
  }
}

/**
 * Bring the schema up to date. Each migration runs in an IMMEDIATE transaction that re-reads the
 * version first, so two processes opening a fresh file at once apply each migration exactly once.
 */
export function migrate(db: Db, file?: string, now: () => number = Date.now): { from: number; to: number } {
  const from = schemaVersion(db);
  refuseNewer(from, file);
  db.exec(CREATE_VERSION_TABLE);
  for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    db.transaction(() => {
      const current = schemaVersion(db);
      refuseNewer(current, file);
      if (current >= migration.version) return;
      try {
        db.exec(migration.sql);
        migration.fill?.(db);
      } catch (err) {
        throw new StoreError(
          `migration ${migration.version} (${migration.name}) failed: ${err instanceof Error ? err.message : String(err)}`,
          { file },
          { cause: err },
        );
      }
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
    }).immediate();
  }
  return { from, to: schemaVersion(db) };
}

/** For read-only connections: refuse a schema this code cannot read instead of migrating. */
export function requireCurrentSchema(db: Db, file?: string): void {
  const version = schemaVersion(db);
  refuseNewer(version, file);
  if (version < LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      `the store has schema version ${version}, older than ${LATEST_SCHEMA_VERSION}; open it writable (run a crawl) to migrate`,
      { file },
    );
  }
}
