/**
 * Winner tracks: per profile and name, which repo/vendor/EVR wins and from when to when. The
 * analysis computes the winners after each crawl and records them here; ping-pong is read back
 * from the history. Intervals are half-open [from, to): a new winner's `from` is the previous
 * one's `to`, so the history of a name has no gaps while some repo of the profile ships it.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import type { Winner, WinnerChanges, WinnerInterval } from './types.js';

interface OpenWinner {
  id: number;
  repoId: string;
  vendor: string | null;
  evr: string;
  from: number;
}

function sameWinner(a: OpenWinner, b: Winner): boolean {
  return a.repoId === b.repoId && a.vendor === b.vendor && a.evr === b.evr;
}

/**
 * Record the full set of winners of `profile` computed at time `at` (ms). Unchanged names write
 * nothing; a changed name closes its interval at `at` and opens a new one; a name missing from
 * `winners` that had one is closed. One transaction.
 */
export function recordWinners(db: Db, profile: string, winners: readonly Winner[], at: number): WinnerChanges {
  const byName = new Map<string, Winner>();
  for (const w of winners) {
    if (byName.has(w.name)) throw new StoreError(`two winners given for "${w.name}" in profile ${profile}`);
    byName.set(w.name, w);
  }
  const readOpen = db.prepare<[string], OpenWinner & { name: string }>(
    `SELECT id, name, repo_id AS repoId, vendor, evr, from_at AS "from" FROM winner_tracks
     WHERE profile = ? AND to_at IS NULL`,
  );
  const close = db.prepare('UPDATE winner_tracks SET to_at = ? WHERE id = ?');
  const open = db.prepare(
    'INSERT INTO winner_tracks (profile, name, repo_id, vendor, evr, from_at, to_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
  );

  return db.transaction((): WinnerChanges => {
    const changes: WinnerChanges = { changed: 0, opened: 0, closed: 0 };
    const current = new Map<string, OpenWinner>();
    for (const row of readOpen.all(profile)) {
      if (at < row.from) {
        throw new StoreError(`winners at ${new Date(at).toISOString()} are older than the stored ones for profile ${profile}`);
      }
      current.set(row.name, row);
    }
    for (const [name, winner] of byName) {
      const held = current.get(name);
      if (held && sameWinner(held, winner)) continue;
      if (held) {
        close.run(at, held.id);
        changes.changed++;
      } else {
        changes.opened++;
      }
      open.run(profile, name, winner.repoId, winner.vendor, winner.evr, at);
    }
    for (const [name, held] of current) {
      if (byName.has(name)) continue;
      close.run(at, held.id);
      changes.closed++;
    }
    return changes;
  }).immediate();
}

const INTERVAL_COLUMNS = `profile, name, repo_id AS repoId, vendor, evr, from_at AS "from", to_at AS "to"`;

/** All winner intervals of a profile (or every profile), optionally for some names, oldest first per name. */
export function winnerHistory(db: Db, profile?: string, names?: readonly string[]): WinnerInterval[] {
  const where: string[] = [];
  const params: string[] = [];
  if (profile !== undefined) {
    where.push('profile = ?');
    params.push(profile);
  }
  if (names !== undefined) {
    where.push('name IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(names));
  }
  return db
    .prepare<string[], WinnerInterval>(
      `SELECT ${INTERVAL_COLUMNS} FROM winner_tracks ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY profile, name, from_at, id`,
    )
    .all(...params);
}

/** The winners holding now in a profile. */
export function currentWinners(db: Db, profile: string): WinnerInterval[] {
  return db
    .prepare<[string], WinnerInterval>(
      `SELECT ${INTERVAL_COLUMNS} FROM winner_tracks WHERE profile = ? AND to_at IS NULL ORDER BY name`,
    )
    .all(profile);
}

/**
 * Names whose winner changed at least `minIntervals - 1` times in one of the profiles: the only
 * names an observed ping-pong (A→B→A, three intervals) can be about.
 */
export function namesWithWinnerChanges(db: Db, profiles: readonly string[], minIntervals: number): string[] {
  if (profiles.length === 0) return [];
  return db
    .prepare<[string, number], [string]>(
      `SELECT DISTINCT name FROM winner_tracks WHERE profile IN (SELECT value FROM json_each(?))
       GROUP BY profile, name HAVING count(*) >= ?`,
    )
    .raw()
    .all(JSON.stringify(profiles), minIntervals)
    .map((r) => r[0]);
}
