/**
 * The analysis's inputs and outputs: plain data in, findings out, no I/O. The CLI reads the store
 * and the config, builds these, and renders what comes back.
 */
import type { ProfileConfig, RepoConfig, RepoRole, UpgradePathConfig } from '../config/types.js';
import type { PackageFormat } from '../formats/types.js';
import type { AptReleaseFacts, DebRelationFields, DnfRepoFacts, PackageVersion, StoredFeedRelease, StoredVersion, VersionInterval, WinnerInterval, RepoEvent } from '../store/index.js';
import type { MappingOptions } from '../upstream/mapping.js';

/** The store owns it (the crawler stores it, the resolvers read it); named here for the analysis's callers. */
export type { AptReleaseFacts };

/** One installable version from one repo, with the facts of the repo that ships it. */
export interface Candidate extends StoredVersion {
  /** The repo's vendor (repos.yaml), normalised through vendor-equivalences. */
  repoVendor: string;
  /**
   * Who publishes this version as the package manager compares vendors (vendors.ts publisherOf:
   * rpm the header's Vendor, else the repo's; deb the repo's), normalised through
   * vendor-equivalences. Clashes, ping-pong and recorded winners group by it.
   */
  publisher: string;
  role: RepoRole;
  format: PackageFormat;
}

/** A package installed on a host (rpm database or dpkg status). */
export interface InstalledPackage extends PackageVersion {
  /** rpm: the package header's Vendor; deb: null. */
  vendor: string | null;
  /** Seconds since the epoch, when known. */
  installTime: number | null;
  /** deb, read from the dpkg status: the installed version's relations (absent from exported lists). */
  relations?: DebRelationFields;
  /** deb: dpkg's selection is `hold` (`apt-mark hold`), so apt-get upgrade and full-upgrade leave it. */
  held?: boolean;
}

export interface ResolveInput {
  profile: ProfileConfig;
  repos: ReadonlyMap<string, RepoConfig>;
  /** Current versions of the profile's repos. */
  candidates: readonly Candidate[];
  /** deb profiles: Release facts per repo id. */
  releases?: ReadonlyMap<string, AptReleaseFacts>;
  /** Installed packages (host audits); empty for a repo-only audit. */
  installed?: readonly InstalledPackage[];
  /** rpm profiles: each repo's dnf facts (obsoletes, provides, modules) — host audits pass them. */
  dnfFacts?: ReadonlyMap<string, DnfRepoFacts>;
}

/** `kept-back`: apt-get upgrade would move it, but the new version's relations need a package installed or removed. */
export type Action = 'install' | 'upgrade' | 'none' | 'downgrade' | 'vendor-change' | 'stranded' | 'blocked' | 'kept-back';

/** Who the package manager picks for one name (and arch) in one profile. */
export interface Resolution {
  name: string;
  arch: string;
  /** What `dnf install` / `apt-get install` would take (null: nothing installable). */
  winner: Candidate | null;
  /** Every version considered, best first, with why they rank as they do. */
  ranked: Array<{ candidate: Candidate; excluded?: string; priority?: number }>;
  /** One sentence: "priority 10 of repo fedora beats 99", "higher EVR", "pin 990 (default release)". */
  reason: string;
  /** For an installed package: what `dnf upgrade` / `apt-get upgrade` would do. */
  installed?: InstalledPackage;
  upgradeAction?: Action;
  /** What `dnf distro-sync` / `apt-get full-upgrade` would do, where it differs. */
  syncAction?: Action;
  /**
   * The version `dnf upgrade` / `apt-get upgrade` would move the installed package to (null:
   * stays). dnf: a package of another name when that one obsoletes the installed package.
   */
  upgradeTo?: Candidate | null;
  /** dnf install-only package (kernel…): an upgrade installs the new version beside the old ones. */
  installOnly?: boolean;
  /** apt: upgradeAction is `kept-back`: the move apt-get upgrade would have made, and why it does not. */
  keptBack?: { wouldBe: Action; to: Candidate; because: string };
  /** The version `dnf distro-sync` / `apt-get dist-upgrade` would move it to (null: stays). */
  syncTo?: Candidate | null;
  /**
   * apt: every version apt knows of the package (the installed one included), highest version
   * first, with its pin priority and where that priority came from — `apt-cache policy`'s table.
   */
  versionPriorities?: Array<{ evr: string; priority: number; why: string; installed: boolean }>;
}

export type Severity = 'info' | 'warning' | 'error';
export type FindingKind = 'clash' | 'pingpong' | 'rollback' | 'regression' | 'lag';

export interface FindingBase {
  kind: FindingKind;
  severity: Severity;
  /** Stable identity across runs (for new/resolved/ongoing in reports): kind + profile/path + name. */
  key: string;
  name: string;
  /** One line for humans. */
  title: string;
  /** Profile or upgrade path the finding is about; null for repo-wide events. */
  scope: string | null;
}

export interface AnalysisInput {
  repos: ReadonlyMap<string, RepoConfig>;
  profiles: readonly ProfileConfig[];
  upgradePaths: readonly UpgradePathConfig[];
  vendorEquivalences: readonly string[][];
  aliases: ReadonlyMap<string, readonly string[]>;
  current: readonly StoredVersion[];
  history: readonly VersionInterval[];
  winnerHistory: readonly WinnerInterval[];
  repoEvents: readonly RepoEvent[];
  releases: ReadonlyMap<string, AptReleaseFacts>;
  /** ms since the epoch: "now" for days-behind and windows. */
  now: number;
  /** Stored upstream release feeds by feed key (the lag analysis's own store query); none: no feed lag. */
  upstreamFeeds?: ReadonlyMap<string, readonly StoredFeedRelease[]>;
  /** How distro names map to feeds (repos.yaml `upstreams:` and Anitya's distribution). */
  upstreamMapping?: MappingOptions;
  /** Compare against upstream pre-releases too (default: never behind a beta). */
  includePrereleases?: boolean;
}
