/**
 * All findings (runAudit, every kind) over a generated store of ≥ 500,000 version records:
 * two Fedora-like releases (base + updates + updates-testing, 60k names each), an upstream repo
 * and a third-party repo in both profiles that overlap the distro on a few hundred names,
 * a version history with rollbacks and a winner history with ping-pong. Goal: ≤ 2 s.
 * The winners ("who wins now") are precomputed outside the timing: that is the resolver's job.
 */
import { performance } from 'node:perf_hooks';
import { runAudit, type AuditInput } from '../src/analysis/audit.js';
import { candidatesFor } from '../src/analysis/candidates.js';
import { bestByName } from '../src/analysis/order.js';
import type { Candidate } from '../src/analysis/types.js';
import type { ProfileConfig, RepoConfig, RepoRole } from '../src/config/types.js';
import type { StoredVersion, VersionInterval, WinnerInterval } from '../src/store/types.js';
import type { BenchRow } from './types.js';

const NAMES = 60_000;
const OVERLAP_UPSTREAM = 300;
const OVERLAP_THIRD_PARTY = 200;
const DAY = 86_400_000;
const NOW = Date.parse('2025-01-01T00:00:00Z');

function repo(id: string, vendor: string, role: RepoRole): RepoConfig {
  return {
    id, vendor, role, format: 'rpm', enabled: true, signingKey: null, checkValidUntil: true, definedAt: { file: 'bench' },
    baseurl: [], priority: 99, cost: 1000, excludepkgs: [], includepkgs: [], repoGpgcheck: false, moduleHotfixes: false, skipIfUnavailable: false,
  };
}

function profile(name: string, repos: string[]): ProfileConfig {
  return { name, repos, format: 'rpm', arches: ['x86_64', 'noarch'], allowVendorChange: true, vendorSticky: false, aptPreferences: [], definedAt: { file: 'bench' } };
}

function version(repoId: string, name: string, v: string, r: string, buildDay: number): StoredVersion {
  return {
    repoId, name, arch: 'x86_64', epoch: 0, version: v, release: r, evr: `${v}-${r}`, vendor: null, sourceName: name,
    url: `https://${name}.example.org/`, summary: `the ${name} program`, buildTime: Math.floor((NOW - buildDay * DAY) / 1000), firstSeen: NOW - (buildDay - 1) * DAY,
  };
}

export function generate(): Omit<AuditInput, 'winnersByProfile'> {
  const repos = [
    repo('f40', 'Fedora Project', 'distro'), repo('f40-updates', 'Fedora Project', 'distro'), repo('f40-testing', 'Fedora Project', 'distro'),
    repo('f41', 'Fedora', 'distro'), repo('f41-updates', 'Fedora', 'distro'), repo('f41-testing', 'Fedora', 'distro'),
    repo('upstream', 'Upstream Inc', 'upstream'), repo('thirdparty', 'Third Party', 'third-party'),
  ];
  const current: StoredVersion[] = [];
  const history: VersionInterval[] = [];
  for (let i = 0; i < NAMES; i++) {
    const name = `pkg${i}`;
    const major = 1 + (i % 5);
    const minor = i % 17;
    current.push(version('f40', name, `${major}.${minor}.0`, '1.fc40', 400));
    // updates keep two builds; 1 % of names get an update in f40 above anything in f41 (regressions).
    const regress = i % 100 === 0;
    current.push(version('f40-updates', name, `${major}.${minor}.1`, '1.fc40', 200));
    current.push(version('f40-updates', name, `${major}.${minor}.${regress ? 9 : 2}`, '1.fc40', 100));
    current.push(version('f40-testing', name, `${major}.${minor}.2`, '2.fc40', 50));
    current.push(version('f41', name, `${major}.${minor}.2`, '1.fc41', 300));
    current.push(version('f41-updates', name, `${major}.${minor}.3`, '1.fc41', 90));
    current.push(version('f41-updates', name, `${major}.${minor}.${regress ? 4 : 3}`, '2.fc41', 40));
    current.push(version('f41-testing', name, `${major}.${minor}.3`, '3.fc41', 20));
    // Past updates: one closed interval per name, and a stale-mirror rollback for 0.2 % of them.
    history.push({ ...version('f40-updates', name, `${major}.${minor}.0`, '2.fc40', 300), lastSeen: NOW - 250 * DAY, presentUntil: NOW - 250 * DAY });
    if (i % 500 === 0) {
      history.push({ ...version('f41-updates', name, `${major}.${minor}.2`, '9.fc41', 95), lastSeen: NOW - 60 * DAY, presentUntil: NOW - 60 * DAY });
      history.push({ ...version('f41-updates', name, `${major}.${minor}.1`, '1.fc41', 95), firstSeen: NOW - 59 * DAY, lastSeen: NOW - 58 * DAY, presentUntil: NOW - 58 * DAY });
    }
  }
  // Upstream: its own names plus the overlap, several releases each, a major ahead for some.
  for (let i = 0; i < 10_000 + OVERLAP_UPSTREAM; i++) {
    const name = i < OVERLAP_UPSTREAM ? `pkg${i * 7}` : `up${i}`;
    const major = 1 + ((i * 7) % 5) + (i % 3 === 0 ? 1 : 0);
    for (let k = 0; k < 3; k++) current.push(version('upstream', name, `${major}.${(i * 7) % 17}.${k * 2}`, '1', 380 - k * 150));
  }
  for (let i = 0; i < 10_000 + OVERLAP_THIRD_PARTY; i++) {
    const name = i < OVERLAP_THIRD_PARTY ? `pkg${i * 11 + 3}` : `tp${i}`;
    current.push(version('thirdparty', name, `${1 + ((i * 11 + 3) % 5)}.${(i * 11 + 3) % 17}.5`, '1', 120));
  }
  // Winner history: 100 names went upstream → fedora → upstream within the window.
  const winnerHistory: WinnerInterval[] = [];
  for (let i = 0; i < 100; i++) {
    const name = `pkg${i * 7}`;
    const w = (repoId: string, vendor: string, from: number, to: number | null): WinnerInterval => ({ profile: 'f41', name, repoId, vendor, evr: '1-1', from, to });
    winnerHistory.push(w('upstream', 'Upstream Inc', NOW - 80 * DAY, NOW - 50 * DAY), w('f41-updates', 'Fedora', NOW - 50 * DAY, NOW - 10 * DAY), w('upstream', 'Upstream Inc', NOW - 10 * DAY, null));
  }
  return {
    repos: new Map(repos.map((r) => [r.id, r])),
    profiles: [profile('f40', ['f40', 'f40-updates', 'f40-testing', 'upstream', 'thirdparty']), profile('f41', ['f41', 'f41-updates', 'f41-testing', 'upstream', 'thirdparty'])],
    upgradePaths: [{ name: 'fedora', profiles: ['f40', 'f41'], definedAt: { file: 'bench' } }],
    vendorEquivalences: [['Fedora Project', 'Fedora']],
    aliases: new Map(),
    current,
    history,
    winnerHistory,
    repoEvents: [],
    releases: new Map(),
    now: NOW,
  };
}

export default async function bench(): Promise<BenchRow[]> {
  const base = generate();
  const winnersByProfile = new Map<string, Map<string, Candidate>>();
  for (const p of base.profiles) winnersByProfile.set(p.name, bestByName('rpm', candidatesFor(p, base)));
  const input: AuditInput = { ...base, winnersByProfile };
  const records = base.current.length + base.history.length;

  runAudit(input); // warm-up (JIT)
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let result = runAudit(input);
  for (let run = 0; run < 5; run++) {
    // A fresh `current` array each run, so the per-array repo index is rebuilt as the CLI would.
    const fresh: AuditInput = { ...input, current: [...input.current] };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    result = runAudit(fresh);
    times.push((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const c = result.counts.byKind;
  return [
    {
      name: 'runAudit, all kinds',
      value: times[2]!,
      unit: 's',
      note: `wall, median of 5 (min ${times[0]!.toFixed(2)} s; CPU time median ${cpuTimes[2]!.toFixed(2)} s, GC threads included); ${records.toLocaleString('en')} records (${base.current.length.toLocaleString('en')} current + ${base.history.length.toLocaleString('en')} history), 2 profiles; goal ≤ 2 s`,
    },
    {
      name: 'findings',
      value: result.counts.total,
      unit: 'findings',
      note: `clash ${c.clash}, pingpong ${c.pingpong}, rollback ${c.rollback}, regression ${c.regression}, lag ${c.lag}`,
    },
  ];
}
