/**
 * Store throughput: bulk load (staging + commit) in records/s, the merge of a changed crawl, the
 * cheap unchanged path, and read time of the analysis queries over 500,000 current versions.
 * Uses a real file (WAL) under bench/.data/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/store/index.js';
import type { VersionRecord } from '../src/store/types.js';
import type { Bench, BenchRow } from './types.js';

const REPOS = 4;
const PER_REPO = 125_000;

function* records(repo: number, generation: number): Generator<VersionRecord> {
  for (let i = 0; i < PER_REPO; i++) {
    // 5% of the packages get a new version each generation.
    const version = `1.${i % 20 === 0 ? generation : 0}.${i % 13}`;
    yield {
      name: `r${repo}-package-${i}`,
      arch: i % 3 === 0 ? 'noarch' : 'x86_64',
      epoch: i % 11 === 0 ? 1 : 0,
      version,
      release: `${1 + (i % 5)}.fc40`,
      evr: `${version}-${1 + (i % 5)}.fc40`,
      vendor: 'Fedora Project',
      sourceName: `r${repo}-package-${i - (i % 4)}`,
      url: `https://example.invalid/projects/${i - (i % 4)}`,
      summary: 'A synthetic package with a summary of typical length for the bench',
      buildTime: 1_700_000_000 + i,
    };
  }
}

/** Wall and CPU time: on a busy 2-core box the CPU figure is the steadier one. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const bench: Bench = async () => {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data', 'store');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = Store.open({ path: path.join(dir, 'bench.db') });
  const rows: BenchRow[] = [];
  const total = REPOS * PER_REPO;
  try {
    for (let r = 0; r < REPOS; r++) store.upsertRepo({ id: `repo${r}`, vendor: 'Fedora Project', role: 'distro', format: 'rpm' });

    let stageMs = 0;
    let commitMs = 0;
    for (let r = 0; r < REPOS; r++) {
      const u = store.beginRepoUpdate({ repoId: `repo${r}`, fetchedAt: 1000, revision: '1', metadataTime: 1, indexChecksum: 'g0' });
      stageMs += time(() => u.addMany(records(r, 0))).ms;
      commitMs += time(() => u.commit()).ms;
    }
    rows.push({ name: 'first load: stage + commit', value: total / ((stageMs + commitMs) / 1000), unit: 'records/s', note: `${total} records, ${REPOS} repos; staging ${stageMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms` });

    stageMs = 0;
    commitMs = 0;
    let changed = 0;
    for (let r = 0; r < REPOS; r++) {
      const u = store.beginRepoUpdate({ repoId: `repo${r}`, fetchedAt: 2000, revision: '2', metadataTime: 2, indexChecksum: 'g1' });
      stageMs += time(() => u.addMany(records(r, 1))).ms;
      const c = time(() => u.commit());
      commitMs += c.ms;
      changed += c.value.added;
    }
    rows.push({ name: 'changed crawl (5% new versions): stage + commit', value: total / ((stageMs + commitMs) / 1000), unit: 'records/s', note: `${changed} intervals opened/closed; commit ${(commitMs / REPOS).toFixed(0)} ms per ${PER_REPO}-record repo` });

    const unchanged = time(() => {
      for (let r = 0; r < REPOS; r++) store.recordUnchanged(`repo${r}`, 'g1', 3000);
    });
    rows.push({ name: 'unchanged check (recordUnchanged)', value: unchanged.ms / REPOS, unit: 'ms/repo' });

    for (const [name, read] of [
      ['currentVersions() read', () => store.currentVersions()],
      ['versionHistory() read', () => store.versionHistory()],
    ] as const) {
      const wall: number[] = [];
      const cpu: number[] = [];
      let count = 0;
      for (let i = 0; i < 3; i++) {
        const t = time(read);
        wall.push(t.ms);
        cpu.push(t.cpuMs);
        count = t.value.length;
      }
      rows.push({
        name,
        value: median(wall),
        unit: 'ms',
        note: `${count} rows, median of 3; CPU ${median(cpu).toFixed(0)} ms; load average ${os.loadavg()[0]!.toFixed(1)}`,
      });
    }

    const names = Array.from({ length: 200 }, (_, i) => `r1-package-${i * 97}`);
    const byName = time(() => store.versionHistory(undefined, names));
    rows.push({ name: 'versionHistory(names) read, 200 names', value: byName.ms, unit: 'ms', note: `${byName.value.length} intervals` });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
};

export default bench;
