/**
 * The store on SQLite (better-sqlite3): the embedded default, one file keeping repo snapshots and
 * version history as intervals. It implements the Store interface (./store.ts) by delegating to
 * one module per table group, each taking the raw connection.
 */
import { StoreError } from '../errors.js';
import { defaultStorePath, IN_MEMORY, openDatabase, requireWal, storeFailure, type Db } from './db.js';
import { LATEST_SCHEMA_VERSION, migrate, requireCurrentSchema, schemaVersion } from './migrations.js';
import {
  currentVersionParts,
  currentVersions,
  dnfFacts,
  hasCurrentVersions,
  latestSnapshot,
  contestedNames,
  namesGoingBack,
  namesIn,
  snapshots,
  snapshotsFetchedAfter,
  rollbackCandidates,
  versionHistory,
} from './queries.js';
import { debRelations } from './deb-relations.js';
import { RepoUpdate, recordUnchanged } from './repo-update.js';
import { listRepos, recordRepoEvent, releaseFacts, repoEvents, setReleaseFacts, upsertRepo } from './repos.js';
import { latestReport, listReports, saveReport } from './reports.js';
import type {
  AptReleaseFacts,
  CommitResult,
  DnfRepoFacts,
  StoredDebRelations,
  FeedCheck,
  FeedReleaseInput,
  FleetHostRecord,
  FleetHostRisk,
  FleetHostSummary,
  FleetInstalledPackage,
  HostPackageState,
  MappingFact,
  RepoEvent,
  RepoEventFilter,
  RepoFacts,
  Snapshot,
  SnapshotMeta,
  SoleVersionWinners,
  HeaderVendorScreen,
  StoredFeedRelease,
  StoredReport,
  StoredVersion,
  VersionInterval,
  VersionPartsRow,
  VersionScope,
  Winner,
  WinnerChanges,
  WinnerHolder,
  WinnerInputs,
  WinnerInterval,
} from './types.js';
import { fillRepoUpdate, type Store } from './store.js';
import * as fleet from './fleet.js';
import { copyWinners, currentWinners, recordSoleVersionWinners, recordWinners, setWinnerInputs, winnerHistory, winnerInputs } from './winners.js';
import { namesWithLowerLaterVersions, namesWithSeveralVendors, winnerHolders } from './screens.js';
import { previousHostState, saveHostState } from './host-state.js';
import { feedChecks, feedReleases, mappingFacts, recordFeedCheck, recordFeedReleases } from './upstream.js';
import { hasRepo, renameRepo } from './repo-identity.js';

export interface OpenStoreOptions {
  /** Database file; default `$XDG_DATA_HOME/repoclash/repoclash.db`. ":memory:" for tests. */
  path?: string;
  /** Open for reading only (audit, report): no migration, and an outdated schema is an error. */
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** A new store built beside its path (./new-store.ts): no journal file or syncs until close turns it to WAL. */
  aside?: boolean;
}

/**
 * The store this process opened last. better-sqlite3's errors name no file, and damage can first
 * show in a query long after the open (audit, report): the CLI names this file in its one line.
 */
let lastOpened: string | null = null;

/** A SQLite failure (corrupt, not a database, I/O, full, read-only) as a StoreError naming the store file; anything else unchanged. */
export function asStoreFailure(err: unknown): unknown {
  return lastOpened === null ? err : storeFailure(err, lastOpened);
}

/** SQLite refused a write because the file, its directory or its WAL is read-only here (also when wrapped). */
function isReadOnlyFailure(err: unknown): boolean {
  for (let e: unknown = err; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) return true;
  }
  return false;
}

/**
 * A writable open that SQLite refused as read-only (the file, its directory or its WAL): say what
 * that means for the user — a store older than this code (`version`, when it could be read) needs
 * migrating, which takes write access — instead of SQLite's bare "attempt to write a readonly
 * database"; anything else unchanged.
 */
function whyNotWritable(err: unknown, file: string, version: number | null): unknown {
  if (!isReadOnlyFailure(err) || file === IN_MEMORY) return err;
  const why =
    version === null
      ? 'the store is read-only here (the file or its directory is not writable): this command writes to it, and migrates a store an older repoclash wrote'
      : version < LATEST_SCHEMA_VERSION
        ? `the store has schema version ${version}, older than ${LATEST_SCHEMA_VERSION}, and cannot be migrated: it is read-only here (the file or its directory is not writable)`
        : null;
  const message = why === null
    ? 'the store is read-only here (the file or its directory is not writable), and this command writes to it: run it where the store is writable'
    : `${why}; run it once with write access`;
  return new StoreError(message, { file }, { cause: err });
}

export class SqliteStore implements Store {
  private constructor(
    /** The underlying connection: SQLite-specific, for the store's own tests only. */
    readonly db: Db,
    readonly path: string,
    /** Built beside its final path (./new-store.ts): close() turns it to WAL. */
    private readonly aside: boolean = false,
  ) {}

  static open(options: OpenStoreOptions = {}): SqliteStore {
    const file = options.path ?? defaultStorePath();
    lastOpened = file;
    const readonly = options.readonly ?? false;
    let db: Db;
    try {
      db = openDatabase(file, { readonly, aside: options.aside === true, ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }) });
    } catch (err) {
      throw readonly ? err : whyNotWritable(err, file, null);
    }
    try {
      if (readonly) requireCurrentSchema(db, file);
      else migrate(db, file);
    } catch (err) {
      // A damaged file may not even say its schema version: the error below then says none.
      let version: number | null = null;
      try {
        if (!readonly) version = schemaVersion(db);
      } catch {
        version = null;
      }
      db.close();
      throw whyNotWritable(storeFailure(err, file), file, version);
    }
    return new SqliteStore(db, file, options.aside === true);
  }

  close(): void {
    if (!this.db.open) return;
    try {
      // Lets SQLite refresh planner statistics where they went stale (cheap; recommended on close).
      if (!this.db.readonly) this.db.pragma('optimize');
      // A store built aside leaves as every store is kept: in WAL mode (readers never block a crawl).
      if (this.aside) requireWal(this.db, this.path);
    } finally {
      this.db.close();
    }
  }

  // ── repos ──
  upsertRepo(repo: RepoFacts, at?: number): void {
    upsertRepo(this.db, repo, at);
  }
  setReleaseFacts(repoId: string, facts: AptReleaseFacts): void {
    setReleaseFacts(this.db, repoId, facts);
  }
  releaseFacts(): Map<string, AptReleaseFacts> {
    return releaseFacts(this.db);
  }
  repos(): RepoFacts[] {
    return listRepos(this.db);
  }
  recordRepoEvent(event: RepoEvent): void {
    recordRepoEvent(this.db, event);
  }
  repoEvents(filter?: RepoEventFilter): RepoEvent[] {
    return repoEvents(this.db, filter);
  }

  // ── writing a crawl ──
  /** A no-op: on SQLite the crawl lock file (lock.ts) keeps whole crawls apart. */
  lockRepo(_repoId: string): Promise<() => void> {
    return Promise.resolve(() => {});
  }
  beginRepoUpdate(meta: SnapshotMeta, batchSize?: number): RepoUpdate {
    return new RepoUpdate(this.db, meta, batchSize);
  }
  withRepoUpdate(meta: SnapshotMeta, fill: (update: RepoUpdate) => Promise<void> | void): Promise<CommitResult> {
    return fillRepoUpdate(new RepoUpdate(this.db, meta), fill);
  }
  recordUnchanged(repoId: string, indexChecksum: string, checkedAt: number): boolean {
    return recordUnchanged(this.db, repoId, indexChecksum, checkedAt);
  }

  // ── reading ──
  currentVersions(repoIds?: readonly string[], names?: readonly string[]): StoredVersion[] {
    return currentVersions(this.db, repoIds, names);
  }
  currentVersionParts(repoId: string, names?: readonly string[]): IterableIterator<VersionPartsRow> {
    return currentVersionParts(this.db, repoId, names);
  }
  hasCurrentVersions(scope: VersionScope): boolean {
    return hasCurrentVersions(this.db, scope);
  }
  namesGoingBack(older: VersionScope, newer: VersionScope): string[] {
    return namesGoingBack(this.db, older, newer);
  }
  namesWithSeveralVendors(vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[] {
    return namesWithSeveralVendors(this.db, vendorOfRepo, headers);
  }
  namesWithLowerLaterVersions(repoIds: readonly string[]): string[] {
    return namesWithLowerLaterVersions(this.db, repoIds);
  }
  rollbackCandidates(keyedRepoIds: readonly string[], unkeyedRepoIds: readonly string[]): VersionInterval[] {
    return rollbackCandidates(this.db, keyedRepoIds, unkeyedRepoIds);
  }
  namesIn(repoIds: readonly string[]): string[] {
    return namesIn(this.db, repoIds);
  }
  versionHistory(repoIds?: readonly string[], names?: readonly string[]): VersionInterval[] {
    return versionHistory(this.db, repoIds, names);
  }
  snapshots(repoId?: string): Snapshot[] {
    return snapshots(this.db, repoId);
  }
  latestSnapshot(repoId: string): Snapshot | null {
    return latestSnapshot(this.db, repoId);
  }
  snapshotsFetchedAfter(repoIds: readonly string[], after: number): number {
    return snapshotsFetchedAfter(this.db, repoIds, after);
  }
  /** rpm repos: obsoletes, install-only provides and modules of each repo's current snapshot. */
  dnfFacts(repoIds: readonly string[]): Map<string, DnfRepoFacts> {
    return dnfFacts(this.db, repoIds);
  }
  debRelations(repoIds: readonly string[], names: readonly string[]): StoredDebRelations[] {
    return debRelations(this.db, repoIds, names);
  }

  // ── winners ──
  recordWinners(profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
    return recordWinners(this.db, profile, winners, at, names);
  }
  winnerInputs(profile: string): WinnerInputs | null {
    return winnerInputs(this.db, profile);
  }
  setWinnerInputs(profile: string, fingerprint: string, at: number): void {
    setWinnerInputs(this.db, profile, fingerprint, at);
  }
  copyWinners(from: string, to: string, at: number): WinnerChanges {
    return copyWinners(this.db, from, to, at);
  }
  contestedNames(scope: VersionScope): string[] {
    return contestedNames(this.db, scope);
  }
  recordSoleVersionWinners(profile: string, sole: SoleVersionWinners, contested: readonly Winner[], at: number): WinnerChanges {
    return recordSoleVersionWinners(this.db, profile, sole, contested, at);
  }
  winnerHistory(profile?: string, names?: readonly string[]): WinnerInterval[] {
    return winnerHistory(this.db, profile, names);
  }
  currentWinners(profile: string): WinnerInterval[] {
    return currentWinners(this.db, profile);
  }
  winnerHolders(profiles: readonly string[], minIntervals: number): WinnerHolder[] {
    return winnerHolders(this.db, profiles, minIntervals);
  }

  // ── repo identity ──
  hasRepo(id: string): boolean {
    return hasRepo(this.db, id);
  }
  /** Move repo `from`'s whole history to id `to` (which must not exist yet). */
  renameRepo(from: string, to: string): boolean {
    return renameRepo(this.db, from, to);
  }

  // ── host audit state ──
  previousHostState(host: string): Map<string, boolean> | null {
    return previousHostState(this.db, host);
  }
  saveHostState(host: string, packages: readonly HostPackageState[], at: number): void {
    saveHostState(this.db, host, packages, at);
  }

  // ── fleet ──
  saveFleetReport(record: FleetHostRecord): void {
    fleet.saveFleetReport(this.db, record);
  }
  fleetHosts(): FleetHostSummary[] {
    return fleet.fleetHosts(this.db);
  }
  fleetRisks(): FleetHostRisk[] {
    return fleet.fleetRisks(this.db);
  }
  fleetPackages(host: string): FleetInstalledPackage[] {
    return fleet.fleetPackages(this.db, host);
  }

  // ── upstream release feeds ──
  recordFeedReleases(feed: string, releases: readonly FeedReleaseInput[], projectUrls: readonly string[], at: number): { added: number } {
    return recordFeedReleases(this.db, feed, releases, projectUrls, at);
  }
  recordFeedCheck(feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void {
    recordFeedCheck(this.db, feed, status, message, at);
  }
  /** The lag analysis's separate input: stored releases by feed. */
  feedReleases(feeds?: readonly string[]): Map<string, StoredFeedRelease[]> {
    return feedReleases(this.db, feeds);
  }
  feedChecks(): Map<string, FeedCheck> {
    return feedChecks(this.db);
  }
  /** Name, source name and URL of the current packages of `repoIds`, for the upstream mapping. */
  mappingFacts(repoIds: readonly string[]): MappingFact[] {
    return mappingFacts(this.db, repoIds);
  }

  // ── reports ──
  saveReport(week: string, findings: unknown, createdAt?: number): number {
    return saveReport(this.db, week, findings, createdAt);
  }
  reports(week?: string): StoredReport[] {
    return listReports(this.db, week);
  }
  latestReport(beforeWeek?: string): StoredReport | null {
    return latestReport(this.db, beforeWeek);
  }
}
