/**
 * The audit's name screens, decided when a crawl commits (migration 11) instead of at audit time by
 * scanning every closed interval. A commit knows the rows it closed and opened, so it keeps four
 * small tables right as it goes; the audit reads them plus the open rows, and its cost stays flat
 * however many weeks of history pile up:
 *
 * - version_rollbacks (repo, name): some version of the name left the repo while a lower one (by
 *   sort key) was there or came later. After a commit, a new such pair needs a version closed or
 *   opened by that commit, so only those names are checked: does a closed interval of the name
 *   hold a higher key than some open one?
 * - past_vendors (repo, name, vendor): the distinct triples of closed intervals, written as rows close.
 * - repo_vendors (repo, vendor): every vendor spelling the repo's versions carried, written as rows
 *   open or are re-described.
 * - winner_handovers (profile, name): the winner was held by two repos or vendors at some time;
 *   written by recordWinners when the holder changes (or a name comes back to another holder).
 *
 * The tables may only over-select (a name in them is re-judged by the analysis); the tests in
 * test/store/screens.test.ts compare each with the full scan it replaces.
 */
import type { Db } from './db.js';
import { nameColumn } from './queries.js';
import type { HeaderVendorScreen, WinnerHolder } from './types.js';

/** A version row a commit closed, opened or re-described: its name and (header) vendor. */
export type ChangedRow = [name: string, vendor: string | null];

function prepare(db: Db) {
  return {
    pastVendor: db.prepare('INSERT OR IGNORE INTO past_vendors (repo_id, name, vendor) VALUES (?, ?, ?)'),
    repoVendor: db.prepare('INSERT OR IGNORE INTO repo_vendors (repo_id, vendor) VALUES (?, ?)'),
    hasHistory: db.prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM past_vendors WHERE repo_id = ?)').pluck(),
    // Per name: the highest key it ever closed with above the lowest key open now. Both sides walk
    // a (repo_id, name, …) index for just that name: closed intervals' key, present versions' history index.
    rollbacks: db.prepare(
      `INSERT OR IGNORE INTO version_rollbacks (repo_id, name)
       SELECT @repo, c.value FROM json_each(@names) AS c
       WHERE (SELECT max(g.sort_key) FROM version_closed AS g WHERE g.repo_id = @repo AND g.name = c.value)
           > (SELECT min(o.sort_key) FROM version_tracks AS o WHERE o.repo_id = @repo AND o.name = c.value AND o.last_seen IS NULL)`,
    ),
    handover: db.prepare('INSERT OR IGNORE INTO winner_handovers (profile, name) VALUES (?, ?)'),
    // Closed runs only: an EVR step closes an interval too, but a name can come back only to a
    // profile holding a closed run (its earlier holders), so steps change nothing here.
    profileHasClosed: db.prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM winner_tracks WHERE profile = ? AND to_at IS NOT NULL)').pluck(),
    // A name that comes back after a gap: its earlier holders are closed intervals.
    returning: db.prepare(
      `INSERT OR IGNORE INTO winner_handovers (profile, name)
       SELECT profile, name FROM winner_tracks WHERE profile = @profile AND name IN (SELECT value FROM json_each(@names))
       GROUP BY profile, name HAVING count(DISTINCT repo_id) > 1 OR count(DISTINCT coalesce(vendor, '')) > 1`,
    ),
  };
}
type Statements = ReturnType<typeof prepare>;
const cache = new WeakMap<Db, Statements>();
function statements(db: Db): Statements {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

/**
 * version_rollbacks from scratch, for every repo or one: the join of closed intervals with the
 * lower versions present then or later, which the commits otherwise spare the audit. Run by
 * migration 11 (closed intervals still in version_tracks then) and when a repo's format (so its
 * sort keys) changes (closed intervals in version_closed, migration 14).
 */
export function rebuildVersionRollbacks(db: Db, repoId: string | null = null): void {
  db.prepare('DELETE FROM version_rollbacks WHERE @repo IS NULL OR repo_id = @repo').run({ repo: repoId });
  db.prepare(hasVersionClosed(db) ? ROLLBACKS_FROM_CLOSED : ROLLBACKS_BEFORE_MIGRATION_14).run({ repo: repoId });
}

/** Whether the store has migration 14's table of closed intervals (migrations before it run without). */
export function hasVersionClosed(db: Db): boolean {
  return db.prepare(`SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'version_closed')`).pluck().get() === 1;
}

const ROLLBACKS_FROM_CLOSED = `
  INSERT INTO version_rollbacks (repo_id, name)
  SELECT DISTINCT gone.repo_id, gone.name FROM version_closed AS gone
  WHERE (@repo IS NULL OR gone.repo_id = @repo)
    AND (EXISTS (SELECT 1 FROM version_tracks AS lower
                 WHERE lower.repo_id = gone.repo_id AND lower.name = gone.name AND lower.last_seen IS NULL AND lower.sort_key < gone.sort_key)
      OR EXISTS (SELECT 1 FROM version_closed AS lower
                 WHERE lower.repo_id = gone.repo_id AND lower.name = gone.name AND lower.sort_key < gone.sort_key AND lower.last_seen > gone.last_seen))`;

const ROLLBACKS_BEFORE_MIGRATION_14 = `
  INSERT INTO version_rollbacks (repo_id, name)
  SELECT DISTINCT gone.repo_id, gone.name FROM version_tracks AS gone
    CROSS JOIN version_tracks AS lower ON lower.repo_id = gone.repo_id AND lower.name = gone.name
  WHERE (@repo IS NULL OR gone.repo_id = @repo) AND gone.last_seen IS NOT NULL AND lower.sort_key < gone.sort_key
    AND (lower.last_seen IS NULL OR lower.last_seen > gone.last_seen)`;

/** What a repo's commit changed, as the screens need it. */
export interface CommitChanges {
  /** The intervals it closed. */
  closed: readonly ChangedRow[];
  /** The names of the intervals it opened. */
  openedNames: readonly string[];
  /** The vendors of the versions it opened or re-described. */
  vendors: Iterable<string | null>;
}

/**
 * Inside a repo's commit, after its intervals were closed, re-described and opened: keep the
 * repo's screens right. A first load (nothing closed, no history) costs one indexed lookup.
 */
export function recordVersionScreens(db: Db, repoId: string, changes: CommitChanges): void {
  const s = statements(db);
  const { closed, openedNames } = changes;
  for (const [name, vendor] of closed) s.pastVendor.run(repoId, name, vendor ?? '');
  for (const vendor of new Set([...changes.vendors].map((v) => v ?? ''))) s.repoVendor.run(repoId, vendor);
  if (closed.length === 0 && (openedNames.length === 0 || s.hasHistory.get(repoId) !== 1)) return;
  const names = new Set<string>(openedNames);
  for (const [name] of closed) names.add(name);
  s.rollbacks.run({ repo: repoId, names: JSON.stringify([...names]) });
}

/**
 * Inside recordWinners' transaction: `handedOver` changed holder (repo or vendor) now; `returned`
 * had no open winner and got one (a new name, or one coming back: then compare with its past).
 * `hadClosed` is whether the profile had any closed interval before this recording.
 */
export function recordWinnerScreens(db: Db, profile: string, handedOver: readonly string[], returned: readonly string[], hadClosed: boolean): void {
  const s = statements(db);
  for (const name of handedOver) s.handover.run(profile, name);
  if (hadClosed && returned.length > 0) s.returning.run({ profile, names: JSON.stringify(returned) });
}

/** Whether the profile has any closed winner interval (so a name opening now may be coming back). */
export function profileHasClosedWinners(db: Db, profile: string): boolean {
  return statements(db).profileHasClosed.get(profile) === 1;
}

/** version_rollbacks of the repos (see namesWithLowerLaterVersions in the Store interface). */
export function namesWithLowerLaterVersions(db: Db, repoIds: readonly string[]): string[] {
  if (repoIds.length === 0) return [];
  return nameColumn(db, 'SELECT DISTINCT name FROM version_rollbacks WHERE repo_id IN (SELECT value FROM json_each(?))', JSON.stringify(repoIds));
}

/**
 * Whether any vendor spelling a header repo's versions ever carried counts as another vendor than
 * the repo's own (as namesWithSeveralVendors keys them: trimmed, lower-cased, merged by keyOf).
 */
function headersDiffer(db: Db, vendorOfRepo: Readonly<Record<string, string>>, headers: HeaderVendorScreen): boolean {
  return (
    db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM repo_vendors AS v JOIN json_each(@repos) AS r ON r.key = v.repo_id
           LEFT JOIN json_each(@keys) AS s ON s.key = lower(trim(v.vendor))
         WHERE trim(v.vendor) <> '' AND v.repo_id IN (SELECT value FROM json_each(@headerRepos))
           AND coalesce(s.value, lower(trim(v.vendor))) <> r.value)`,
      )
      .pluck()
      .get({ repos: JSON.stringify(vendorOfRepo), keys: JSON.stringify(headers.keyOf), headerRepos: JSON.stringify(headers.repoIds) }) === 1
  );
}

/**
 * Names that two or more vendors ship or shipped. Every (repo, name) ever stored is an open row or
 * in past_vendors, and so is every (repo, name, vendor): the open rows plus past_vendors stand for
 * all intervals. When no header vendor differs from its repo's (the usual case) a name's vendors
 * are its repos' vendors, read from the open-rows index without touching the table.
 */
export function namesWithSeveralVendors(db: Db, vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[] {
  const byHeader = headers !== undefined && headers.repoIds.length > 0 && headersDiffer(db, vendorOfRepo, headers);
  if (!byHeader) {
    if (new Set(Object.values(vendorOfRepo)).size < 2) return [];
    return db
      .prepare<{ repos: string }, string>(
        // The repos (few) drive: CROSS JOIN keeps them outside, each a range of the open-rows index.
        `SELECT name FROM (
           SELECT v.name AS name, r.value AS k FROM json_each(@repos) AS r
             CROSS JOIN version_tracks AS v INDEXED BY version_tracks_open ON v.repo_id = r.key WHERE v.last_seen IS NULL
           UNION ALL
           SELECT p.name, r.value FROM json_each(@repos) AS r CROSS JOIN past_vendors AS p ON p.repo_id = r.key)
         GROUP BY name HAVING min(k) <> max(k)`,
      )
      .pluck()
      .all({ repos: JSON.stringify(vendorOfRepo) });
  }
  const key = (v: string) => `CASE WHEN trim(coalesce(${v}.vendor, '')) <> '' AND ${v}.repo_id IN (SELECT value FROM json_each(@headerRepos))
                                   THEN coalesce(s.value, lower(trim(${v}.vendor))) ELSE r.value END`;
  return db
    .prepare<{ repos: string; keys: string; headerRepos: string }, string>(
      `SELECT name FROM (
         SELECT v.name AS name, ${key('v')} AS k FROM json_each(@repos) AS r
           CROSS JOIN version_tracks AS v INDEXED BY version_tracks_open ON v.repo_id = r.key
           LEFT JOIN json_each(@keys) AS s ON s.key = lower(trim(v.vendor))
         WHERE v.last_seen IS NULL
         UNION ALL
         SELECT p.name, ${key('p')} FROM json_each(@repos) AS r CROSS JOIN past_vendors AS p ON p.repo_id = r.key
           LEFT JOIN json_each(@keys) AS s ON s.key = lower(trim(p.vendor)))
       GROUP BY name HAVING min(k) <> max(k)`,
    )
    .pluck()
    .all({ repos: JSON.stringify(vendorOfRepo), keys: JSON.stringify(headers!.keyOf), headerRepos: JSON.stringify(headers!.repoIds) });
}

/**
 * The distinct holders of the names whose winner changed hands in one of the profiles (between
 * repos or recorded vendors) and has at least `minIntervals` intervals there (its runs plus their
 * EVR steps): winner_handovers names the candidates, and only their intervals are read.
 */
export function winnerHolders(db: Db, profiles: readonly string[], minIntervals: number): WinnerHolder[] {
  if (profiles.length === 0) return [];
  return db
    .prepare<[{ profiles: string; minIntervals: number }], WinnerHolder>(
      `WITH handed AS (
         SELECT h.profile, h.name FROM winner_handovers AS h
           CROSS JOIN winner_tracks AS w ON w.profile = h.profile AND w.name = h.name
         WHERE h.profile IN (SELECT value FROM json_each(@profiles))
         GROUP BY h.profile, h.name
         HAVING count(*) + sum((SELECT count(*) FROM winner_steps AS s WHERE s.run_id = w.id)) >= @minIntervals AND (count(DISTINCT w.repo_id) > 1 OR count(DISTINCT coalesce(w.vendor, '')) > 1))
       SELECT DISTINCT handed.profile, handed.name, w.repo_id AS repoId, w.vendor FROM handed
         CROSS JOIN winner_tracks AS w ON w.profile = handed.profile AND w.name = handed.name`,
    )
    .all({ profiles: JSON.stringify(profiles), minIntervals });
}
