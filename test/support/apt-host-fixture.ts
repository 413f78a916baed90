/**
 * What the apt host tests start from: signed deb repos served on 127.0.0.1, a host root reading
 * them, and real apt's upgrade and full-upgrade plans for that root (a private state directory,
 * offline but for the repos).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, writeDebHostRoot, type AptPlan, type AptRoot, type DpkgStatusEntry } from './apt.js';
import { buildDebRepo, type DebSpec, type DebSuite } from './deb-repo.js';
import { makeThrowawayKey, type GpgKey } from './gpg.js';
import { startRepoServer, type RepoServer } from './http-server.js';

export interface ServedDebRepos {
  work: string;
  key: GpgKey;
  server: RepoServer;
  /** One sources.list line per suite, repos in the order given. */
  sources: string[];
}

/** Each repo (its directory under srv/ → its suites) built, signed with one throwaway key and served. */
export async function serveDebRepos(prefix: string, repos: Record<string, DebSuite[]>): Promise<ServedDebRepos> {
  const work = await mkdtemp(path.join(os.tmpdir(), prefix));
  const key = await makeThrowawayKey(path.join(work, 'key'));
  for (const [dir, suites] of Object.entries(repos)) await buildDebRepo({ dir: path.join(work, 'srv', dir), suites, sign: key });
  const server = await startRepoServer({ root: path.join(work, 'srv') });
  const sources = Object.entries(repos).flatMap(([dir, suites]) => suites.map((s) => `deb ${server.url}/${dir} ${s.suite} ${s.components.join(' ')}`));
  return { work, key, server, sources };
}

/** Real apt's `upgrade` and `full-upgrade` plans for a root; `prepare` may add to its apt.conf first. */
export async function aptPlansForRoot(root: string, stateDir: string, prepare?: (apt: AptRoot) => Promise<void>): Promise<{ plan: AptPlan; fullPlan: AptPlan }> {
  const apt = await aptConfigForRoot(root, stateDir);
  if (prepare) await prepare(apt);
  await aptUpdate(apt);
  return { plan: await aptUpgradePlan(apt), fullPlan: await aptUpgradePlan(apt, { full: true }) };
}

/** A Debian-like `stable` (codename bookworm, origin and label Debian) with one component, main. */
export function debianStable(main: DebSpec[], more: Partial<DebSuite> = {}): DebSuite {
  return { suite: 'stable', codename: 'bookworm', origin: 'Debian', label: 'Debian', components: ['main'], ...more, packages: { main } };
}

export interface AptHostFixture extends ServedDebRepos {
  /** WORK/root: sources naming every repo, the throwaway key trusted, `installed` in its dpkg status. */
  root: string;
  plan: AptPlan;
  fullPlan: AptPlan;
}

/** serveDebRepos, a host root reading them all, and real apt's plans for that root. */
export async function aptHostWithPlans(prefix: string, repos: Record<string, DebSuite[]>, installed: DpkgStatusEntry[]): Promise<AptHostFixture> {
  const served = await serveDebRepos(prefix, repos);
  const root = path.join(served.work, 'root');
  await writeDebHostRoot(root, { sources: served.sources, keyring: served.key.publicKeyringPath, installed });
  return { ...served, root, ...(await aptPlansForRoot(root, path.join(served.work, 'apt-state'))) };
}
