/**
 * The store as every caller sees it, whichever database is behind it (SQLite by default; see
 * ./sqlite-store.ts). Plain data in and out (./types.ts): no SQL, no connection object.
 *
 * Synchronous on purpose: the crawler, the analysis adapters and every test read and write it
 * without awaiting, and the embedded SQLite store answers in microseconds. Only the repo update's
 * `fill` is async, because it consumes the crawler's stream.
 */
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
  HeaderVendorScreen,
  HostPackageState,
  MappingFact,
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
  VersionRecord,
  Winner,
  WinnerChanges,
  WinnerInputs,
  WinnerHolder,
  WinnerInterval,
} from './types.js';

/**
 * One repo's pending update. Feed it with add()/addMany() from any async loop, then commit() or
 * abort(). Nothing is visible to readers, and nothing of the repo's stored data changes, until
 * commit() returns.
 */
export interface RepoUpdater {
  readonly meta: Readonly<SnapshotMeta>;
  /** Records added so far (duplicates included): the snapshot's package count. */
  readonly recordCount: number;
  add(record: VersionRecord): void;
  addMany(records: Iterable<VersionRecord>): void;
  /** rpm repos: the dnf facts of this index, written with its snapshot. */
  setDnfFacts(facts: DnfRepoFacts): void;
  /** Hand the buffered records to the database (staging); nothing becomes visible yet. */
  flush(): void;
  /** Make the new snapshot visible, all or nothing. */
  commit(): CommitResult;
  /** Drop everything staged. Safe to call more than once and after a failed commit. */
  abort(): void;
}

export interface Store {
  /** Where the store is (a file path, or a URL without its password): what messages name. */
  readonly path: string;
  close(): void;

  // ── repos ──
  upsertRepo(repo: RepoFacts, at?: number): void;
  /** deb repos: what apt's pinning matches on, from the last verified Release. */
  setReleaseFacts(repoId: string, facts: AptReleaseFacts): void;
  releaseFacts(): Map<string, AptReleaseFacts>;
  repos(): RepoFacts[];
  recordRepoEvent(event: RepoEvent): void;
  repoEvents(filter?: RepoEventFilter): RepoEvent[];

  // ── writing a crawl ──
  /**
   * Hold repo `repoId` for one crawl of it; call the result to let go. Crawlers sharing a store
   * (PostgreSQL, many hosts) take turns per repo, the later one finding what the earlier stored;
   * on SQLite the crawl lock file already keeps whole crawls apart and this is a no-op.
   */
  lockRepo(repoId: string): Promise<() => void>;
  beginRepoUpdate(meta: SnapshotMeta, batchSize?: number): RepoUpdater;
  /** Stream records into a new update with `fill`; commit on success, abort on any throw. */
  withRepoUpdate(meta: SnapshotMeta, fill: (update: RepoUpdater) => Promise<void> | void): Promise<CommitResult>;
  /**
   * An index the crawler knows is unchanged: extend the current snapshot's check. False, changing
   * nothing, when there is no snapshot or its checksum differs.
   */
  recordUnchanged(repoId: string, indexChecksum: string, checkedAt: number): boolean;

  // ── reading ──
  currentVersions(repoIds?: readonly string[], names?: readonly string[]): StoredVersion[];
  /** One repo's current versions (of `names`, when given) as bare tuples, in currentVersions() order, streamed. */
  currentVersionParts(repoId: string, names?: readonly string[]): IterableIterator<VersionPartsRow>;
  /** Whether the scope holds any current version. */
  hasCurrentVersions(scope: VersionScope): boolean;
  /** Names whose best version (by sort key) goes back, or that vanish, from `older` to `newer` (both of one format). */
  namesGoingBack(older: VersionScope, newer: VersionScope): string[];
  /**
   * Names that two or more vendors ship or shipped (`vendorOfRepo`: repo id → its vendor's key;
   * `headers`: the repos whose versions count by their header vendor). A superset of the names
   * that can clash or ping-pong: the analysis decides.
   */
  namesWithSeveralVendors(vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[];
  /**
   * Names of which a version vanished from one of the repos while a lower one (by sort key) stayed
   * or came later there: the only names whose best version in a repo can have gone back.
   */
  namesWithLowerLaterVersions(repoIds: readonly string[]): string[];
  /**
   * Light intervals (repo, name, arch, EVR parts, first/last seen; no text, no build time) of every
   * (repo, name) whose best version may have gone back: in `keyedRepoIds` the pairs of
   * namesWithLowerLaterVersions, in `unkeyedRepoIds` every name with a version gone. Ordered as
   * versionHistory().
   */
  rollbackCandidates(keyedRepoIds: readonly string[], unkeyedRepoIds: readonly string[]): VersionInterval[];
  namesIn(repoIds: readonly string[]): string[];
  versionHistory(repoIds?: readonly string[], names?: readonly string[]): VersionInterval[];
  snapshots(repoId?: string): Snapshot[];
  latestSnapshot(repoId: string): Snapshot | null;
  snapshotsFetchedAfter(repoIds: readonly string[], after: number): number;
  /** rpm repos: obsoletes, install-only provides and modules of each repo's current snapshot. */
  dnfFacts(repoIds: readonly string[]): Map<string, DnfRepoFacts>;
  /**
   * deb repos: the current versions of `names` with their Depends, Pre-Depends, Conflicts, Breaks
   * and Provides (fields null for a version stored before repoclash kept them).
   */
  debRelations(repoIds: readonly string[], names: readonly string[]): StoredDebRelations[];

  // ── winners ──
  recordWinners(profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges;
  /**
   * Record in profile `to`, at `at`, exactly the winners profile `from` holds now (what
   * recordWinners(to, currentWinners(from), at) records): for a profile whose inputs resolve as
   * another's, e.g. a host's `system` profile beside the profile of the release it runs.
   */
  copyWinners(from: string, to: string, at: number): WinnerChanges;
  /**
   * Names of which `scope` holds more than one current version, in name order: the names whose
   * winner needs the resolver (see recordSoleVersionWinners).
   */
  contestedNames(scope: VersionScope): string[];
  /**
   * Record a profile's full set of winners (what recordWinners(profile, all, at) records): for the
   * names of which `sole.scope` holds exactly one current version, that version where
   * `sole.holders` lists its repo and arch (none otherwise); for every other name, the given
   * `contested` winners, which must all be names contestedNames(sole.scope) lists. A profile's first
   * recording is written inside the database (~60,000 rows for a Debian suite, none passed through
   * JavaScript); any other goes through recordWinners. One transaction.
   */
  recordSoleVersionWinners(profile: string, sole: SoleVersionWinners, contested: readonly Winner[], at: number): WinnerChanges;
  winnerInputs(profile: string): WinnerInputs | null;
  setWinnerInputs(profile: string, fingerprint: string, at: number): void;
  winnerHistory(profile?: string, names?: readonly string[]): WinnerInterval[];
  currentWinners(profile: string): WinnerInterval[];
  /**
   * Every distinct holder (repo, recorded vendor) of each name whose winner changed hands, between
   * repos or recorded vendors, in one of the profiles and has at least `minIntervals` intervals
   * there: what an observed ping-pong (A→B→A) can be about, before the config says which holders
   * are one vendor.
   */
  winnerHolders(profiles: readonly string[], minIntervals: number): WinnerHolder[];

  // ── repo identity ──
  hasRepo(id: string): boolean;
  /** Move repo `from`'s whole history to id `to` (which must not exist yet). */
  renameRepo(from: string, to: string): boolean;

  // ── host audit state ──
  /** The last run's view of `host` ("name\tarch" → stranded), or null when it never ran. */
  previousHostState(host: string): Map<string, boolean> | null;
  saveHostState(host: string, packages: readonly HostPackageState[], at: number): void;

  // ── fleet (host --report-to, fleet) ──
  /** Replace `record.host`'s fleet rows (host, installed packages, risks) with this report, all or nothing. */
  saveFleetReport(record: FleetHostRecord): void;
  /** Every reported host, by name (byte order). */
  fleetHosts(): FleetHostSummary[];
  /** Every stored risk, by package name, kind, then host. */
  fleetRisks(): FleetHostRisk[];
  /** One host's installed packages as last reported. */
  fleetPackages(host: string): FleetInstalledPackage[];

  // ── upstream release feeds ──
  recordFeedReleases(feed: string, releases: readonly FeedReleaseInput[], projectUrls: readonly string[], at: number): { added: number };
  recordFeedCheck(feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void;
  /** The lag analysis's separate input: stored releases by feed. */
  feedReleases(feeds?: readonly string[]): Map<string, StoredFeedRelease[]>;
  feedChecks(): Map<string, FeedCheck>;
  /** Name, source name and URL of the current packages of `repoIds`, for the upstream mapping. */
  mappingFacts(repoIds: readonly string[]): MappingFact[];

  // ── reports ──
  saveReport(week: string, findings: unknown, createdAt?: number): number;
  reports(week?: string): StoredReport[];
  latestReport(beforeWeek?: string): StoredReport | null;
}

/**
 * What withRepoUpdate means for any store: run `fill` on a fresh update, commit on success, abort on
 * any throw (the repo's stored data stays as it was).
 */
export async function fillRepoUpdate<U extends RepoUpdater>(update: U, fill: (update: U) => Promise<void> | void): Promise<CommitResult> {
  try {
    await fill(update);
    return update.commit();
  } catch (err) {
    update.abort();
    throw err;
  }
}
