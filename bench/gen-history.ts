/**
 * A year of weekly crawls, simulated into a store through the store API and the crawl's own winner
 * recording (recordWinners with each commit's changed names, as `repoclash crawl` does):
 *
 * - a Fedora-scale pair (two releases of 65,000 names, each with an updates repo of 15,000 names)
 *   and a Debian suite pair (bookworm / trixie, 64,000 names, small -updates), each profile with a
 *   third-party repo overlapping 200 distro names;
 * - every week 12 % of the Fedora updates repos' names (5 % of Debian's) get a new version (the old
 *   one leaves) and a few names are added; the third parties leapfrog the distro on some names
 *   (vendor flips), and every ninth week a third-party mirror serves a two-week-old index (a rollback).
 *
 * Stores are cached under bench/.data/history/ by generator version.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordWinners } from '../src/run/winners.js';
import { parseConfig } from '../src/config/repos-yaml.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { VersionRecord } from '../src/store/types.js';
import type { PackageFormat } from '../src/formats/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// The version names the store's write path too: v3 stores are written by schema 11's commits
// (closed intervals without their text columns, the name screens kept at commit); v4 by schema 13's
// winner recording (runs of a holder with EVR steps); v5 by schema 14's commits (closed intervals
// moved to version_closed); v6 by a new store's 16 KiB pages (src/store/db.ts). Same workload as v2.
const GENERATOR = 'v6';
export const historyDir = path.join(here, '.data', 'history', GENERATOR);
const WEEK = 7 * 86_400_000;
const T0 = Date.UTC(2025, 0, 6);

interface RepoSpec {
  id: string;
  vendor: string;
  role: 'distro' | 'third-party';
  format: PackageFormat;
  /** Names pkgN for N in [from, from + count). */
  from: number;
  count: number;
  /** Share of names given a new version each week. */
  churn: number;
  /** Names added each week. */
  growth: number;
}

const REPOS: RepoSpec[] = [
  { id: 'f40', vendor: 'Fedora Project', role: 'distro', format: 'rpm', from: 0, count: 65_000, churn: 0, growth: 0 },
  { id: 'f40-updates', vendor: 'Fedora Project', role: 'distro', format: 'rpm', from: 0, count: 15_000, churn: 0.12, growth: 20 },
  { id: 'f41', vendor: 'Fedora Project', role: 'distro', format: 'rpm', from: 2_000, count: 65_000, churn: 0, growth: 0 },
  { id: 'f41-updates', vendor: 'Fedora Project', role: 'distro', format: 'rpm', from: 2_000, count: 15_000, churn: 0.12, growth: 20 },
  { id: 'vendor-rpm', vendor: 'Vendor Inc', role: 'third-party', format: 'rpm', from: 100_000, count: 2_000, churn: 0.05, growth: 0 },
  { id: 'bookworm', vendor: 'Debian', role: 'distro', format: 'deb', from: 200_000, count: 64_000, churn: 0, growth: 0 },
  { id: 'bookworm-updates', vendor: 'Debian', role: 'distro', format: 'deb', from: 200_000, count: 3_000, churn: 0.05, growth: 5 },
  { id: 'trixie', vendor: 'Debian', role: 'distro', format: 'deb', from: 201_000, count: 64_000, churn: 0, growth: 0 },
  { id: 'trixie-updates', vendor: 'Debian', role: 'distro', format: 'deb', from: 201_000, count: 3_000, churn: 0.05, growth: 5 },
  { id: 'vendor-deb', vendor: 'Vendor Inc', role: 'third-party', format: 'deb', from: 300_000, count: 2_000, churn: 0.05, growth: 0 },
];
/** Third-party names that are also distro names (clashes, flips). */
const OVERLAP = 200;

function configText(): string {
  const repos = REPOS.map((r) =>
    r.format === 'rpm'
      ? `  ${r.id}: { vendor: ${r.vendor}, role: ${r.role}, format: rpm, baseurl: "http://${r.id}.invalid/" }`
      : `  ${r.id}: { vendor: ${r.vendor}, role: ${r.role}, format: deb, uri: "http://${r.id}.invalid/", suite: ${r.id}, components: [main], architectures: [amd64] }`,
  );
  return `repos:
${repos.join('\n')}
profiles:
  f40: { repos: [f40, f40-updates, vendor-rpm], arch: x86_64 }
  f41: { repos: [f41, f41-updates, vendor-rpm], arch: x86_64 }
  bookworm: { repos: [bookworm, bookworm-updates, vendor-deb], arch: amd64 }
  trixie: { repos: [trixie, trixie-updates, vendor-deb], arch: amd64 }
upgrade-paths:
  fedora: [f40, f41]
  debian: [bookworm, trixie]
vendor-equivalences: [[Fedora Project, Fedora]]
`;
}

/** Deterministic 0..1 from two integers. */
function noise(a: number, b: number): number {
  let h = (a * 374_761_393 + b * 668_265_263) | 0;
  h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** A repo's state: per name index, its build number (the version's last part). */
class RepoState {
  readonly builds: number[];
  constructor(readonly spec: RepoSpec) {
    this.builds = new Array<number>(spec.count).fill(0);
  }
  name(i: number): string {
    // Third parties ship their own names plus OVERLAP distro names (of both releases).
    if (this.spec.role === 'third-party' && i < OVERLAP) return `pkg${(this.spec.format === 'rpm' ? 2_000 : 201_000) + i * 37}`;
    return `pkg${this.spec.from + i}`;
  }
  step(week: number): void {
    for (let i = 0; i < this.builds.length; i++) if (noise(i + this.spec.from, week) < this.spec.churn) this.builds[i]!++;
    for (let k = 0; k < this.spec.growth; k++) this.builds.push(0);
    // The third party leapfrogs the distro every other month on its overlapping names.
    if (this.spec.role === 'third-party') for (let i = 0; i < OVERLAP; i++) if (week % 8 === i % 8) this.builds[i]! += 3;
  }
  records(): VersionRecord[] {
    const out: VersionRecord[] = [];
    const { format } = this.spec;
    const dist = format === 'rpm' ? `1.${this.spec.id.slice(0, 3)}` : '1';
    for (let i = 0; i < this.builds.length; i++) {
      const name = this.name(i);
      const n = i + this.spec.from;
      const version = `${1 + (n % 7)}.${n % 13}.${this.builds[i]!}`;
      const release = this.spec.role === 'third-party' ? 'vendor1' : this.spec.id.endsWith('updates') ? `${dist}.u` : dist;
      out.push({
        name, arch: format === 'rpm' ? 'x86_64' : 'amd64', epoch: 0, version, release, evr: `${version}-${release}`,
        vendor: this.spec.vendor, sourceName: name, url: `https://${name}.example.org/`, summary: `the ${name} program`,
        buildTime: format === 'rpm' ? Math.floor(T0 / 1000) + this.builds[i]! * 86_400 : null,
      });
    }
    return out;
  }
}

export interface HistoryStores {
  config: string;
  week1: string;
  week52: string;
}

/** The week-1 and week-52 stores (generated once, then reused). */
export function ensureHistoryStores(onWeek?: (week: number) => void): HistoryStores {
  const out: HistoryStores = { config: path.join(historyDir, 'repos.yaml'), week1: path.join(historyDir, 'week01.db'), week52: path.join(historyDir, 'week52.db') };
  if (existsSync(out.week52) && existsSync(out.week1) && existsSync(out.config)) return out;
  rmSync(historyDir, { recursive: true, force: true });
  mkdirSync(historyDir, { recursive: true });
  writeFileSync(out.config, configText());
  const config = parseConfig(configText(), out.config);
  const work = path.join(historyDir, 'work.db');
  const store = SqliteStore.open({ path: work });
  try {
    for (const r of REPOS) store.upsertRepo({ id: r.id, vendor: r.vendor, role: r.role, format: r.format }, T0);
    const states = REPOS.map((r) => new RepoState(r));
    // The last two indexes a third party published: a stale mirror serves the older one.
    const published = new Map<string, VersionRecord[][]>();
    for (let week = 1; week <= 52; week++) {
      const at = T0 + week * WEEK;
      const changed = new Map<string, string[]>();
      for (const state of states) {
        const { id, churn, role } = state.spec;
        if (week > 1 && churn === 0) continue; // a released distribution's base does not change
        if (week > 1) state.step(week);
        const stale = role === 'third-party' && week % 9 === 0;
        const records = stale ? published.get(id)![0]! : state.records();
        if (role === 'third-party' && !stale) published.set(id, [...(published.get(id) ?? []), records].slice(-2));
        const update = store.beginRepoUpdate({ repoId: id, fetchedAt: at, indexChecksum: `${id}-w${week}`, revision: String(week), metadataTime: at / 1000 });
        update.addMany(records);
        changed.set(id, update.commit().changedNames);
      }
      recordWinners(store, config, at + 60_000, changed);
      if (week === 1 || week === 52) {
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        copyFileSync(work, week === 1 ? out.week1 : out.week52);
      }
      onWeek?.(week);
    }
  } finally {
    store.close();
    rmSync(work, { force: true });
    rmSync(`${work}-wal`, { force: true });
    rmSync(`${work}-shm`, { force: true });
  }
  return out;
}
