/**
 * Plain-data shapes that go into and come out of the store. The analysis takes arrays of these; it
 * never sees SQL.
 *
 * Times: every time the store observes (fetchedAt, checkedAt, firstSeen, lastSeen, from/to,
 * createdAt) is milliseconds since the Unix epoch. `buildTime` keeps the formats' unit (seconds),
 * because it is copied from the package metadata as is.
 */

import type { PackageFormat } from '../formats/types.js';
import type { ModuleMetadata } from '../formats/rpm/modules.js';

export type RepoRole = 'distro' | 'upstream' | 'third-party';

/** What the analysis needs to know about a repo from repos.yaml; upserted by the crawler. */
export interface RepoFacts {
  /** The stored id: short and fixed-length, from what the repo fetches (config/repo-identity.ts storedRepoId; run/run-store.ts translates). */
  id: string;
  vendor: string;
  role: RepoRole;
  format: PackageFormat;
  /**
   * What the repo fetches (config/repo-identity.ts locationKey); null for a repo stored before
   * repos were identified by location (its id is then the config's name for it).
   */
  location?: string | null;
  /** The config's last name for it (repos.yaml id, `[section]`): what users see. */
  label?: string | null;
}

/** Which package, at which version: what a repo record and an installed package both name. */
export interface PackageVersion {
  name: string;
  arch: string;
  epoch: number;
  /** rpm version; deb upstream version (between epoch and the last `-`). */
  version: string;
  /** rpm release; deb revision ("" for a native package). */
  release: string;
  /** Full display form, e.g. "1:2.3-4.fc39" or deb "1:2.3-4". */
  evr: string;
}

/** One binary package version as both formats reduce to it. */
export interface VersionRecord extends PackageVersion {
  vendor: string | null;
  sourceName: string | null;
  url: string | null;
  summary: string | null;
  /** Seconds since the epoch, as in the package metadata. */
  buildTime: number | null;
  /** deb only: the relationship fields apt's upgrade needs, as written in Packages. */
  debRelations?: DebRelationFields;
}

/**
 * A deb version's relationship fields as its Packages stanza writes them (null: absent). Stored
 * apart from version_tracks (deb_relations, keyed by the version row's id) so audit's scans of
 * version_tracks stay narrow; parsed only where apt's rules are applied (analysis/resolve/apt-upgrade.ts).
 */
export interface DebRelationFields {
  depends: string | null;
  preDepends: string | null;
  conflicts: string | null;
  breaks: string | null;
  provides: string | null;
  /**
   * Phased-Update-Percentage below 100 (apt's phased updates; absent or null: not phased), and for
   * such a version its source version (apt draws each machine's share from the source name and
   * version; null when not phased).
   */
  phasedUpdatePercentage?: number | null;
  phasedSourceVersion?: string | null;
}

/**
 * One current deb version's relationship fields, by what names it. `fields` null: the version was
 * stored before repoclash stored relations (filled in at the repo's next changed crawl).
 */
export interface StoredDebRelations {
  repoId: string;
  name: string;
  arch: string;
  evr: string;
  /** The version's source package name (the binary's own when its stanza names none). */
  sourceName: string | null;
  fields: DebRelationFields | null;
}

/** What apt's pinning needs to know of a deb repo's Release (stored by the crawler). */
export interface AptReleaseFacts {
  origin: string | null;
  label: string | null;
  /** a= (Suite). */
  archive: string | null;
  codename: string | null;
  version: string | null;
  notAutomatic: boolean;
  butAutomaticUpgrades: boolean;
  /** Host name of the repo's URI (for `Pin: origin`); "" for file: repos. */
  host: string;
  /** Components this repo was crawled with. */
  components: string[];
}

/** What the crawler knows about a fetch before it streams the records. */
export interface SnapshotMeta {
  repoId: string;
  /** When the index was fetched (ms). Becomes first_seen of new versions. */
  fetchedAt: number;
  /** rpm repomd `<revision>`; deb Release `Date` text. Free text: compare only with care. */
  revision: string | null;
  /** rpm repomd `<timestamp>` / deb Release `Date`, as seconds since the epoch, for the rollback guard. */
  metadataTime: number | null;
  /** Checksum of the index (primary.xml / Packages, or a digest over several): equal ⇒ unchanged. */
  indexChecksum: string;
  /** The crawler's verdict, "ok" unless it accepted the fetch with a caveat (e.g. "expired"). */
  status?: string;
}

/** One stored snapshot: a successful fetch, and the last time a fetch found the same index. */
export interface Snapshot {
  id: number;
  repoId: string;
  fetchedAt: number;
  /** Last successful check that found this index (ms); equals fetchedAt until an unchanged check. */
  checkedAt: number;
  /** How many checks found this index (1 + unchanged checks). */
  checkCount: number;
  revision: string | null;
  metadataTime: number | null;
  indexChecksum: string;
  packageCount: number;
  status: string;
}

/** A version present in a repo now (as of the repo's last successful check). */
export interface StoredVersion extends VersionRecord {
  repoId: string;
  firstSeen: number;
}

/** The current versions a profile sees: those of its enabled repos, in the arches it can install. */
export interface VersionScope {
  repoIds: readonly string[];
  /** Only these arches; null for any. */
  arches: readonly string[] | null;
  /** Never these arches (source packages), whatever `arches` says. */
  excludedArches: readonly string[];
}

/**
 * rpm repos for namesWithSeveralVendors: their versions count by the package's own (header) vendor
 * when it has one — what dnf compares — and by the repo's vendor otherwise.
 */
export interface HeaderVendorScreen {
  repoIds: readonly string[];
  /** A header spelling, trimmed and lower-cased → its vendor's key, for the spellings vendor-equivalences merge; any other spelling is its own key. */
  keyOf: Readonly<Record<string, string>>;
}

/** A current version reduced to what ordering needs (currentVersionParts): no object per row. */
export type VersionPartsRow = [name: string, arch: string, epoch: number, version: string, release: string, evr: string];

/** One interval during which a version was present in a repo. */
export interface VersionInterval extends StoredVersion {
  /** Last check at which it was present; null while it still is. */
  lastSeen: number | null;
  /** lastSeen, or for a present version the repo's last successful check: the interval's end. */
  presentUntil: number;
}

/** Which repo wins a name in a profile, as computed by the analysis after a crawl. */
export interface Winner {
  name: string;
  repoId: string;
  vendor: string | null;
  evr: string;
}

/**
 * Who wins the names of which a profile's scope holds exactly one current version (apt with no
 * pin naming packages: that version wins when apt gives its repo and arch a positive priority), as
 * data the store applies in SQL instead of resolving each name in JavaScript. The rule itself is
 * apt's, decided in analysis/resolve/apt.ts (aptSoleVersionRule); the store only joins.
 */
export interface SoleVersionWinners {
  scope: VersionScope;
  /** The (repo, arch) pairs whose sole versions win, each with the vendor the winner is recorded with. */
  holders: readonly SoleVersionHolder[];
}

export interface SoleVersionHolder {
  repoId: string;
  arch: string;
  vendor: string | null;
}

/** One interval during which a winner held. Half-open: [from, to); `to` null while it still holds. */
export interface WinnerInterval extends Winner {
  profile: string;
  from: number;
  to: number | null;
}

/** One holder (repo and recorded vendor) a name's winner had in a profile (winnerHolders). */
export interface WinnerHolder {
  profile: string;
  name: string;
  repoId: string;
  vendor: string | null;
}

/** The fingerprint of the inputs the profile's winners were last recorded from. */
export interface WinnerInputs {
  fingerprint: string;
  recordedAt: number;
}

/** What recordWinners changed. */
export interface WinnerChanges {
  /** Names whose winner changed (an interval closed and a new one opened). */
  changed: number;
  /** Names that got a winner for the first time (or again after having none). */
  opened: number;
  /** Names that lost their winner (no repo of the profile ships them any more). */
  closed: number;
}

/** A check that did not produce a snapshot but should be remembered (reports, partial data). */
export type RepoEventKind = 'failure' | 'rollback';

export interface RepoEvent {
  repoId: string;
  at: number;
  kind: RepoEventKind;
  message: string;
}

/** Which events repoEvents() returns; every field narrows. */
export interface RepoEventFilter {
  repoId?: string;
  /** ms: events at or after. */
  since?: number;
  kind?: RepoEventKind;
}

/** One package's state in the last `host` run: whether it was stranded. */
export interface HostPackageState {
  name: string;
  arch: string;
  stranded: boolean;
}

/** What `host --report-to` records of one host (a re-report replaces all of it). */
export interface FleetHostRecord {
  /** --host-name: the host's name in the fleet (untrusted text: renderers sanitise it). */
  host: string;
  /** --host-group: the hosts whose repo sets are compared (default: os-release ID-VERSION_ID). */
  group: string;
  format: PackageFormat;
  /** ms since the epoch. */
  reportedAt: number;
  /** Labels of the host's enabled repos. */
  repos: readonly string[];
  installed: readonly FleetInstalledPackage[];
  risks: readonly FleetRisk[];
}

export interface FleetInstalledPackage {
  name: string;
  arch: string;
  evr: string;
  /** rpm: the header's Vendor; deb: null (the vendor is the repo's). */
  vendor: string | null;
}

/** A package the host's own report flagged: its next upgrade changes vendor or downgrades it. */
export interface FleetRisk {
  name: string;
  arch: string;
  kind: FleetRiskKind;
  installedEvr: string;
  installedVendor: string;
  /** Label of the repo carrying the installed version; null when none does. */
  installedRepo: string | null;
  targetEvr: string;
  targetVendor: string;
  /** Label of the repo the upgrade takes it from. */
  targetRepo: string;
}

export type FleetRiskKind = 'vendor-change' | 'downgrade';

/** One host as fleet reads it back: the record without its package rows. */
export interface FleetHostSummary {
  host: string;
  group: string;
  format: PackageFormat;
  reportedAt: number;
  installedCount: number;
  repos: string[];
}

/** A stored risk with the host it belongs to. */
export interface FleetHostRisk extends FleetRisk {
  host: string;
}

export interface StoredReport {
  id: number;
  /** ISO week, e.g. "2025-W07". */
  week: string;
  createdAt: number;
  /** Parsed JSON as saved; the report module owns its shape. */
  findings: unknown;
}

/** Result of committing a repo update. */
export interface CommitResult {
  snapshotId: number;
  /** True when the index checksum equalled the current snapshot's: only the check was recorded. */
  unchanged: boolean;
  packageCount: number;
  /** Version intervals opened (new or reappearing versions). */
  added: number;
  /** Version intervals closed (versions that vanished). */
  removed: number;
  /** Present versions whose metadata (vendor, url, build time…) was refreshed in place. */
  refreshed: number;
  /** Names with a version added, closed or refreshed by this commit (each once). */
  changedNames: string[];
}

/** One release of an upstream feed, as a source reported it. */
export interface FeedReleaseInput {
  version: string;
  tag: string | null;
  prerelease: boolean;
  url: string | null;
  /** ms; null when the source gives no date. */
  publishedAt: number | null;
}

export interface StoredFeedRelease extends FeedReleaseInput {
  /** Feed key, e.g. "github:prometheus/prometheus". */
  feed: string;
  firstSeen: number;
  /** The last successful check that listed it. */
  lastSeen: number;
}

/** The last check of one feed. */
export interface FeedCheck {
  feed: string;
  checkedAt: number;
  status: 'ok' | 'not-found' | 'failed';
  message: string | null;
  /** The project's homepage / repository as the source states it. */
  projectUrls: string[];
  /** Last successful check (ms), null if none. */
  lastOkAt: number | null;
}

/** A current package's naming facts, as the upstream mapping reads them. */
export interface MappingFact {
  repoId: string;
  name: string;
  sourceName: string | null;
  url: string | null;
}

/** A package of an rpm repo, as the dnf facts name it. */
export interface DnfPackageKey {
  name: string;
  arch: string;
  /** As VersionRecord.evr ("1:2.3-4.fc39"). */
  evr: string;
}

/** An rpm relation entry (`rpm:obsoletes`, `rpm:provides`): name, optional flags and EVR text. */
export interface DnfRelation {
  name: string;
  flags?: string;
  version?: string;
}

/**
 * What dnf's rules need of an rpm repo beyond its versions, read by the crawler with the snapshot
 * and kept with it: packages that obsolete others, the provides the rules read (install-only
 * provides and plain virtual names: see isKeptProvide in config/dnf-options.ts), and the repo's
 * modules.yaml.
 */
export interface DnfRepoFacts {
  obsoletes: Array<DnfPackageKey & { obsoletes: DnfRelation[] }>;
  provides: Array<DnfPackageKey & { provides: string[] }>;
  /** null: the repo publishes no modules.yaml. */
  modules: ModuleMetadata | null;
}
