/**
 * The audit's name screens kept at commit (`../screens.ts` explains the four tables), in
 * PostgreSQL: the same rows, written and read in this dialect (keys compare by byte, COLLATE "C").
 */
import type { CommitChanges } from '../screens.js';
import type { HeaderVendorScreen, WinnerHolder } from '../types.js';
import type { PgConnection } from './connection.js';
import { byByte, inList } from './queries.js';

/** rebuildVersionRollbacks() of the SQLite store: the sort keys compare by byte. */
export function rebuildVersionRollbacks(db: PgConnection, repoId: string | null = null): void {
  db.rows('DELETE FROM version_rollbacks WHERE $1::text IS NULL OR repo_id = $1', [repoId]);
  db.rows(hasVersionClosed(db) ? ROLLBACKS_FROM_CLOSED : ROLLBACKS_BEFORE_MIGRATION_14, [repoId]);
}

/** Whether the store has migration 14's table of closed intervals (migrations before it run without). */
export function hasVersionClosed(db: PgConnection): boolean {
  return db.value<boolean>(`SELECT to_regclass('version_closed') IS NOT NULL`) === true;
}

const ROLLBACKS_FROM_CLOSED = `
  INSERT INTO version_rollbacks (repo_id, name)
  SELECT DISTINCT gone.repo_id, gone.name FROM version_closed AS gone
  WHERE ($1::text IS NULL OR gone.repo_id = $1)
    AND (EXISTS (SELECT 1 FROM version_tracks AS lower
                 WHERE lower.repo_id = gone.repo_id AND lower.name = gone.name AND lower.last_seen IS NULL
                   AND ${byByte('lower.sort_key')} < ${byByte('gone.sort_key')})
      OR EXISTS (SELECT 1 FROM version_closed AS lower
                 WHERE lower.repo_id = gone.repo_id AND lower.name = gone.name
                   AND ${byByte('lower.sort_key')} < ${byByte('gone.sort_key')} AND lower.last_seen > gone.last_seen))`;

const ROLLBACKS_BEFORE_MIGRATION_14 = `
  INSERT INTO version_rollbacks (repo_id, name)
  SELECT DISTINCT gone.repo_id, gone.name FROM version_tracks AS gone
    JOIN version_tracks AS lower ON lower.repo_id = gone.repo_id AND lower.name = gone.name
  WHERE ($1::text IS NULL OR gone.repo_id = $1) AND gone.last_seen IS NOT NULL AND ${byByte('lower.sort_key')} < ${byByte('gone.sort_key')}
    AND (lower.last_seen IS NULL OR lower.last_seen > gone.last_seen)`;

/** recordVersionScreens() of the SQLite store: inside a repo's commit, after the merge. */
export function recordVersionScreens(db: PgConnection, repoId: string, changes: CommitChanges): void {
  const { closed, openedNames } = changes;
  if (closed.length > 0) {
    db.rows(
      `INSERT INTO past_vendors (repo_id, name, vendor)
       SELECT DISTINCT $1::text, c.name, coalesce(c.vendor, '') FROM json_to_recordset($2::json) AS c (name text, vendor text)
       ON CONFLICT DO NOTHING`,
      [repoId, JSON.stringify(closed.map(([name, vendor]) => ({ name, vendor })))],
    );
  }
  const vendors = [...new Set([...changes.vendors].map((v) => v ?? ''))];
  if (vendors.length > 0) {
    db.rows(`INSERT INTO repo_vendors (repo_id, vendor) SELECT $1::text, v FROM json_array_elements_text($2::json) AS v ON CONFLICT DO NOTHING`, [repoId, JSON.stringify(vendors)]);
  }
  if (closed.length === 0 && (openedNames.length === 0 || db.value<boolean>('SELECT EXISTS (SELECT 1 FROM past_vendors WHERE repo_id = $1)', [repoId]) !== true)) return;
  const names = [...new Set([...openedNames, ...closed.map((row) => row[0])])];
  db.rows(
    `INSERT INTO version_rollbacks (repo_id, name)
     SELECT $1::text, c.name FROM json_array_elements_text($2::json) AS c (name)
     WHERE (SELECT max(${byByte('g.sort_key')}) FROM version_closed AS g WHERE g.repo_id = $1 AND g.name = c.name)
         > (SELECT min(${byByte('o.sort_key')}) FROM version_tracks AS o WHERE o.repo_id = $1 AND o.name = c.name AND o.last_seen IS NULL)
     ON CONFLICT DO NOTHING`,
    [repoId, JSON.stringify(names)],
  );
}

export function profileHasClosedWinners(db: PgConnection, profile: string): boolean {
  // Closed runs only, as ../screens.ts explains.
  return db.value<boolean>('SELECT EXISTS (SELECT 1 FROM winner_tracks WHERE profile = $1 AND to_at IS NOT NULL)', [profile]) === true;
}

/** recordWinnerScreens() of the SQLite store, inside recordWinners' transaction. */
export function recordWinnerScreens(db: PgConnection, profile: string, handedOver: readonly string[], returned: readonly string[], hadClosed: boolean): void {
  if (handedOver.length > 0) {
    db.rows(`INSERT INTO winner_handovers (profile, name) SELECT $1::text, n FROM json_array_elements_text($2::json) AS n ON CONFLICT DO NOTHING`, [profile, JSON.stringify(handedOver)]);
  }
  if (!hadClosed || returned.length === 0) return;
  db.rows(
    `INSERT INTO winner_handovers (profile, name)
     SELECT profile, name FROM winner_tracks WHERE profile = $1 AND ${inList('name', 2)}
     GROUP BY profile, name HAVING count(DISTINCT repo_id) > 1 OR count(DISTINCT coalesce(vendor, '')) > 1
     ON CONFLICT DO NOTHING`,
    [profile, JSON.stringify(returned)],
  );
}

export function namesWithLowerLaterVersions(db: PgConnection, repoIds: readonly string[]): string[] {
  if (repoIds.length === 0) return [];
  return db.column<string>(`SELECT DISTINCT name FROM version_rollbacks WHERE ${inList('repo_id', 1)}`, [JSON.stringify(repoIds)]);
}

/** As ../screens.ts: the open rows plus past_vendors; header vendors only when one can differ. */
export function namesWithSeveralVendors(db: PgConnection, vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[] {
  const repos = JSON.stringify(vendorOfRepo);
  const byHeader =
    headers !== undefined &&
    headers.repoIds.length > 0 &&
    db.value<boolean>(
      `SELECT EXISTS (SELECT 1 FROM repo_vendors AS v JOIN json_each_text($1::json) AS r ON r.key = v.repo_id
         LEFT JOIN json_each_text($2::json) AS s ON s.key = lower(btrim(v.vendor))
       WHERE btrim(v.vendor) <> '' AND ${inList('v.repo_id', 3)} AND coalesce(s.value, lower(btrim(v.vendor))) <> r.value)`,
      [repos, JSON.stringify(headers.keyOf), JSON.stringify(headers.repoIds)],
    ) === true;
  if (!byHeader) {
    if (new Set(Object.values(vendorOfRepo)).size < 2) return [];
    return db.column<string>(
      `SELECT name FROM (
         SELECT v.name, r.value AS k FROM version_tracks AS v JOIN json_each_text($1::json) AS r ON r.key = v.repo_id WHERE v.last_seen IS NULL
         UNION ALL
         SELECT p.name, r.value FROM past_vendors AS p JOIN json_each_text($1::json) AS r ON r.key = p.repo_id) AS named
       GROUP BY name HAVING count(DISTINCT k) > 1 ORDER BY ${byByte('name')}`,
      [repos],
    );
  }
  const key = (v: string) => `CASE WHEN btrim(coalesce(${v}.vendor, '')) <> '' AND ${inList(`${v}.repo_id`, 3)}
                                   THEN coalesce(s.value, lower(btrim(${v}.vendor))) ELSE r.value END`;
  return db.column<string>(
    `SELECT name FROM (
       SELECT v.name, ${key('v')} AS k FROM version_tracks AS v JOIN json_each_text($1::json) AS r ON r.key = v.repo_id
         LEFT JOIN json_each_text($2::json) AS s ON s.key = lower(btrim(v.vendor))
       WHERE v.last_seen IS NULL
       UNION ALL
       SELECT p.name, ${key('p')} FROM past_vendors AS p JOIN json_each_text($1::json) AS r ON r.key = p.repo_id
         LEFT JOIN json_each_text($2::json) AS s ON s.key = lower(btrim(p.vendor))) AS keyed
     GROUP BY name HAVING count(DISTINCT k) > 1 ORDER BY ${byByte('name')}`,
    [repos, JSON.stringify(headers!.keyOf), JSON.stringify(headers!.repoIds)],
  );
}

/** winnerHolders() of the SQLite store. */
export function winnerHolders(db: PgConnection, profiles: readonly string[], minIntervals: number): WinnerHolder[] {
  if (profiles.length === 0) return [];
  return db.objects<WinnerHolder>(
    `WITH handed AS (
       SELECT h.profile, h.name FROM winner_handovers AS h JOIN winner_tracks AS w ON w.profile = h.profile AND w.name = h.name
       WHERE ${inList('h.profile', 1)}
       GROUP BY h.profile, h.name
       HAVING count(*) + sum((SELECT count(*) FROM winner_steps AS s WHERE s.run_id = w.id)) >= $2 AND (count(DISTINCT w.repo_id) > 1 OR count(DISTINCT coalesce(w.vendor, '')) > 1))
     SELECT DISTINCT handed.profile, handed.name, w.repo_id AS "repoId", w.vendor FROM handed
       JOIN winner_tracks AS w ON w.profile = handed.profile AND w.name = handed.name`,
    [JSON.stringify(profiles), minIntervals],
  );
}
