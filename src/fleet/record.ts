/**
 * What `host --report-to` stores of one host: its own host report's verdicts, not a second
 * resolution — so `fleet` names a host under a risk exactly when that host's report did.
 */
import type { InstalledPackage } from '../analysis/types.js';
import type { OsRelease } from '../config/os-release.js';
import type { PackageFormat } from '../formats/types.js';
import type { HostReport } from '../host/types.js';
import type { FleetHostRecord, FleetRisk } from '../store/index.js';
import type { FleetRiskKind } from './types.js';

const RISK_KINDS: ReadonlySet<string> = new Set<FleetRiskKind>(['vendor-change', 'downgrade']);

export interface FleetRecordInput {
  host: string;
  group: string;
  format: PackageFormat;
  reportedAt: number;
  /** The host's enabled repos, by label. */
  repos: readonly string[];
  installed: readonly InstalledPackage[];
  report: HostReport;
  /** A repo id as the host's configuration names it (its label). */
  labelOf: (repoId: string) => string;
}

export function fleetRecord(input: FleetRecordInput): FleetHostRecord {
  const risks: FleetRisk[] = [];
  for (const p of input.report.packages) {
    if (!RISK_KINDS.has(p.action) || p.to === null) continue;
    risks.push({
      name: p.name,
      arch: p.arch,
      kind: p.action as FleetRiskKind,
      installedEvr: p.installed,
      installedVendor: p.from.vendor,
      installedRepo: p.from.repo === null ? null : input.labelOf(p.from.repo),
      targetEvr: p.to.evr,
      targetVendor: p.to.vendor,
      targetRepo: input.labelOf(p.to.repo),
    });
  }
  return {
    host: input.host,
    group: input.group,
    format: input.format,
    reportedAt: input.reportedAt,
    repos: input.repos,
    installed: input.installed.map((p) => ({ name: p.name, arch: p.arch, evr: p.evr, vendor: p.vendor })),
    risks,
  };
}

/** The default group: os-release's ID-VERSION_ID ("fedora-40", "debian-12"); "unknown" without one. */
export function defaultHostGroup(osRelease: OsRelease | null): string {
  const parts = [osRelease?.id, osRelease?.versionId].filter((p): p is string => p !== undefined && p !== '');
  return parts.length > 0 ? parts.join('-') : 'unknown';
}
