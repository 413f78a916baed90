/**
 * The store on PostgreSQL: the SQLite Store's public methods, with the same behaviour, over one
 * synchronous connection. Opened by `openStore()` when the location is a postgres:// URL.
 *
 *   const store = PostgresStore.open({ url: 'postgres://repoclash@db.example/repoclash' });
 */
import type {
  AptReleaseFacts,
  CommitResult,
  HeaderVendorScreen,
  HostPackageState,
  MappingFact,
  DnfRepoFacts,
  StoredDebRelations,
  FeedCheck,
  FeedReleaseInput,
  FleetHostRecord,
  FleetHostRisk,
  FleetHostSummary,
  FleetInstalledPackage,
  RepoEvent,
  RepoEventFilter,
  RepoFacts,
  Snapshot,
  SnapshotMeta,
  SoleVersionWinners,
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
} from '../types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { fillRepoUpdate, type Store } from '../store.js';
import * as fleet from './fleet.js';
import { repoLockKey } from './locks.js';
import { PgConnection } from './connection.js';
import { parsePostgresUrl, type PasswordSource } from './location.js';
import { migrate, requireCurrentSchema } from './migrations.js';
import * as q from './queries.js';
import { debRelations } from './deb-relations.js';
import * as rec from './records.js';
import * as screens from './screens.js';
import { PgRepoUpdate, recordUnchanged } from './repo-update.js';

export interface OpenPostgresOptions extends PasswordSource {
  url: string;
  /** Read only (audit, report): no migration, an outdated schema is an error, writes are refused by the server. */
  readonly?: boolean;
}

export class PostgresStore implements Store {
  private constructor(
    /** The connection, for the crawl lock and tests. */
    readonly db: PgConnection,
    /** The store's URL as given (no password): what messages name. */
    readonly path: string,
  ) {}

  static open(options: OpenPostgresOptions): PostgresStore {
    const location = parsePostgresUrl(options.url, options);
    const db = new PgConnection(location);
    try {
      if (options.readonly) {
        requireCurrentSchema(db);
        db.exec('SET default_transaction_read_only = on');
      } else {
        migrate(db);
      }
    } catch (err) {
      db.close();
      throw err;
    }
    return new PostgresStore(db, location.display);
  }

  close(): void {
    this.db.close();
  }

  // ── repos ──
  upsertRepo(repo: RepoFacts, at?: number): void {
    rec.upsertRepo(this.db, repo, at);
  }
  setReleaseFacts(repoId: string, facts: AptReleaseFacts): void {
    rec.setReleaseFacts(this.db, repoId, facts);
  }
  releaseFacts(): Map<string, AptReleaseFacts> {
    return rec.releaseFacts(this.db);
  }
  repos(): RepoFacts[] {
    return rec.listRepos(this.db);
  }
  recordRepoEvent(event: RepoEvent): void {
    rec.recordRepoEvent(this.db, event);
  }
  repoEvents(filter?: RepoEventFilter): RepoEvent[] {
    return rec.repoEvents(this.db, filter);
  }

  // ── writing a crawl ──
  /**
   * Hold repo `repoId` for one crawl of it: a session advisory lock keyed by the repo, so two
   * crawlers (any host) never fetch and write the same repo at once; the second one waits and then
   * finds the first one's snapshot (an unchanged index: only the check is recorded). The lock dies
   * with the connection, so a killed crawler leaves none behind. Polled, not blocking: the
   * connection is synchronous and other repos of this crawl go on meanwhile.
   */
  async lockRepo(repoId: string, pollMs = 100): Promise<() => void> {
    const key = repoLockKey(this.db.location.schema, repoId);
    while (this.db.value<boolean>('SELECT pg_try_advisory_lock($1::bigint)', [key]) !== true) {
      await sleep(pollMs);
    }
    return () => {
      if (this.db.open) this.db.rows('SELECT pg_advisory_unlock($1::bigint)', [key]);
    };
  }
  beginRepoUpdate(meta: SnapshotMeta, batchSize?: number): PgRepoUpdate {
    return new PgRepoUpdate(this.db, meta, batchSize);
  }
  withRepoUpdate(meta: SnapshotMeta, fill: (update: PgRepoUpdate) => Promise<void> | void): Promise<CommitResult> {
    return fillRepoUpdate(new PgRepoUpdate(this.db, meta), fill);
  }
  recordUnchanged(repoId: string, indexChecksum: string, checkedAt: number): boolean {
    return recordUnchanged(this.db, repoId, indexChecksum, checkedAt);
  }

  // ── reading ──
  currentVersions(repoIds?: readonly string[], names?: readonly string[]): StoredVersion[] {
    return q.currentVersions(this.db, repoIds, names);
  }
  currentVersionParts(repoId: string, names?: readonly string[]): IterableIterator<VersionPartsRow> {
    return q.currentVersionParts(this.db, repoId, names);
  }
  hasCurrentVersions(scope: VersionScope): boolean {
    return q.hasCurrentVersions(this.db, scope);
  }
  namesGoingBack(older: VersionScope, newer: VersionScope): string[] {
    return q.namesGoingBack(this.db, older, newer);
  }
  namesWithSeveralVendors(vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[] {
    return screens.namesWithSeveralVendors(this.db, vendorOfRepo, headers);
  }
  rollbackCandidates(keyedRepoIds: readonly string[], unkeyedRepoIds: readonly string[]): VersionInterval[] {
    return q.rollbackCandidates(this.db, keyedRepoIds, unkeyedRepoIds);
  }
  namesWithLowerLaterVersions(repoIds: readonly string[]): string[] {
    return screens.namesWithLowerLaterVersions(this.db, repoIds);
  }
  namesIn(repoIds: readonly string[]): string[] {
    return q.namesIn(this.db, repoIds);
  }
  versionHistory(repoIds?: readonly string[], names?: readonly string[]): VersionInterval[] {
    return q.versionHistory(this.db, repoIds, names);
  }
  snapshots(repoId?: string): Snapshot[] {
    return q.snapshots(this.db, repoId);
  }
  latestSnapshot(repoId: string): Snapshot | null {
    return q.latestSnapshot(this.db, repoId);
  }
  snapshotsFetchedAfter(repoIds: readonly string[], after: number): number {
    return q.snapshotsFetchedAfter(this.db, repoIds, after);
  }
  dnfFacts(repoIds: readonly string[]): Map<string, DnfRepoFacts> {
    return q.dnfFacts(this.db, repoIds);
  }
  debRelations(repoIds: readonly string[], names: readonly string[]): StoredDebRelations[] {
    return debRelations(this.db, repoIds, names);
  }

  // ── winners ──
  recordWinners(profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
    return rec.recordWinners(this.db, profile, winners, at, names);
  }
  winnerInputs(profile: string): WinnerInputs | null {
    return rec.winnerInputs(this.db, profile);
  }
  setWinnerInputs(profile: string, fingerprint: string, at: number): void {
    rec.setWinnerInputs(this.db, profile, fingerprint, at);
  }
  copyWinners(from: string, to: string, at: number): WinnerChanges {
    return rec.copyWinners(this.db, from, to, at);
  }
  contestedNames(scope: VersionScope): string[] {
    return q.contestedNames(this.db, scope);
  }
  recordSoleVersionWinners(profile: string, sole: SoleVersionWinners, contested: readonly Winner[], at: number): WinnerChanges {
    return rec.recordSoleVersionWinners(this.db, profile, sole, contested, at);
  }
  winnerHistory(profile?: string, names?: readonly string[]): WinnerInterval[] {
    return rec.winnerHistory(this.db, profile, names);
  }
  currentWinners(profile: string): WinnerInterval[] {
    return rec.currentWinners(this.db, profile);
  }
  winnerHolders(profiles: readonly string[], minIntervals: number): WinnerHolder[] {
    return screens.winnerHolders(this.db, profiles, minIntervals);
  }

  // ── repo identity ──
  hasRepo(id: string): boolean {
    return rec.hasRepo(this.db, id);
  }
  renameRepo(from: string, to: string): boolean {
    return rec.renameRepo(this.db, from, to);
  }

  // ── host audit state ──
  previousHostState(host: string): Map<string, boolean> | null {
    return rec.previousHostState(this.db, host);
  }
  saveHostState(host: string, packages: readonly HostPackageState[], at: number): void {
    rec.saveHostState(this.db, host, packages, at);
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
    return rec.recordFeedReleases(this.db, feed, releases, projectUrls, at);
  }
  recordFeedCheck(feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void {
    rec.recordFeedCheck(this.db, feed, status, message, at);
  }
  feedReleases(feeds?: readonly string[]): Map<string, StoredFeedRelease[]> {
    return rec.feedReleases(this.db, feeds);
  }
  feedChecks(): Map<string, FeedCheck> {
    return rec.feedChecks(this.db);
  }
  mappingFacts(repoIds: readonly string[]): MappingFact[] {
    return q.mappingFacts(this.db, repoIds);
  }

  // ── reports ──
  saveReport(week: string, findings: unknown, createdAt?: number): number {
    return rec.saveReport(this.db, week, findings, createdAt);
  }
  reports(week?: string): StoredReport[] {
    return rec.listReports(this.db, week);
  }
  latestReport(beforeWeek?: string): StoredReport | null {
    return rec.latestReport(this.db, beforeWeek);
  }
}
