/**
 * The store's small tables in PostgreSQL — repos, repo events, reports, winner tracks, host state,
 * upstream feeds, repo renames — with the behaviour of their SQLite modules (`../repos.ts`,
 * `../reports.ts`, `../winners.ts`, `../host-state.ts`, `../upstream.ts`, `../repo-identity.ts`).
 * Validation that is not SQL (roles, ISO weeks, one winner per name) is imported from there, not
 * repeated. Every multi-statement write takes the store's write lock, as SQLite's IMMEDIATE does.
 */
import { StoreError } from '../../errors.js';
import { REPO_COLUMNS } from '../repo-identity.js';
import { repoFactsOf, validateRepoFacts, type StoredRepoRow } from '../repos.js';
import { validateReport } from '../reports.js';
import type { AptReleaseFacts, HostPackageState, FeedCheck, FeedReleaseInput, RepoEvent, RepoEventFilter, RepoFacts, SoleVersionWinners, StoredFeedRelease, StoredReport, Winner, WinnerChanges, WinnerInputs, WinnerInterval } from '../types.js';
import { segments, validateSoleVersionWinners, validateWinners, winnerMove, type OpenWinner, type RunStepRow } from '../winners.js';
import type { PgConnection, SqlValue } from './connection.js';
import { WRITE_LOCK } from './locks.js';
import { byByte, inList, scopeParams, scopeWhere } from './queries.js';
import { requireRepo } from './repo-update.js';
import { fillSortKeys } from './sort-keys.js';
import { profileHasClosedWinners, rebuildVersionRollbacks, recordWinnerScreens } from './screens.js';

// ── repos ──

export function upsertRepo(db: PgConnection, repo: RepoFacts, at: number = Date.now()): void {
  validateRepoFacts(repo);
  db.transaction(() => {
    const before = db.value<string>('SELECT format FROM repos WHERE id = $1', [repo.id]);
    db.rows(
      `INSERT INTO repos (id, vendor, role, format, location, label, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET vendor = excluded.vendor, role = excluded.role, format = excluded.format,
         location = excluded.location, label = excluded.label, updated_at = excluded.updated_at
       WHERE (repos.vendor, repos.role, repos.format, repos.location, repos.label)
         IS DISTINCT FROM (excluded.vendor, excluded.role, excluded.format, excluded.location, excluded.label)`,
      [repo.id, repo.vendor, repo.role, repo.format, repo.location ?? null, repo.label ?? null, at],
    );
    // The stored versions' sort keys follow their repo's format.
    if (before !== null && before !== repo.format) {
      fillSortKeys(db, repo.id);
      // Rollbacks were judged by the old format's keys.
      rebuildVersionRollbacks(db, repo.id);
    }
  });
}

export function listRepos(db: PgConnection): RepoFacts[] {
  return db.objects<StoredRepoRow>(`SELECT id, vendor, role, format, location, label FROM repos ORDER BY ${byByte('id')}`).map(repoFactsOf);
}

export function hasRepo(db: PgConnection, id: string): boolean {
  return (db.value<number>('SELECT count(*) FROM repos WHERE id = $1', [id]) ?? 0) > 0;
}

export function recordRepoEvent(db: PgConnection, event: RepoEvent): void {
  requireRepo(db, event.repoId);
  db.rows('INSERT INTO repo_events (repo_id, at, kind, message) VALUES ($1, $2, $3, $4)', [event.repoId, event.at, event.kind, event.message]);
}

export function repoEvents(db: PgConnection, filter: RepoEventFilter = {}): RepoEvent[] {
  return db.objects<RepoEvent>(
    `SELECT repo_id AS "repoId", at, kind, message FROM repo_events
     WHERE ($1::text IS NULL OR repo_id = $1) AND ($2::bigint IS NULL OR at >= $2) AND ($3::text IS NULL OR kind = $3)
     ORDER BY at, id`,
    [filter.repoId ?? null, filter.since ?? null, filter.kind ?? null],
  );
}

export function setReleaseFacts(db: PgConnection, repoId: string, facts: AptReleaseFacts): void {
  requireRepo(db, repoId);
  db.rows('UPDATE repos SET release_facts = $1 WHERE id = $2', [JSON.stringify(facts), repoId]);
}

export function releaseFacts(db: PgConnection): Map<string, AptReleaseFacts> {
  return new Map(db.rows('SELECT id, release_facts FROM repos WHERE release_facts IS NOT NULL').map((r) => [r[0] as string, JSON.parse(r[1] as string) as AptReleaseFacts]));
}

export function renameRepo(db: PgConnection, from: string, to: string): boolean {
  return db.transaction(() => {
    if (!hasRepo(db, from)) return false;
    if (hasRepo(db, to)) throw new StoreError(`cannot rename repo ${from} to ${to}: that repo already has data`, { repo: from });
    // The children follow the parent within the transaction; the foreign keys are checked at commit.
    db.exec('SET CONSTRAINTS ALL DEFERRED');
    db.rows('UPDATE repos SET id = $1 WHERE id = $2', [to, from]);
    for (const [table, column] of REPO_COLUMNS) db.rows(`UPDATE ${table} SET ${column} = $1 WHERE ${column} = $2`, [to, from]);
    return true;
  }, WRITE_LOCK);
}

// ── reports ──

interface ReportRow {
  id: number;
  week: string;
  createdAt: number;
  findings: string;
}
const REPORT_COLUMNS = 'id, week, created_at AS "createdAt", findings';
const parseReport = (row: ReportRow): StoredReport => ({ ...row, findings: JSON.parse(row.findings) as unknown });

export function saveReport(db: PgConnection, week: string, findings: unknown, createdAt: number = Date.now()): number {
  const json = validateReport(week, findings);
  return db.value<number>('INSERT INTO reports (week, created_at, findings) VALUES ($1, $2, $3) RETURNING id', [week, createdAt, json])!;
}

export function listReports(db: PgConnection, week?: string): StoredReport[] {
  return db
    .objects<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM reports WHERE ($1::text IS NULL OR week = $1) ORDER BY ${byByte('week')}, created_at, id`, [week ?? null])
    .map(parseReport);
}

export function latestReport(db: PgConnection, beforeWeek?: string): StoredReport | null {
  const row = db.objects<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM reports WHERE ($1::text IS NULL OR ${byByte('week')} < $1)
     ORDER BY ${byByte('week')} DESC, created_at DESC, id DESC LIMIT 1`,
    [beforeWeek ?? null],
  )[0];
  return row ? parseReport(row) : null;
}

// ── winners ──

/** As ../winners.ts openRuns: open runs with their current EVR (their last step's, if any). */
const openRuns = (columns: string): string => `SELECT ${columns}
  FROM winner_tracks AS w LEFT JOIN winner_steps AS s ON s.run_id = w.id
    AND s.at = (SELECT max(l.at) FROM winner_steps AS l WHERE l.run_id = w.id)
  WHERE w.profile = $1 AND w.to_at IS NULL`;
const CURRENT_EVR = `coalesce(s.evr, w.evr) AS evr, coalesce(s.at, w.from_at) AS "from"`;

export function recordWinners(db: PgConnection, profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
  const byName = validateWinners(profile, winners, names);
  return db.transaction((): WinnerChanges => {
    const changes: WinnerChanges = { changed: 0, opened: 0, closed: 0 };
    const hadClosed = profileHasClosedWinners(db, profile);
    const handedOver: string[] = [];
    const returned: string[] = [];
    const params: SqlValue[] = names === undefined ? [profile] : [profile, JSON.stringify(names)];
    const current = new Map<string, OpenWinner>();
    for (const row of db.objects<OpenWinner & { name: string }>(
      `${openRuns(`w.id, w.name, w.repo_id AS "repoId", w.vendor, ${CURRENT_EVR}`)} ${names === undefined ? '' : `AND ${inList('w.name', 2)}`}`,
      params,
    )) {
      if (at < row.from) throw new StoreError(`winners at ${new Date(at).toISOString()} are older than the stored ones for profile ${profile}`);
      current.set(row.name, row);
    }
    const close = (id: number): void => void db.rows('UPDATE winner_tracks SET to_at = $1 WHERE id = $2', [at, id]);
    for (const [name, winner] of byName) {
      const held = current.get(name);
      const move = winnerMove(held, winner, at);
      if (move === 'same') continue;
      if (move === 'step' && held) {
        db.rows('INSERT INTO winner_steps (run_id, at, evr) VALUES ($1, $2, $3)', [held.id, at, winner.evr]);
        changes.changed++;
        continue;
      }
      if (held) {
        close(held.id);
        changes.changed++;
        if (move === 'handover') handedOver.push(name);
      } else {
        changes.opened++;
        returned.push(name);
      }
      db.rows('INSERT INTO winner_tracks (profile, name, repo_id, vendor, evr, from_at, to_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)', [
        profile,
        name,
        winner.repoId,
        winner.vendor,
        winner.evr,
        at,
      ]);
    }
    for (const [name, held] of current) {
      if (byName.has(name)) continue;
      close(held.id);
      changes.closed++;
    }
    recordWinnerScreens(db, profile, handedOver, returned, hadClosed);
    return changes;
  }, WRITE_LOCK);
}

/** copyWinners() of the SQLite store (../winners.ts): a first recording copied inside the server. */
export function copyWinners(db: PgConnection, from: string, to: string, at: number): WinnerChanges {
  return db.transaction((): WinnerChanges => {
    if (db.value<boolean>('SELECT EXISTS (SELECT 1 FROM winner_tracks WHERE profile = $1)', [to]) === true) {
      const rows = currentWinners(db, from).map(({ name, repoId, vendor, evr }) => ({ name, repoId, vendor, evr }));
      return recordWinners(db, to, rows, at);
    }
    const opened = db.value<number>(
      `WITH opened AS (
         INSERT INTO winner_tracks (profile, name, repo_id, vendor, evr, from_at, to_at)
         ${openRuns(`$2::text, w.name, w.repo_id, w.vendor, coalesce(s.evr, w.evr), $3::bigint, NULL::bigint`)} ORDER BY ${byByte('w.name')}
         RETURNING 1)
       SELECT count(*)::int FROM opened`,
      [from, to, at],
    );
    return { changed: 0, opened: opened ?? 0, closed: 0 };
  }, WRITE_LOCK);
}

/**
 * recordSoleVersionWinners() of the SQLite store (../winners.ts): a first recording is one INSERT …
 * SELECT inside the server, in name (byte) order as recordWinners opens them.
 */
export function recordSoleVersionWinners(db: PgConnection, profile: string, sole: SoleVersionWinners, contested: readonly Winner[], at: number): WinnerChanges {
  validateSoleVersionWinners(profile, sole, contested);
  return db.transaction((): WinnerChanges => {
    if (db.value<boolean>('SELECT EXISTS (SELECT 1 FROM winner_tracks WHERE profile = $1)', [profile]) === true) {
      const soleRows = db
        .rows(SOLE_WINNERS, [...scopeParams(sole.scope), JSON.stringify(sole.holders)])
        .map((r) => ({ name: r[0] as string, repoId: r[1] as string, vendor: r[2] as string | null, evr: r[3] as string }));
      const all = [...soleRows, ...contested].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return recordWinners(db, profile, all, at);
    }
    const opened = db.value<number>(
      `WITH opened AS (
         INSERT INTO winner_tracks (profile, name, repo_id, vendor, evr, from_at, to_at)
         SELECT $5::text, name, repo_id, vendor, evr, $6::bigint, NULL::bigint FROM (
           ${SOLE_WINNERS}
           UNION ALL
           SELECT c ->> 'name', c ->> 'repoId', c ->> 'vendor', c ->> 'evr' FROM json_array_elements($7::json) AS c) AS u
         ORDER BY ${byByte('name')}
         RETURNING 1)
       SELECT count(*)::int FROM opened`,
      [...scopeParams(sole.scope), JSON.stringify(sole.holders), profile, at, JSON.stringify(contested)],
    );
    return { changed: 0, opened: opened ?? 0, closed: 0 };
  }, WRITE_LOCK);
}

/** The scope's ($1–$3) names with exactly one current version whose (repo, arch) is one of the holders ($4). */
const SOLE_WINNERS = `SELECT v.name, v.repo_id, h.vendor, v.evr
  FROM (SELECT name, min(repo_id) AS repo_id, min(arch) AS arch, min(evr) AS evr
        FROM version_tracks WHERE ${scopeWhere(1)} GROUP BY name HAVING count(*) = 1) AS v
  JOIN (SELECT x ->> 'repoId' AS repo_id, x ->> 'arch' AS arch, x ->> 'vendor' AS vendor FROM json_array_elements($4::json) AS x) AS h
    ON h.repo_id = v.repo_id AND h.arch = v.arch`;

/** As ../winners.ts: runs with the steps they own, split back into one interval per EVR. */
export function winnerHistory(db: PgConnection, profile?: string, names?: readonly string[]): WinnerInterval[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (profile !== undefined) {
    params.push(profile);
    where.push(`w.profile = $${params.length}`);
  }
  if (names !== undefined) {
    params.push(JSON.stringify(names));
    where.push(inList('w.name', params.length));
  }
  return segments(
    db.objects<RunStepRow>(
      `SELECT w.profile, w.name, w.repo_id AS "repoId", w.vendor, w.evr, w.from_at AS "from", w.to_at AS "to", w.id, s.at AS "stepAt", s.evr AS "stepEvr"
       FROM winner_tracks AS w LEFT JOIN winner_steps AS s ON s.run_id = w.id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY ${byByte('w.profile')}, ${byByte('w.name')}, w.from_at, w.id, s.at`,
      params,
    ),
  );
}

export function currentWinners(db: PgConnection, profile: string): WinnerInterval[] {
  return db.objects<WinnerInterval>(`${openRuns(`w.profile, w.name, w.repo_id AS "repoId", w.vendor, ${CURRENT_EVR}, w.to_at AS "to"`)} ORDER BY ${byByte('w.name')}`, [profile]);
}

export function winnerInputs(db: PgConnection, profile: string): WinnerInputs | null {
  return db.objects<WinnerInputs>('SELECT fingerprint, recorded_at AS "recordedAt" FROM winner_inputs WHERE profile = $1', [profile])[0] ?? null;
}

export function setWinnerInputs(db: PgConnection, profile: string, fingerprint: string, at: number): void {
  db.rows(
    `INSERT INTO winner_inputs (profile, fingerprint, recorded_at) VALUES ($1, $2, $3)
     ON CONFLICT (profile) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at`,
    [profile, fingerprint, at],
  );
}

// ── host audit state ──

export function previousHostState(db: PgConnection, host: string): Map<string, boolean> | null {
  const rows = db.rows('SELECT name, arch, stranded FROM host_packages WHERE host = $1', [host]);
  if (rows.length === 0) return null;
  return new Map(rows.map((r) => [`${r[0] as string}\t${r[1] as string}`, r[2] === 1]));
}

export function saveHostState(db: PgConnection, host: string, packages: readonly HostPackageState[], at: number): void {
  db.transaction(() => {
    db.rows('DELETE FROM host_packages WHERE host = $1', [host]);
    // Last one wins for a repeated (name, arch), as SQLite's INSERT OR REPLACE.
    const unique = new Map(packages.map((p) => [`${p.name}\t${p.arch}`, p]));
    db.copyIn('host_packages', ['host', 'name', 'arch', 'stranded', 'seen_at'], [...unique.values()].map((p) => [host, p.name, p.arch, p.stranded ? 1 : 0, at]));
  }, WRITE_LOCK);
}

// ── upstream release feeds ──

export function recordFeedReleases(db: PgConnection, feed: string, releases: readonly FeedReleaseInput[], projectUrls: readonly string[], at: number): { added: number } {
  return db.transaction(() => {
    const count = (): number => db.value<number>('SELECT count(*) FROM upstream_releases WHERE feed = $1', [feed]) ?? 0;
    const before = count();
    for (const r of releases) {
      db.rows(
        `INSERT INTO upstream_releases (feed, version, tag, prerelease, url, published_at, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (feed, version) DO UPDATE SET tag = excluded.tag, prerelease = excluded.prerelease, url = excluded.url,
           published_at = coalesce(excluded.published_at, upstream_releases.published_at), last_seen = excluded.last_seen`,
        [feed, r.version, r.tag, r.prerelease ? 1 : 0, r.url, r.publishedAt, at],
      );
    }
    db.rows(
      `INSERT INTO upstream_feeds (feed, checked_at, status, message, project_urls, last_ok_at) VALUES ($1, $2, 'ok', NULL, $3, $2)
       ON CONFLICT (feed) DO UPDATE SET checked_at = excluded.checked_at, status = 'ok', message = NULL,
         project_urls = excluded.project_urls, last_ok_at = excluded.last_ok_at`,
      [feed, at, JSON.stringify(projectUrls)],
    );
    return { added: count() - before };
  }, WRITE_LOCK);
}

export function recordFeedCheck(db: PgConnection, feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void {
  db.rows(
    `INSERT INTO upstream_feeds (feed, checked_at, status, message) VALUES ($1, $2, $3, $4)
     ON CONFLICT (feed) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status, message = excluded.message`,
    [feed, at, status, message],
  );
}

export function feedReleases(db: PgConnection, feeds?: readonly string[]): Map<string, StoredFeedRelease[]> {
  const rows = db.objects<Omit<StoredFeedRelease, "prerelease"> & { prerelease: number }>(
    `SELECT feed, version, tag, prerelease, url, published_at AS "publishedAt", first_seen AS "firstSeen", last_seen AS "lastSeen"
     FROM upstream_releases ${feeds ? `WHERE ${inList('feed', 1)}` : ''} ORDER BY ${byByte('feed')}, ${byByte('version')}`,
    feeds ? [JSON.stringify(feeds)] : [],
  );
  const out = new Map<string, StoredFeedRelease[]>();
  for (const feed of feeds ?? []) out.set(feed, []);
  for (const r of rows) {
    const release: StoredFeedRelease = { ...r, prerelease: r.prerelease === 1 };
    const list = out.get(r.feed);
    if (list) list.push(release);
    else out.set(r.feed, [release]);
  }
  for (const [feed, list] of out) if (list.length === 0) out.delete(feed);
  return out;
}

export function feedChecks(db: PgConnection): Map<string, FeedCheck> {
  const rows = db.objects<Omit<FeedCheck, 'projectUrls'> & { projectUrls: string }>(
    `SELECT feed, checked_at AS "checkedAt", status, message, project_urls AS "projectUrls", last_ok_at AS "lastOkAt" FROM upstream_feeds`,
  );
  return new Map(rows.map((r) => [r.feed, { ...r, projectUrls: JSON.parse(r.projectUrls) as string[] }]));
}
