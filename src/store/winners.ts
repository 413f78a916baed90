/**
 * Winner tracks: per profile and name, which repo/vendor/EVR wins and from when to when. The
 * analysis computes the winners after each crawl and records them here; ping-pong is read back
 * from the history. Intervals are half-open [from, to): a new winner's `from` is the previous
 * one's `to`, so the history of a name has no gaps while some repo of the profile ships it.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import { profileHasClosedWinners, recordWinnerScreens } from './screens.js';
import type { Winner, WinnerChanges, WinnerInputs, WinnerInterval } from './types.js';

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

/** What every store checks before recording winners: one per name, all inside `names`. By name. */
export function validateWinners(profile: string, winners: readonly Winner[], names: readonly string[] | undefined): Map<string, Winner> {
  const byName = new Map<string, Winner>();
  for (const w of winners) {
    if (byName.has(w.name)) throw new StoreError(`two winners given for "${w.name}" in profile ${profile}`);
    byName.set(w.name, w);
  }
  const inScope = names === undefined ? null : new Set(names);
  for (const w of winners) {
    if (inScope !== null && !inScope.has(w.name)) throw new StoreError(`a winner for "${w.name}" outside the names given for profile ${profile}`);
  }
  return byName;
}

/**
 * Record the winners of `profile` computed at time `at` (ms): the full set, or with `names` the
 * winners of those names only (names not listed keep their intervals untouched). Unchanged names
 * write nothing; a changed name closes its interval at `at` and opens a new one; a name (of
 * `names`, when given) missing from `winners` that had one is closed. One transaction.
 */
export function recordWinners(db: Db, profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
  const byName = validateWinners(profile, winners, names);
  const readOpen = db.prepare<string[], OpenWinner & { name: string }>(
    `SELECT id, name, repo_id AS repoId, vendor, evr, from_at AS "from" FROM winner_tracks
     WHERE profile = ? AND to_at IS NULL ${names === undefined ? '' : 'AND name IN (SELECT value FROM json_each(?))'}`,
  );
  const close = db.prepare('UPDATE winner_tracks SET to_at = ? WHERE id = ?');
  const open = db.prepare(
    'INSERT INTO winner_tracks (profile, name, repo_id, vendor, evr, from_at, to_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
  );

  return db.transaction((): WinnerChanges => {
    const changes: WinnerChanges = { changed: 0, opened: 0, closed: 0 };
    const hadClosed = profileHasClosedWinners(db, profile);
    const handedOver: string[] = [];
    const returned: string[] = [];
    const current = new Map<string, OpenWinner>();
    for (const row of readOpen.all(...(names === undefined ? [profile] : [profile, JSON.stringify(names)]))) {
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
        if (held.repoId !== winner.repoId || held.vendor !== winner.vendor) handedOver.push(name);
      } else {
        changes.opened++;
        returned.push(name);
      }
      open.run(profile, name, winner.repoId, winner.vendor, winner.evr, at);
    }
    for (const [name, held] of current) {
      if (byName.has(name)) continue;
      close.run(at, held.id);
      changes.closed++;
    }
    recordWinnerScreens(db, profile, handedOver, returned, hadClosed);
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

/** What a profile's winners were last resolved from (a fingerprint) and when, or null. */
export function winnerInputs(db: Db, profile: string): WinnerInputs | null {
  return (
    db
      .prepare<[string], { fingerprint: string; recordedAt: number }>('SELECT fingerprint, recorded_at AS recordedAt FROM winner_inputs WHERE profile = ?')
      .get(profile) ?? null
  );
}

export function setWinnerInputs(db: Db, profile: string, fingerprint: string, at: number): void {
  db.prepare(
    `INSERT INTO winner_inputs (profile, fingerprint, recorded_at) VALUES (?, ?, ?)
     ON CONFLICT (profile) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at`,
  ).run(profile, fingerprint, at);
}
