/**
 * The fleet view from what hosts reported (pure: the store's rows in, the report out). Risks are
 * exactly what each host's own `host` report flagged at report time, grouped per package and kind;
 * a host is stale when its last report is more than `staleDays` old; a host drifts when its repo
 * set differs from its group's majority set — the repos more than half of the group's hosts have.
 * Everything is sorted by byte order, so two runs over one store print the same.
 */
import type { FleetHostRisk, FleetHostSummary } from '../store/index.js';
import type { FleetFailOnKind, FleetHostView, FleetRepoDrift, FleetReport, FleetRiskGroup, FleetStaleHost } from './types.js';

const DAY_MS = 86_400_000;

export interface FleetInput {
  hosts: readonly FleetHostSummary[];
  risks: readonly FleetHostRisk[];
  /** ms since the epoch. */
  now: number;
  staleDays: number;
}

const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildFleetReport(input: FleetInput): FleetReport {
  const hosts = [...input.hosts].sort((a, b) => byBytes(a.host, b.host));
  const stale = staleHosts(hosts, input.now, input.staleDays);
  const staleNames = new Set(stale.map((s) => s.host));
  return {
    generatedAt: new Date(input.now).toISOString(),
    staleDays: input.staleDays,
    hosts: hosts.map((h): FleetHostView => ({
      host: h.host,
      group: h.group,
      format: h.format,
      reportedAt: new Date(h.reportedAt).toISOString(),
      stale: staleNames.has(h.host),
      installed: h.installedCount,
      repos: [...h.repos].sort(byBytes),
    })),
    risks: riskGroups(input.risks),
    stale,
    repoDrift: repoDrift(hosts),
  };
}

/** Per (package, kind), the hosts with that risk, by host then arch. */
export function riskGroups(risks: readonly FleetHostRisk[]): FleetRiskGroup[] {
  const groups = new Map<string, FleetRiskGroup>();
  for (const r of risks) {
    const key = `${r.name}\t${r.kind}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { name: r.name, kind: r.kind, hosts: [] }));
    group.hosts.push({
      host: r.host,
      arch: r.arch,
      installed: { evr: r.installedEvr, vendor: r.installedVendor, repo: r.installedRepo },
      target: { evr: r.targetEvr, vendor: r.targetVendor, repo: r.targetRepo },
    });
  }
  for (const g of groups.values()) g.hosts.sort((a, b) => byBytes(a.host, b.host) || byBytes(a.arch, b.arch) || byBytes(a.installed.evr, b.installed.evr));
  return [...groups.values()].sort((a, b) => byBytes(a.name, b.name) || byBytes(a.kind, b.kind));
}

/** Hosts whose last report is more than `staleDays` days before `now`, the oldest first. */
export function staleHosts(hosts: readonly FleetHostSummary[], now: number, staleDays: number): FleetStaleHost[] {
  return hosts
    .filter((h) => now - h.reportedAt > staleDays * DAY_MS)
    .sort((a, b) => a.reportedAt - b.reportedAt || byBytes(a.host, b.host))
    .map((h) => ({ host: h.host, reportedAt: new Date(h.reportedAt).toISOString(), days: Math.floor((now - h.reportedAt) / DAY_MS) }));
}

/**
 * Per group, its majority set (each repo more than half of the group's hosts have); every host
 * whose set differs, with what it lacks of that set and what it has beyond it. A group of one
 * host, or of hosts that all agree, drifts nowhere.
 */
export function repoDrift(hosts: readonly FleetHostSummary[]): FleetRepoDrift[] {
  const groups = new Map<string, FleetHostSummary[]>();
  for (const h of hosts) {
    const members = groups.get(h.group);
    if (members) members.push(h);
    else groups.set(h.group, [h]);
  }
  const drift: FleetRepoDrift[] = [];
  for (const [group, members] of groups) {
    const counts = new Map<string, number>();
    for (const h of members) for (const repo of new Set(h.repos)) counts.set(repo, (counts.get(repo) ?? 0) + 1);
    const majority = new Set([...counts].filter(([, n]) => n * 2 > members.length).map(([repo]) => repo));
    for (const h of members) {
      const own = new Set(h.repos);
      const missing = [...majority].filter((r) => !own.has(r)).sort(byBytes);
      const extra = [...own].filter((r) => !majority.has(r)).sort(byBytes);
      if (missing.length > 0 || extra.length > 0) drift.push({ host: h.host, group, missing, extra });
    }
  }
  return drift.sort((a, b) => byBytes(a.group, b.group) || byBytes(a.host, b.host));
}

/** Whether the report has anything `failOn` names: what makes `fleet` exit 1. */
export function fleetFails(report: FleetReport, failOn: readonly FleetFailOnKind[]): boolean {
  const kinds = new Set<string>(failOn);
  return (
    report.risks.some((r) => kinds.has(r.kind)) ||
    (kinds.has('stale') && report.stale.length > 0) ||
    (kinds.has('repo-drift') && report.repoDrift.length > 0)
  );
}
