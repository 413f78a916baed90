/**
 * `repoclash host`'s result: per installed package, what the next `dnf upgrade` / `apt upgrade`
 * (and `dnf distro-sync` / `apt full-upgrade`) would do to it, with a fix for each risk. Plain
 * JSON: the `--format json` output is this object.
 */

/**
 * What a command would do to one installed package.
 * - upgrade: a newer version from the same vendor (fine);
 * - vendor-change: a newer version from another vendor;
 * - downgrade: a lower version (dnf distro-sync across priorities, apt pins ≥ 1000);
 * - stranded: no enabled repo carries the name any more, or every repo carries only lower
 *   versions than the installed one (it will never be updated);
 * - blocked: repos carry it but every version is excluded (excludepkgs, negative pins);
 * - kept-back: apt-get upgrade would move it, but the new version needs a package that is not
 *   installed, or conflicts with / breaks one that stays (upgrade installs and removes nothing):
 *   apt prints it under "The following packages have been kept back";
 * - none: already the version the package manager wants.
 */
export type HostAction = 'upgrade' | 'vendor-change' | 'downgrade' | 'kept-back' | 'stranded' | 'blocked' | 'none';
export const HOST_ACTIONS: readonly HostAction[] = ['vendor-change', 'downgrade', 'kept-back', 'stranded', 'blocked', 'upgrade', 'none'];

/** What `--fail-on` may name: actions, and names with a clash or ping-pong history. */
export type HostRiskKind = Exclude<HostAction, 'none'> | 'clash' | 'pingpong';
export const HOST_RISK_KINDS: readonly HostRiskKind[] = ['vendor-change', 'downgrade', 'kept-back', 'stranded', 'blocked', 'upgrade', 'clash', 'pingpong'];
/**
 * Stranded and blocked packages are listed but do not fail a run by default: a local build is
 * stranded every day, and a cron job that always fails gets ignored. A package that *became*
 * stranded since the last run on this host always counts (see HostRisk.becameStranded).
 */
export const DEFAULT_FAIL_ON: readonly HostRiskKind[] = ['vendor-change', 'downgrade'];

export interface HostSide {
  /** rpm: the package header's Vendor (what dnf compares); deb: the repo's vendor. */
  vendor: string;
  /** Repo id; null when no enabled repo carries the version (installed from elsewhere). */
  repo: string | null;
}

export interface HostTarget {
  vendor: string;
  repo: string;
  evr: string;
  /** dnf: the package that replaces the installed one through its Obsoletes:, when another name. */
  name?: string;
}

/** A ready-to-paste change to the host's configuration (or, kind advice, what to do by hand). */
export interface HostFix {
  kind: 'dnf-excludepkgs' | 'dnf-priority' | 'apt-preferences' | 'advice';
  /** The file to edit or create; null for advice without one. */
  file: string | null;
  /** dnf: the `[section]` the line belongs in. */
  section: string | null;
  /** The text to paste (a line, or an apt preferences stanza); for advice, the advice. */
  text: string;
  /** One line: what the change does. */
  summary: string;
  /** True when re-resolving with the change applied removes the risk. */
  verified: boolean;
}

export interface HostHistory {
  clash?: { severity: string; title: string };
  pingpong?: { severity: string; title: string };
}

export interface HostRisk {
  name: string;
  arch: string;
  /** The installed version (rpm: epoch shown when non-zero; deb: dpkg's Version). */
  installed: string;
  /** `dnf upgrade` / `apt-get upgrade`. */
  action: HostAction;
  /** `dnf distro-sync` / `apt-get full-upgrade`. */
  syncAction: HostAction;
  from: HostSide;
  /** Where `action` moves it (null: it stays). */
  to: HostTarget | null;
  /** Where `syncAction` moves it (null: it stays). */
  syncTo: HostTarget | null;
  /** Why, in the resolver's words, plus what stranded/blocked means here. */
  reason: string;
  history: HostHistory;
  /**
   * Stranded now, but not at the last `host` run on this host (its repo vanished or rolled back):
   * news, so it counts as risky whatever --fail-on says. False on a host's first run.
   */
  becameStranded: boolean;
  /** Counts under --fail-on (or became stranded). */
  risky: boolean;
  /** dnf install-only package (kernel…): an upgrade installs the new version beside the old ones. */
  installOnly?: boolean;
  /**
   * action `kept-back` (apt): the move apt-get upgrade would make were the new version's
   * Depends / Conflicts / Breaks met, where to, and why they are not.
   */
  keptBack?: { wouldBe: HostAction; to: HostTarget; because: string };
  /** Best first; empty for same-vendor upgrades. */
  fixes: HostFix[];
}

export interface HostRepoState {
  repoId: string;
  missing: boolean;
  lastFailure: string | null;
}

export const HOST_SCHEMA_VERSION = 1;

export interface HostReport {
  schemaVersion: typeof HOST_SCHEMA_VERSION;
  generatedAt: string;
  /** Package manager whose rules were applied. */
  manager: 'dnf' | 'apt';
  /** "dnf upgrade" / "apt-get upgrade" and the sync command's name. */
  commands: { upgrade: string; sync: string };
  /** Where the installed list came from. */
  installedSource: string;
  installedCount: number;
  repoCount: number;
  failOn: HostRiskKind[];
  /** Per action, how many installed packages `upgrade` would treat that way. */
  counts: Record<HostAction, number>;
  /** The same for the sync command. */
  syncCounts: Record<HostAction, number>;
  riskyCount: number;
  /** Every package whose upgrade or sync action is not `none`, or that has a clash/ping-pong history. */
  packages: HostRisk[];
  /**
   * The risky packages' excludepkgs fixes merged per .repo section (one line per section to
   * paste; the per-package lines would overwrite each other).
   */
  combinedFixes: HostFix[];
  /** Repos with no data or a failed last check: the prediction may be incomplete. */
  partialData: HostRepoState[];
  /**
   * repos.yaml repos left out because their location needs a host variable this host (or --root)
   * lacks, e.g. `$debian_mirror` on an RPM host. Not an error: the host's own repos are audited.
   */
  skippedRepos: HostSkippedRepo[];
  /** One line per note (the skipped repos summed up in one). */
  notes: string[];
  /**
   * What this run's crawl had to say, per repo (`repo grafana: imported key … from …`, a stale
   * mirror skipped): about this run, not the host, so kept apart from `notes`.
   */
  crawlNotes: string[];
  warnings: string[];
}

export interface HostSkippedRepo {
  id: string;
  /** Without `$`: `debian_mirror`. */
  variable: string;
  file: string;
  line: number | null;
}
