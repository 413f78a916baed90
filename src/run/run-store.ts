/**
 * The store as a run sees it: repos under the run's own names for them (the repos.yaml id, the
 * `[section]` id), while the store keeps every repo under a short digest of what it fetches
 * (config/repo-identity.ts storedRepoId). Every repo id going in is translated to the stored id and
 * every one coming out back to the run's name, so the analyses, reports and messages never see a
 * stored id, and two runs whose repos of one name fetch different things never share a history.
 *
 * A stored repo the run does not configure (another host's, one dropped from repos.yaml) comes
 * out under the label the store keeps for it; when that label is one of the run's own names, as
 * `label (location)`.
 *
 * Stores written before (a repos.yaml repo under its id, a host repo under its section name or its
 * full location): opened writable, the first run that meets such a repo under its new id takes its
 * rows over, once (storeRepoIds); read-only, the old rows are read where they are.
 */
import { locationKey, storedLocation, storedRepoId } from '../config/repo-identity.js';
import type { Config, RepoConfig } from '../config/types.js';
import { RepoclashError, StoreError } from '../errors.js';
import { fillRepoUpdate } from '../store/index.js';
import type {
  RepoUpdater,
  AptReleaseFacts,
  CommitResult,
  DnfRepoFacts,
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
  Store,
  StoredDebRelations,
  StoredFeedRelease,
  StoredReport,
  StoredVersion,
  VersionInterval,
  VersionPartsRow,
  VersionScope,
  VersionRecord,
  Winner,
  WinnerChanges,
  WinnerHolder,
  WinnerInputs,
  WinnerInterval,
} from '../store/index.js';

/** The run's names for its repos and the stored ids they stand for, both ways. */
export class RepoIds {
  private readonly stored = new Map<string, string>();
  private readonly named = new Map<string, string>();
  /** Stored repos the run does not configure, by stored id: their name in this run (filled on first need). */
  private others: Map<string, string> | null = null;

  constructor(
    private readonly store: Store,
    private readonly repos: ReadonlyMap<string, RepoConfig>,
    resolved: ReadonlyMap<string, string>,
  ) {
    for (const [name, id] of resolved) {
      this.stored.set(name, id);
      this.named.set(id, name);
    }
  }

  /** The stored id of the run's repo `name` (a name the run does not know goes through as it is). */
  toStored(name: string): string {
    return this.stored.get(name) ?? this.otherStoredId(name) ?? name;
  }

  /** The run's name for stored repo `id`. */
  toName(id: string): string {
    return this.named.get(id) ?? this.otherNames().get(id) ?? id;
  }

  /**
   * Run `work`; an error of the store naming a repo by its stored id (a commit refused, a repo not
   * registered) names it as the run knows it instead, as every message of the run does.
   */
  namingErrors<T>(work: () => T): T {
    try {
      return work();
    } catch (err) {
      if (err instanceof RepoclashError && err.repo !== undefined) err.repo = this.toName(err.repo);
      throw err;
    }
  }

  /** What the store keeps beside a configured repo's id: where it fetches from and what it is called. */
  describe(name: string): Pick<RepoFacts, 'location' | 'label'> {
    const repo = this.repos.get(name);
    if (repo === undefined) return {};
    return { location: storedLocation(repo), label: repo.label ?? repo.id };
  }

  private otherStoredId(name: string): string | undefined {
    for (const [id, shown] of this.otherNames()) if (shown === name) return id;
    return undefined;
  }

  private otherNames(): Map<string, string> {
    if (this.others !== null) return this.others;
    this.others = new Map();
    for (const r of this.store.repos()) {
      const label = r.label;
      if (this.named.has(r.id) || label === undefined || label === null) continue;
      const clash = this.stored.has(label) || [...this.others.values()].includes(label);
      this.others.set(r.id, clash ? `${label} (${r.location ?? r.id})` : label);
    }
    return this.others;
  }
}

/**
 * Which stored id each of the run's repos reads and writes. Normally the digest of its location;
 * when the store has no such repo yet but has one under a name this repo had before (its full
 * location, as host repos were stored; its own name, as repos.yaml repos and host sections were) that
 * was stored before locations were kept, that one: moved to the digest when `adopt` (a writable
 * open), read where it is otherwise. A later run of another repo of that name then finds no old
 * rows and starts a history of its own.
 */
export function storeRepoIds(store: Store, repos: ReadonlyMap<string, RepoConfig>, adopt: boolean): RepoIds {
  const stored = new Map(store.repos().map((r) => [r.id, r]));
  const resolved = new Map<string, string>();
  for (const repo of repos.values()) {
    const id = storedRepoId(repo);
    resolved.set(repo.id, id);
    if (stored.has(id)) continue;
    const legacy = [locationKey(repo), repo.id].find((old) => stored.has(old) && stored.get(old)!.location === undefined);
    if (legacy === undefined) continue;
    if (!adopt) {
      resolved.set(repo.id, legacy);
      continue;
    }
    try {
      store.renameRepo(legacy, id);
    } catch (err) {
      // Another run sharing the store (PostgreSQL) adopted it first: the new id is there now.
      if (!(err instanceof StoreError) || !store.hasRepo(id)) throw err;
    }
    const { id: _old, ...facts } = stored.get(legacy)!;
    store.upsertRepo({ ...facts, id, location: storedLocation(repo), label: repo.label ?? repo.id });
    stored.delete(legacy);
  }
  return new RepoIds(store, repos, resolved);
}

/** One repo update with the run's name in its meta; the store's update underneath has the stored id. */
class NamedRepoUpdater implements RepoUpdater {
  constructor(
    readonly meta: Readonly<SnapshotMeta>,
    private readonly inner: RepoUpdater,
    private readonly ids: RepoIds,
  ) {}
  get recordCount(): number {
    return this.inner.recordCount;
  }
  add(record: VersionRecord): void {
    this.ids.namingErrors(() => this.inner.add(record));
  }
  addMany(records: Iterable<VersionRecord>): void {
    this.ids.namingErrors(() => this.inner.addMany(records));
  }
  setDnfFacts(facts: DnfRepoFacts): void {
    this.ids.namingErrors(() => this.inner.setDnfFacts(facts));
  }
  flush(): void {
    this.ids.namingErrors(() => this.inner.flush());
  }
  commit(): CommitResult {
    return this.ids.namingErrors(() => this.inner.commit());
  }
  abort(): void {
    this.ids.namingErrors(() => this.inner.abort());
  }
}

/** The Store, with repo ids translated (see the file comment); everything else passes through. */
export class RunStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly ids: RepoIds,
  ) {}

  get path(): string {
    return this.inner.path;
  }
  close(): void {
    this.inner.close();
  }

  private to(name: string): string {
    return this.ids.toStored(name);
  }
  private toAll(names: readonly string[]): string[] {
    return names.map((n) => this.ids.toStored(n));
  }
  private scope(s: VersionScope): VersionScope {
    return { ...s, repoIds: this.toAll(s.repoIds) };
  }
  /** Rows come back with stored ids: renamed in place (they are the store's fresh objects). */
  private named<T extends { repoId: string }>(rows: T[]): T[] {
    let lastId = '';
    let lastName = '';
    for (const row of rows) {
      if (row.repoId !== lastId) {
        lastId = row.repoId;
        lastName = this.ids.toName(lastId);
      }
      row.repoId = lastName;
    }
    return rows;
  }
  private namedKeys<V>(map: Map<string, V>): Map<string, V> {
    return new Map([...map].map(([id, v]) => [this.ids.toName(id), v]));
  }

  // ── repos ──
  upsertRepo(repo: RepoFacts, at?: number): void {
    this.ids.namingErrors(() => this.inner.upsertRepo({ ...repo, ...this.ids.describe(repo.id), id: this.to(repo.id) }, at));
  }
  setReleaseFacts(repoId: string, facts: AptReleaseFacts): void {
    this.ids.namingErrors(() => this.inner.setReleaseFacts(this.to(repoId), facts));
  }
  releaseFacts(): Map<string, AptReleaseFacts> {
    return this.namedKeys(this.inner.releaseFacts());
  }
  repos(): RepoFacts[] {
    return this.inner.repos().map((r) => ({ ...r, id: this.ids.toName(r.id) }));
  }
  recordRepoEvent(event: RepoEvent): void {
    this.ids.namingErrors(() => this.inner.recordRepoEvent({ ...event, repoId: this.to(event.repoId) }));
  }
  repoEvents(filter?: RepoEventFilter): RepoEvent[] {
    const stored = filter?.repoId === undefined ? filter : { ...filter, repoId: this.to(filter.repoId) };
    return this.named(this.inner.repoEvents(stored));
  }

  // ── writing a crawl ──
  lockRepo(repoId: string): Promise<() => void> {
    return this.inner.lockRepo(this.to(repoId));
  }
  beginRepoUpdate(meta: SnapshotMeta, batchSize?: number): RepoUpdater {
    const stored = this.ids.namingErrors(() => this.inner.beginRepoUpdate({ ...meta, repoId: this.to(meta.repoId) }, batchSize));
    return new NamedRepoUpdater(meta, stored, this.ids);
  }
  withRepoUpdate(meta: SnapshotMeta, fill: (update: RepoUpdater) => Promise<void> | void): Promise<CommitResult> {
    return fillRepoUpdate(this.beginRepoUpdate(meta), fill);
  }
  recordUnchanged(repoId: string, indexChecksum: string, checkedAt: number): boolean {
    return this.ids.namingErrors(() => this.inner.recordUnchanged(this.to(repoId), indexChecksum, checkedAt));
  }

  // ── reading ──
  currentVersions(repoIds?: readonly string[], names?: readonly string[]): StoredVersion[] {
    return this.named(this.inner.currentVersions(repoIds && this.toAll(repoIds), names));
  }
  currentVersionParts(repoId: string, names?: readonly string[]): IterableIterator<VersionPartsRow> {
    return this.inner.currentVersionParts(this.to(repoId), names);
  }
  hasCurrentVersions(scope: VersionScope): boolean {
    return this.inner.hasCurrentVersions(this.scope(scope));
  }
  namesGoingBack(older: VersionScope, newer: VersionScope): string[] {
    return this.inner.namesGoingBack(this.scope(older), this.scope(newer));
  }
  namesWithSeveralVendors(vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[] {
    const byStored = Object.fromEntries(Object.entries(vendorOfRepo).map(([name, vendor]) => [this.to(name), vendor]));
    return this.inner.namesWithSeveralVendors(byStored, headers && { ...headers, repoIds: this.toAll(headers.repoIds) });
  }
  namesWithLowerLaterVersions(repoIds: readonly string[]): string[] {
    return this.inner.namesWithLowerLaterVersions(this.toAll(repoIds));
  }
  rollbackCandidates(keyedRepoIds: readonly string[], unkeyedRepoIds: readonly string[]): VersionInterval[] {
    return this.named(this.inner.rollbackCandidates(this.toAll(keyedRepoIds), this.toAll(unkeyedRepoIds)));
  }
  namesIn(repoIds: readonly string[]): string[] {
    return this.inner.namesIn(this.toAll(repoIds));
  }
  versionHistory(repoIds?: readonly string[], names?: readonly string[]): VersionInterval[] {
    return this.named(this.inner.versionHistory(repoIds && this.toAll(repoIds), names));
  }
  snapshots(repoId?: string): Snapshot[] {
    return this.named(this.inner.snapshots(repoId === undefined ? undefined : this.to(repoId)));
  }
  latestSnapshot(repoId: string): Snapshot | null {
    const found = this.inner.latestSnapshot(this.to(repoId));
    return found === null ? null : { ...found, repoId };
  }
  snapshotsFetchedAfter(repoIds: readonly string[], after: number): number {
    return this.inner.snapshotsFetchedAfter(this.toAll(repoIds), after);
  }
  dnfFacts(repoIds: readonly string[]): Map<string, DnfRepoFacts> {
    return this.namedKeys(this.inner.dnfFacts(this.toAll(repoIds)));
  }
  debRelations(repoIds: readonly string[], names: readonly string[]): StoredDebRelations[] {
    return this.named(this.inner.debRelations(this.toAll(repoIds), names));
  }

  // ── winners ──
  recordWinners(profile: string, winners: readonly Winner[], at: number, names?: readonly string[]): WinnerChanges {
    return this.ids.namingErrors(() => this.inner.recordWinners(profile, winners.map((w) => ({ ...w, repoId: this.to(w.repoId) })), at, names));
  }
  copyWinners(from: string, to: string, at: number): WinnerChanges {
    return this.ids.namingErrors(() => this.inner.copyWinners(from, to, at));
  }
  contestedNames(scope: VersionScope): string[] {
    return this.inner.contestedNames(this.scope(scope));
  }
  recordSoleVersionWinners(profile: string, sole: SoleVersionWinners, contested: readonly Winner[], at: number): WinnerChanges {
    const stored = { scope: this.scope(sole.scope), holders: sole.holders.map((h) => ({ ...h, repoId: this.to(h.repoId) })) };
    return this.ids.namingErrors(() => this.inner.recordSoleVersionWinners(profile, stored, contested.map((w) => ({ ...w, repoId: this.to(w.repoId) })), at));
  }
  winnerInputs(profile: string): WinnerInputs | null {
    return this.inner.winnerInputs(profile);
  }
  setWinnerInputs(profile: string, fingerprint: string, at: number): void {
    this.inner.setWinnerInputs(profile, fingerprint, at);
  }
  winnerHistory(profile?: string, names?: readonly string[]): WinnerInterval[] {
    return this.named(this.inner.winnerHistory(profile, names));
  }
  currentWinners(profile: string): WinnerInterval[] {
    return this.named(this.inner.currentWinners(profile));
  }
  winnerHolders(profiles: readonly string[], minIntervals: number): WinnerHolder[] {
    return this.named(this.inner.winnerHolders(profiles, minIntervals));
  }

  // ── repo identity: stored ids, as they are ──
  hasRepo(id: string): boolean {
    return this.inner.hasRepo(id);
  }
  renameRepo(from: string, to: string): boolean {
    return this.inner.renameRepo(from, to);
  }

  // ── host audit state, fleet, feeds, reports: no repo ids ──
  previousHostState(host: string): Map<string, boolean> | null {
    return this.inner.previousHostState(host);
  }
  saveHostState(host: string, packages: readonly HostPackageState[], at: number): void {
    this.inner.saveHostState(host, packages, at);
  }
  saveFleetReport(record: FleetHostRecord): void {
    this.inner.saveFleetReport(record);
  }
  fleetHosts(): FleetHostSummary[] {
    return this.inner.fleetHosts();
  }
  fleetRisks(): FleetHostRisk[] {
    return this.inner.fleetRisks();
  }
  fleetPackages(host: string): FleetInstalledPackage[] {
    return this.inner.fleetPackages(host);
  }
  recordFeedReleases(feed: string, releases: readonly FeedReleaseInput[], projectUrls: readonly string[], at: number): { added: number } {
    return this.inner.recordFeedReleases(feed, releases, projectUrls, at);
  }
  recordFeedCheck(feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void {
    this.inner.recordFeedCheck(feed, status, message, at);
  }
  feedReleases(feeds?: readonly string[]): Map<string, StoredFeedRelease[]> {
    return this.inner.feedReleases(feeds);
  }
  feedChecks(): Map<string, FeedCheck> {
    return this.inner.feedChecks();
  }
  mappingFacts(repoIds: readonly string[]): MappingFact[] {
    return this.named(this.inner.mappingFacts(this.toAll(repoIds)));
  }
  saveReport(week: string, findings: unknown, createdAt?: number): number {
    return this.inner.saveReport(week, findings, createdAt);
  }
  reports(week?: string): StoredReport[] {
    return this.inner.reports(week);
  }
  latestReport(beforeWeek?: string): StoredReport | null {
    return this.inner.latestReport(beforeWeek);
  }
}

/** The run's view of an open store (see the file comment); `adopt`: a writable open takes old rows over. */
export function runStore(store: Store, config: Pick<Config, 'repos'>, adopt: boolean): RunStore {
  return new RunStore(store, storeRepoIds(store, config.repos, adopt));
}
