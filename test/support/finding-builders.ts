/** Hand-made findings and audit results for the pure weekly-report tests. */
import { AUDIT_SCHEMA_VERSION, type AuditResult } from '../../src/analysis/audit.js';
import { findingKey, FINDING_KINDS, type ClashFinding, type Finding, type LagFinding, type PingPongFinding } from '../../src/analysis/findings.js';
import type { FindingKind, Severity } from '../../src/analysis/types.js';

export function clash(name: string, severity: Severity = 'warning', profile = 'f40'): ClashFinding {
  return {
    kind: 'clash',
    severity,
    key: findingKey.clash(profile, name),
    name,
    title: `${name} is shipped by Fedora Project and Grafana Labs`,
    scope: profile,
    profile,
    vendors: [
      { vendor: 'Fedora Project', repos: ['fedora'], newest: { repoId: 'fedora', vendor: 'Fedora Project', evr: '9.0-1', arch: 'x86_64' }, versionCount: 1, earliestBuildTime: null, earliestFirstSeen: 0 },
      { vendor: 'Grafana Labs', repos: ['grafana'], newest: { repoId: 'grafana', vendor: 'Grafana Labs', evr: '10.0-1', arch: 'x86_64' }, versionCount: 1, earliestBuildTime: null, earliestFirstSeen: 0 },
    ],
    firstComer: null,
    firstComerEvidence: 'firstSeen',
    software: { verdict: 'same', evidence: [] },
    winner: null,
    winnerIsFirstComer: null,
    interleaved: false,
    alsoIn: [],
  };
}

export function lag(name: string, daysBehind: number, gap: LagFinding['gap'] = 'minor', profile = 'f40'): LagFinding {
  return {
    kind: 'lag',
    severity: 'info',
    key: findingKey.lag(profile, name),
    name,
    title: `${name} is behind upstream`,
    scope: profile,
    profile,
    distro: { repoId: 'fedora', evr: '1.0-1', upstreamVersion: '1.0' },
    upstream: { repoId: 'vendor', name, evr: '1.2-1', upstreamVersion: '1.2' },
    gap,
    newerReleases: 2,
    behindSince: 0,
    behindSinceEvidence: 'firstSeen',
    daysBehind,
    distroMajor: 1,
    abandonedSeries: false,
  };
}

export function predictedPingPong(name: string, leadChanges: number, profile = 'f40'): PingPongFinding {
  const vendors = ['Fedora Project', 'Grafana Labs'];
  return {
    kind: 'pingpong',
    severity: 'warning',
    key: findingKey.pingpong(profile, name),
    name,
    title: `${name}: the lead changed hands ${leadChanges} times`,
    scope: profile,
    profile,
    observed: null,
    predicted: {
      evidence: 'buildTime',
      leadChanges,
      leads: Array.from({ length: leadChanges + 1 }, (_, i) => ({ at: i * 86_400_000, vendor: vendors[i % 2]!, evr: `${i + 1}.0-1` })),
    },
  };
}

export function auditOf(findings: Finding[], profiles = ['f40']): AuditResult {
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, findings.filter((f) => f.kind === k).length])) as Record<FindingKind, number>;
  return {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    generatedAt: '2026-03-02T00:00:00.000Z',
    profiles,
    upgradePaths: [],
    kinds: [...FINDING_KINDS],
    counts: {
      total: findings.length,
      byKind,
      bySeverity: { info: findings.filter((f) => f.severity === 'info').length, warning: findings.filter((f) => f.severity === 'warning').length, error: findings.filter((f) => f.severity === 'error').length },
    },
    findings,
  };
}
