import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnfRepoquery, dnfUpgradePlan, pairTransaction, runDnf, seedInstalled, type DnfContext, type DnfRepo } from './dnf.js';
import { startRepoServer, type RepoServer } from './http-server.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from './rpm-repo.js';

// The grafana story from research.md: Fedora ships 10.2.3, grafana.com ships 10.4.2.
const fedoraGrafana: RpmSpec = { name: 'grafana', version: '10.2.3', release: '1.fc40', vendor: 'Fedora Project', buildTime: 1_700_000_000 };
const fedoraTool: RpmSpec = { name: 'tool', version: '2.0', release: '1.fc40', vendor: 'Fedora Project' };
const upstreamGrafana: RpmSpec = { name: 'grafana', version: '10.4.2', release: '1', vendor: 'Grafana Labs', buildTime: 1_712_000_000 };
const installedTool: RpmSpec = { name: 'tool', version: '1.0', release: '1.fc40', vendor: 'Fedora Project' };

let work: string;
let server: RepoServer;
let fedora: DnfRepo;
let grafana: DnfRepo;
let fedoraEpoch: DnfRepo;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-'));
  await buildRpmRepo({ dir: path.join(work, 'srv', 'fedora'), rpms: [fedoraGrafana, fedoraTool] });
  await buildRpmRepo({ dir: path.join(work, 'srv', 'grafana'), rpms: [upstreamGrafana], compression: 'zstd' });
  await buildRpmRepo({ dir: path.join(work, 'srv', 'fedora-epoch'), rpms: [{ ...fedoraGrafana, epoch: 1, version: '9.0.0' }] });
  server = await startRepoServer({ root: path.join(work, 'srv') });
  fedora = { id: 'fedora', baseurl: `${server.url}/fedora/` };
  grafana = { id: 'grafana', baseurl: `${server.url}/grafana/` };
  fedoraEpoch = { id: 'fedora-epoch', baseurl: `${server.url}/fedora-epoch/` };
});
afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

/** A fresh installroot with Fedora's grafana 10.2.3 and tool 1.0 installed. */
async function hostWithFedoraGrafana(label: string, repos: DnfRepo[]): Promise<DnfContext> {
  const installroot = path.join(work, `root-${label}`);
  await seedInstalled(installroot, await buildRpms([fedoraGrafana, installedTool], path.join(work, `inst-${label}`)));
  return { installroot, repos };
}

function summary(items: { action: string; name: string; fromEvr?: string; toEvr: string; repo: string }[]): string[] {
  return items.map((i) => `${i.action} ${i.name} ${i.fromEvr ?? '-'} -> ${i.toEvr} @${i.repo}`);
}

describe('dnfUpgradePlan', () => {
  it('sees grafana.com take over Fedora\'s grafana by default, over HTTP', async () => {
    const ctx = await hostWithFedoraGrafana('default', [fedora, grafana]);
    const plan = await dnfUpgradePlan(ctx);
    expect(summary(plan.items)).toEqual(['upgrade grafana 10.2.3-1.fc40 -> 10.4.2-1 @grafana', 'upgrade tool 1.0-1.fc40 -> 2.0-1.fc40 @fedora']);
    expect(plan.items[0]).toMatchObject({ vendor: 'Grafana Labs', fromVendor: 'Fedora Project' });
    // The JSON hook and dnf's own table agree.
    expect(plan.result.stdout).toMatch(/Upgrading:\n(?:.*\n)*\s*grafana\s+noarch\s+10\.4\.2-1\s+grafana/);
    expect(server.count('/grafana/repodata/')).toBeGreaterThan(0);
  });

  it('keeps grafana on Fedora when Fedora has the better priority', async () => {
    const ctx = await hostWithFedoraGrafana('priority', [{ ...fedora, priority: 10 }, grafana]);
    expect(summary((await dnfUpgradePlan(ctx)).items)).toEqual(['upgrade tool 1.0-1.fc40 -> 2.0-1.fc40 @fedora']);
  });

  it('keeps the vendor when allow_vendor_change is off', async () => {
    const ctx = await hostWithFedoraGrafana('vendor', [fedora, grafana]);
    const plan = await dnfUpgradePlan({ ...ctx, allowVendorChange: false });
    expect(plan.items.map((i) => i.name)).toEqual(['tool']);
  });

  it('lets an epoch beat a higher version', async () => {
    const ctx = await hostWithFedoraGrafana('epoch', [fedoraEpoch, grafana]);
    const plan = await dnfUpgradePlan({ ...ctx, names: ['grafana'] });
    expect(summary(plan.items)).toEqual(['upgrade grafana 10.2.3-1.fc40 -> 1:9.0.0-1.fc40 @fedora-epoch']);
  });

  it('reports a distro-sync downgrade across vendors when priorities say so', async () => {
    const installroot = path.join(work, 'root-sync');
    await seedInstalled(installroot, await buildRpms([upstreamGrafana], path.join(work, 'inst-sync')));
    const plan = await dnfUpgradePlan({ installroot, repos: [{ ...fedora, priority: 10 }, grafana], command: 'distro-sync' });
    expect(summary(plan.items)).toEqual(['downgrade grafana 10.4.2-1 -> 10.2.3-1.fc40 @fedora']);
  });

  it('returns an empty plan when there is nothing to do, and rejects when a repo is unreachable', async () => {
    const installroot = path.join(work, 'root-empty');
    await seedInstalled(installroot, []);
    expect((await dnfUpgradePlan({ installroot, repos: [fedora] })).items).toEqual([]);
    await expect(dnfUpgradePlan({ installroot, repos: [{ id: 'gone', baseurl: `${server.url}/nope/` }] })).rejects.toThrow(/gone|nope|Cannot download/i);
  });
});

describe('dnfRepoquery and runDnf', () => {
  it('lists upgrades and the latest version per name', async () => {
    const ctx = await hostWithFedoraGrafana('rq', [fedora, grafana]);
    const upgrades = await dnfRepoquery(ctx, { upgrades: true });
    expect(upgrades.map((r) => `${r.name}-${r.version}@${r.repo}`).sort()).toEqual(['grafana-10.4.2@grafana', 'tool-2.0@fedora']);
    const latest = await dnfRepoquery(ctx, { latestLimit: 1, names: ['grafana'] });
    expect(latest).toEqual([{ name: 'grafana', epoch: 0, version: '10.4.2', release: '1', arch: 'noarch', repo: 'grafana', vendor: 'Grafana Labs' }]);
    const excluded = await dnfRepoquery({ ...ctx, repos: [fedora, { ...grafana, excludepkgs: ['grafana*'] }] }, { latestLimit: 1, names: ['grafana'] });
    expect(excluded.map((r) => r.repo)).toEqual(['fedora']);
  });

  it('check-update exits 100 when updates exist', async () => {
    const ctx = await hostWithFedoraGrafana('cu', [fedora]);
    const r = await runDnf({ ...ctx, args: ['check-update'] });
    expect(r.code).toBe(100);
    expect(r.stdout).toMatch(/^tool\.noarch\s+2\.0-1\.fc40\s+fedora/m);
  });
});

describe('pairTransaction', () => {
  it('pairs incoming packages with the installed ones they replace', () => {
    const raw = [
      { action: 'upgraded', name: 'a', arch: 'x86_64', evr: '1-1', repo: '@System', vendor: 'X' },
      { action: 'upgrade', name: 'a', arch: 'x86_64', evr: '2-1', repo: 'r', vendor: 'Y' },
      { action: 'install', name: 'b', arch: 'noarch', evr: '1-1', repo: 'r', vendor: 'Y' },
    ];
    expect(pairTransaction(raw)).toEqual([
      { action: 'upgrade', name: 'a', arch: 'x86_64', toEvr: '2-1', fromEvr: '1-1', repo: 'r', vendor: 'Y', fromVendor: 'X' },
      { action: 'install', name: 'b', arch: 'noarch', toEvr: '1-1', repo: 'r', vendor: 'Y' },
    ]);
  });
});
