/**
 * `repoclash fleet`'s result: the fleet as the store holds it — every reported host, per risky
 * package the hosts whose next upgrade would change its vendor or downgrade it, the hosts not
 * reported for a while, and the hosts whose repo set differs from their group's. Plain JSON: the
 * `--format json` output is this object (its fields are a contract other tools code against).
 * A leaf module of constants and types: the command's registration imports it at start-up.
 */
import type { PackageFormat } from '../formats/types.js';
import type { FleetRiskKind } from '../store/index.js';

export type { FleetRiskKind };

/** What `--fail-on` may name. */
export type FleetFailOnKind = FleetRiskKind | 'stale' | 'repo-drift';
export const FLEET_FAIL_ON_KINDS: readonly FleetFailOnKind[] = ['vendor-change', 'downgrade', 'stale', 'repo-drift'];
/** As `host`: what would change a package's vendor or version backwards fails; the rest is listed. */
export const DEFAULT_FLEET_FAIL_ON: readonly FleetFailOnKind[] = ['vendor-change', 'downgrade'];
export const DEFAULT_STALE_DAYS = 7;

export interface FleetHostView {
  host: string;
  group: string;
  format: PackageFormat;
  /** ISO time of the host's last report. */
  reportedAt: string;
  stale: boolean;
  /** Installed packages at that report. */
  installed: number;
  /** Labels of the host's enabled repos, sorted. */
  repos: string[];
}

export interface FleetRiskHost {
  host: string;
  arch: string;
  installed: { evr: string; vendor: string; repo: string | null };
  target: { evr: string; vendor: string; repo: string };
}

export interface FleetRiskGroup {
  name: string;
  kind: FleetRiskKind;
  /** Sorted by host. */
  hosts: FleetRiskHost[];
}

export interface FleetStaleHost {
  host: string;
  reportedAt: string;
  /** Whole days since the report. */
  days: number;
}

export interface FleetRepoDrift {
  host: string;
  group: string;
  /** Repos most of the group has and this host lacks. */
  missing: string[];
  /** Repos this host has and most of the group lacks. */
  extra: string[];
}

export interface FleetReport {
  generatedAt: string;
  staleDays: number;
  hosts: FleetHostView[];
  /** Sorted by name, then kind. */
  risks: FleetRiskGroup[];
  stale: FleetStaleHost[];
  repoDrift: FleetRepoDrift[];
}
