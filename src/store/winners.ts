/**
 * Winner tracks: per profile and name, which repo/vendor/EVR wins and from when to when. The
 * analysis computes the winners after each crawl and records them here; ping-pong is read back
 * from the history. Intervals are half-open [from, to): a new winner's `from` is the previous
 * one's `to`, so the history of a name has no gaps while some repo of the profile ships it.
 *
 * Stored as runs (migration 13): a winner_tracks row is one run of one holder (repo + vendor) of a
 * name, with the EVR it started with; each later EVR of that holder inside the run is a narrow
 * winner_steps row (run id, at, evr). Almost every change of a winner is a new EVR of the same
 * holder, so a year of history grows by those small rows, not by whole interval rows. The readers
 * give back the intervals one row per EVR (see `segments`): the same list, in the same order, as
 * when every EVR was its own row. A step's `at` is always after its run's start and after the
 * run's previous step, and at most the run's end.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import type { Statement } from 'better-sqlite3';
import { profileHasClosedWinners, recordWinnerScreens } from './screens.js';
import { scopeParams, scopeWhere } from './queries.js';
import type { SoleVersionWinners, Winner, WinnerChanges, WinnerInputs, WinnerInterval } from './types.js';

/** An open run as recordWinners needs it: its holder, its current EVR and since when that holds. */
export interface OpenWinner {
  id: number;
  repoId: string;
  vendor: string | null;
  evr: string;
  /** When the current EVR started: the run's start or its last step. */
  from: number;
}

/** How a new winner follows the open run of its name (null: none), per the row-per-EVR rules. */
export type WinnerMove = 'same' | 'step' | 'handover' | 'restart' | 'open';

/**
 * What recording `winner` at `at` does to the name's open run: nothing (same winner); a step (the
 * holder's new EVR, later than its current one's start); or a new run after closing the old one
 * (another holder; or the same holder again at the very instant its current EVR began, which a
 * step cannot hold since steps of a run are strictly later than what precedes them). Both stores
 * decide by this function.
 */
export function winnerMove(held: OpenWinner | undefined, winner: Winner, at: number): WinnerMove {
  if (!held) return 'open';
  if (held.repoId !== winner.repoId || held.vendor !== winner.vendor) return 'handover';
  if (held.evr === winner.evr) return 'same';
  return at > held.from ? 'step' : 'restart';
}

/** A run joined with one of its steps (step columns null for a run without steps), as both stores read them. */
export interface RunStepRow {
  profile: string;
  name: string;
  repoId: string;
  vendor: string | null;
  evr: string;
  from: number;
  to: number | null;
  id: number;
  stepAt: number | null;
  stepEvr: string | null;
}

/**
 * The intervals, one per EVR, of runs read with their steps ordered by (profile, name, from, id,
 * step at): a run's first EVR holds from its start to its first step, each step's EVR to the next
 * step, the last one to the run's end.
 */
export function segments(rows: Iterable<RunStepRow>): WinnerInterval[] {
  const out: WinnerInterval[] = [];
  let runId: number | null = null;
  let last: WinnerInterval | null = null;
  for (const row of rows) {
    if (row.id !== runId) {
      runId = row.id;
      last = { profile: row.profile, name: row.name, repoId: row.repoId, vendor: row.vendor, evr: row.evr, from: row.from, to: row.to };
      out.push(last);
    }
    if (row.stepAt === null || row.stepEvr === null) continue;
    last!.to = row.stepAt;
    last = { profile: row.profile, name: row.name, repoId: row.repoId, vendor: row.vendor, evr: row.stepEvr, from: row.stepAt, to: row.to };
    out.push(last);
  }
  return out;
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

/** What every store checks before recordSoleVersionWinners: one contested winner per name, one holder per (repo, arch). */
export function validateSoleVersionWinners(profile: string, sole: SoleVersionWinners, contested: readonly Winner[]): void {
  validateWinners(profile, contested, undefined);
  const seen = new Set<string>();
  for (const h of sole.holders) {
    const key = `${h.repoId}\t${h.arch}`;
    if (seen.has(key)) throw new StoreError(`two holders given for repo ${h.repoId}, arch ${h.arch} in profile ${profile}`);
    seen.add(key);
  }
}

/** The open runs of a profile with their current EVR and its start: the run's own, or its last step's. */
const openRuns = (columns: string): string => `SELECT ${columns}
  FROM winner_tracks AS w LEFT JOIN winner_steps AS s ON s.run_id = w.id
    AND s.at = (SELECT max(l.at) FROM winner_steps AS l WHERE l.run_id = w.id)
  WHERE w.profile = ? AND w.to_at IS NULL`;
const CURRENT_EVR = `coalesce(s.evr, w.evr) AS evr, coalesce(s.at, w.from_at) AS "from"`;

/**
 * Record the winners of `profile` computed at time `at` (ms): the full set, or with `names` the
 * winners of those names only (names not listed keep their intervals untouched). Unchanged names
 * write nothing; a changed name closes its interval at `at` and opens a new one (a step, when only
 * its EVR changed); a name (of `names`, when given) missing from `winners` that had one is closed.
 * One transaction.
 */
export function recordWinners(db: Db, profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
  const byName = validateWinners(profile, winners, names);
  const readOpen = db.prepare<string[], OpenWinner & { name: string }>(
    `${openRuns(`w.id, w.name, w.repo_id AS repoId, w.vendor, ${CURRENT_EVR}`)} ${names === undefined ? '' : 'AND w.name IN (SELECT value FROM json_each(?))'}`,
  );
  const close = db.prepare('UPDATE winner_tracks SET to_at = ? WHERE id = ?');
  const step = db.prepare('INSERT INTO winner_steps (run_id, at, evr) VALUES (?, ?, ?)');

  return db.transaction((): WinnerChanges => {
    const changes: WinnerChanges = { changed: 0, opened: 0, closed: 0 };
    const hadClosed = profileHasClosedWinners(db, profile);
    const handedOver: string[] = [];
    const returned: string[] = [];
    const current = new Map<string, OpenWinner>();
    const opening = new OpenWinnerRows(db);
    for (const row of readOpen.all(...(names === undefined ? [profile] : [profile, JSON.stringify(names)]))) {
      if (at < row.from) {
        throw new StoreError(`winners at ${new Date(at).toISOString()} are older than the stored ones for profile ${profile}`);
      }
      current.set(row.name, row);
    }
    for (const [name, winner] of byName) {
      const held = current.get(name);
      const move = winnerMove(held, winner, at);
      if (move === 'same') continue;
      if (move === 'step' && held) {
        step.run(held.id, at, winner.evr);
        changes.changed++;
        continue;
      }
      if (held) {
        close.run(at, held.id);
        changes.changed++;
        if (move === 'handover') handedOver.push(name);
      } else {
        changes.opened++;
        returned.push(name);
      }
      opening.add(profile, name, winner.repoId, winner.vendor, winner.evr, at);
    }
    for (const [name, held] of current) {
      if (byName.has(name)) continue;
      close.run(at, held.id);
      changes.closed++;
    }
    opening.flush();
    recordWinnerScreens(db, profile, handedOver, returned, hadClosed);
    return changes;
  }).immediate();
}

/**
 * Record in profile `to`, at `at`, exactly the winners profile `from` holds now: what
 * recordWinners(to, currentWinners(from), at) records. A profile with no winner row yet (its first
 * recording, e.g. a host's `system` profile beside the release profile just resolved) gets its open
 * runs copied inside SQLite (~60,000 rows for a Debian suite, without passing each through
 * JavaScript); any other goes through recordWinners. One transaction.
 */
export function copyWinners(db: Db, from: string, to: string, at: number): WinnerChanges {
  return db.transaction((): WinnerChanges => {
    if (db.prepare('SELECT EXISTS (SELECT 1 FROM winner_tracks WHERE profile = ?)').pluck().get(to) === 1) {
      const rows = currentWinners(db, from).map(({ name, repoId, vendor, evr }) => ({ name, repoId, vendor, evr }));
      return recordWinners(db, to, rows, at);
    }
    // Name order, as recordWinners opens them (its rows come sorted by name).
    const opened = db
      .prepare(`${INSERT_WINNER_RUN} ${openRuns('?, w.name, w.repo_id, w.vendor, coalesce(s.evr, w.evr), ?, NULL')} ORDER BY w.name`)
      .run(to, at, from).changes;
    return { changed: 0, opened, closed: 0 };
  }).immediate();
}

/**
 * Store.recordSoleVersionWinners. A first recording is one INSERT … SELECT: the scope's names with
 * one current version joined with the holders (a small temp table), and the contested winners
 * given, in name order (as recordWinners opens them, so with the same ids).
 */
export function recordSoleVersionWinners(db: Db, profile: string, sole: SoleVersionWinners, contested: readonly Winner[], at: number): WinnerChanges {
  validateSoleVersionWinners(profile, sole, contested);
  return db.transaction((): WinnerChanges => {
    if (db.prepare('SELECT EXISTS (SELECT 1 FROM winner_tracks WHERE profile = ?)').pluck().get(profile) === 1) {
      const all = [...soleVersionWinners(db, sole), ...contested].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return recordWinners(db, profile, all, at);
    }
    fillSoleHolders(db, sole.holders);
    const opened = db
      .prepare(
        `${INSERT_WINNER_RUN}
         SELECT @profile, name, repo_id, vendor, evr, @at, NULL FROM (
           ${SOLE_WINNERS}
           UNION ALL
           SELECT value ->> '$.name', value ->> '$.repoId', value ->> '$.vendor', value ->> '$.evr' FROM json_each(@contested))
         ORDER BY name`,
      )
      .run({ ...scopeParams('s', sole.scope), profile, at, contested: JSON.stringify(contested) }).changes;
    return { changed: 0, opened, closed: 0 };
  }).immediate();
}

/**
 * The scope's names with exactly one current version whose (repo, arch) is a holder in
 * temp.sole_holders: that version, with the holder's vendor. INDEXED BY: present versions only.
 */
const SOLE_WINNERS = `SELECT v.name, v.repo_id, h.vendor, v.evr
  FROM (SELECT name, min(repo_id) AS repo_id, min(arch) AS arch, min(evr) AS evr
        FROM version_tracks INDEXED BY version_tracks_open WHERE ${scopeWhere('s')}
        GROUP BY name HAVING count(*) = 1) AS v
  JOIN temp.sole_holders AS h ON h.repo_id = v.repo_id AND h.arch = v.arch`;

/** The holders as a keyed temp table: joined ~60,000 times, a json_each would be parsed per row. */
function fillSoleHolders(db: Db, holders: SoleVersionWinners['holders']): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS sole_holders (repo_id TEXT NOT NULL, arch TEXT NOT NULL, vendor TEXT, PRIMARY KEY (repo_id, arch)) WITHOUT ROWID');
  db.prepare('DELETE FROM temp.sole_holders').run();
  const add = db.prepare('INSERT INTO temp.sole_holders (repo_id, arch, vendor) VALUES (?, ?, ?)');
  for (const h of holders) add.run(h.repoId, h.arch, h.vendor);
}

/** The sole-version winners as rows (a profile recorded before: recordWinners compares them). */
function soleVersionWinners(db: Db, sole: SoleVersionWinners): Winner[] {
  fillSoleHolders(db, sole.holders);
  return db
    .prepare<Record<string, string | null>, [string, string, string | null, string]>(SOLE_WINNERS)
    .raw()
    .all(scopeParams('s', sole.scope))
    .map(([name, repoId, vendor, evr]) => ({ name, repoId, vendor, evr }));
}

const INSERT_WINNER_RUN = 'INSERT INTO winner_tracks (profile, name, repo_id, vendor, evr, from_at, to_at)';
const OPEN_WINNER_INSERT = `${INSERT_WINNER_RUN} VALUES `;
const OPEN_WINNER_VALUES = '(?, ?, ?, ?, ?, ?, NULL)';
/** Rows per INSERT: a profile's first recording opens one row per name (60,000 for a Debian suite). */
const OPEN_WINNERS_PER_INSERT = 100;

/**
 * New open winner rows, inserted in the order given (so with the same ids), many per statement:
 * the same rows as one INSERT each, in about two thirds of the time for a first recording. A name's
 * open row is added after its old one was closed, as the one-open-row-per-name index needs.
 */
class OpenWinnerRows {
  private readonly values: unknown[] = [];
  private many: Statement | null = null;

  constructor(private readonly db: Db) {}

  add(profile: string, name: string, repoId: string, vendor: string | null, evr: string, from: number): void {
    this.values.push(profile, name, repoId, vendor, evr, from);
    if (this.values.length === OPEN_WINNERS_PER_INSERT * 6) {
      this.many ??= this.db.prepare(OPEN_WINNER_INSERT + new Array<string>(OPEN_WINNERS_PER_INSERT).fill(OPEN_WINNER_VALUES).join(', '));
      this.many.run(this.values);
      this.values.length = 0;
    }
  }

  /** Insert what add() still holds. */
  flush(): void {
    if (this.values.length === 0) return;
    const one = this.db.prepare(OPEN_WINNER_INSERT + OPEN_WINNER_VALUES);
    for (let at = 0; at < this.values.length; at += 6) one.run(this.values.slice(at, at + 6));
    this.values.length = 0;
  }
}

/** Runs joined with their steps, in the order `segments` reads: one row per run without steps, one per step otherwise. */
const RUNS_WITH_STEPS = `SELECT w.profile, w.name, w.repo_id AS repoId, w.vendor, w.evr, w.from_at AS "from", w.to_at AS "to", w.id,
    s.at AS stepAt, s.evr AS stepEvr
  FROM winner_tracks AS w LEFT JOIN winner_steps AS s ON s.run_id = w.id`;

/** All winner intervals of a profile (or every profile), optionally for some names, oldest first per name. */
export function winnerHistory(db: Db, profile?: string, names?: readonly string[]): WinnerInterval[] {
  const where: string[] = [];
  const params: string[] = [];
  if (profile !== undefined) {
    where.push('w.profile = ?');
    params.push(profile);
  }
  if (names !== undefined) {
    where.push('w.name IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(names));
  }
  return segments(
    db
      .prepare<string[], RunStepRow>(
        `${RUNS_WITH_STEPS} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY w.profile, w.name, w.from_at, w.id, s.at`,
      )
      .iterate(...params),
  );
}

/** The winners holding now in a profile. */
export function currentWinners(db: Db, profile: string): WinnerInterval[] {
  return db
    .prepare<[string], WinnerInterval>(`${openRuns(`w.profile, w.name, w.repo_id AS repoId, w.vendor, ${CURRENT_EVR}, w.to_at AS "to"`)} ORDER BY w.name`)
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
