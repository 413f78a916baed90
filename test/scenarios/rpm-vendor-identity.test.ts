/**
 * rpm vendor identity in `audit`: a version's vendor is its header `Vendor` — what dnf's
 * allow_vendor_change compares — with the repo's vendor for a package that has none, and
 * vendor-equivalences applied to both. Real rpms (rpmbuild with and without a Vendor: header),
 * createrepo_c, served on 127.0.0.1, crawled and audited in process and through the CLI, where the
 * headers and the repos' vendors disagree: a Copr repo carrying Fedora's rebuilt grafana, a Fedora
 * updates repo carrying NodeSource's nodejs, grafana.com's repo with a vendor-less grafana.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditResult } from '../../src/analysis/audit.js';
import type { ClashFinding, PingPongFinding } from '../../src/analysis/findings.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import type { Config } from '../../src/config/types.js';
import { crawlRepos } from '../../src/crawl/crawl.js';
import { loadAnalysisData, loadAuditData } from '../../src/run/analysis-input.js';
import { recordWinners } from '../../src/run/winners.js';
import { Store } from '../../src/store/index.js';
import { repoclash } from '../support/cli.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { execTool } from '../support/exec.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

const s = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const NOW = Date.UTC(2024, 5, 3);
const pkg = (name: string, version: string, release: string, built: string, vendor?: string): RpmSpec => ({
  name,
  version,
  release,
  arch: 'x86_64',
  url: `https://example.org/${name}`,
  buildTime: s(built),
  ...(vendor === undefined ? {} : { vendor }),
});

const repos: Record<string, { vendor: string; role: string; rpms: RpmSpec[] }> = {
  fedora: {
    vendor: 'Fedora Project',
    role: 'distro',
    rpms: [
      pkg('grafana', '6.0.0', '1.fc40', '2024-01-10', 'Fedora Project'),
      pkg('nodejs', '18.0.0', '1.fc40', '2024-01-01', 'Fedora Project'),
      pkg('nodejs', '20.0.0', '1.fc40', '2024-03-01', 'Fedora Project'),
      pkg('bash', '5.2.26', '1.fc40', '2024-01-01', 'Fedora Project'),
    ],
  },
  // A Fedora repo that carries another vendor's rebuilt package, header kept: the repo's vendor
  // says Fedora, dnf sees NodeSource.
  'fedora-updates': {
    vendor: 'Fedora Project',
    role: 'distro',
    rpms: [pkg('nodejs', '19.0.0', '1nodesource', '2024-02-01', 'NodeSource'), pkg('nodejs', '21.0.0', '1nodesource', '2024-04-01', 'NodeSource')],
  },
  // A Copr repo of rebuilds: grafana keeps Fedora's header, loki says "Grafana Labs, Inc.".
  copr: {
    vendor: 'Copr',
    role: 'third-party',
    rpms: [pkg('grafana', '6.0.1', '1.copr', '2024-01-20', 'Fedora Project'), pkg('loki', '3.0.1', '1.copr', '2024-02-10', 'Grafana Labs, Inc.')],
  },
  // grafana.com's packages without a Vendor: header: the repo's vendor stands in.
  grafana: {
    vendor: 'Grafana Labs',
    role: 'upstream',
    rpms: [pkg('grafana', '6.1.0', '1', '2024-02-01'), pkg('loki', '3.0.0', '1', '2024-02-01')],
  },
};

let work: string;
let server: RepoServer;
let config: Config;
let store: Store;
let audited: AuditResult;

function configText(): string {
  const entries = Object.entries(repos).map(
    ([id, r]) => `  ${id}:\n    vendor: ${r.vendor}\n    role: ${r.role}\n    format: rpm\n    baseurl: ${server.url}/${id}/\n`,
  );
  return `repos:
${entries.join('')}profiles:
  f40:
    repos: [${Object.keys(repos).join(', ')}]
    arch: x86_64
vendor-equivalences:
  - [Grafana Labs, "Grafana Labs, Inc."]
`;
}

const clash = (name: string): ClashFinding | undefined => audited.findings.find((f): f is ClashFinding => f.kind === 'clash' && f.name === name);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-rpm-vendor-'));
  for (const [id, r] of Object.entries(repos)) await buildRpmRepo({ dir: path.join(work, 'www', id), rpms: r.rpms, revision: '1' });
  server = await startRepoServer({ root: path.join(work, 'www') });
  await writeFile(path.join(work, 'repos.yaml'), configText());
  config = parseConfig(configText(), path.join(work, 'repos.yaml'));
  store = Store.open({ path: testStoreLocation(path.join(work, 'store.db')) });
  const outcomes = await crawlRepos([...config.repos.values()], testCrawlContext(store, path.join(work, 'cache'), { now: () => NOW }));
  for (const o of outcomes) expect(o.error?.describe(), o.repoId).toBeUndefined();
  recordWinners(store, config, NOW);
  const profiles = [...config.profiles.values()];
  audited = runAudit(loadAnalysisData(store, config, profiles, NOW).input);
}, 120_000);

afterAll(async () => {
  store?.close();
  await tearDown(work, server);
});

describe('audit: an rpm version belongs to its header Vendor, the repo vendor as fallback', () => {
  it('the packages were built as the scenario says (rpm reads the headers back)', async () => {
    const vendorOf = async (id: string, file: string) => (await execTool('rpm', ['-qp', '--qf', '%{VENDOR}', path.join(work, 'www', id, file)])).stdout;
    expect(await vendorOf('copr', 'grafana-6.0.1-1.copr.x86_64.rpm')).toBe('Fedora Project');
    expect(await vendorOf('grafana', 'grafana-6.1.0-1.x86_64.rpm')).toBe('(none)');
  });

  it("a repo carrying another vendor's rebuild: grouped under the header's vendor, not the repo's", () => {
    const f = clash('grafana');
    expect(f).toBeDefined();
    // Copr's rebuild is Fedora's package; grafana.com's vendor-less one is the repo's (Grafana Labs).
    expect(f!.vendors.map((v) => [v.vendor, v.repos])).toEqual(
      expect.arrayContaining([
        ['Fedora Project', ['copr', 'fedora']],
        ['Grafana Labs', ['grafana']],
      ]),
    );
    expect(f!.vendors).toHaveLength(2);
    expect(f!.winner).toMatchObject({ repoId: 'grafana', vendor: 'Grafana Labs', evr: '6.1.0-1' });
  });

  it("one repo vendor, two header vendors: NodeSource's nodejs in a Fedora repo clashes and ping-pongs", () => {
    const f = clash('nodejs');
    expect(f?.vendors.map((v) => [v.vendor, v.repos])).toEqual(
      expect.arrayContaining([
        ['Fedora Project', ['fedora']],
        ['NodeSource', ['fedora-updates']],
      ]),
    );
    // Exactly those two (arrayContaining alone would let a third vendor through).
    expect(f!.vendors).toHaveLength(2);
    expect(f!.interleaved).toBe(true);
    const p = audited.findings.find((x): x is PingPongFinding => x.kind === 'pingpong' && x.name === 'nodejs');
    expect(p?.predicted?.leads.map((l) => l.vendor)).toEqual(['Fedora Project', 'NodeSource', 'Fedora Project', 'NodeSource']);
  });

  it("the winners recorded after the crawl carry the winner's header vendor", () => {
    const nodejs = store.currentWinners('f40').find((w) => w.name === 'nodejs');
    expect(nodejs).toMatchObject({ repoId: 'fedora-updates', vendor: 'NodeSource', evr: '21.0.0-1nodesource' });
  });

  it('vendor-equivalences merge a header spelling with a repo vendor: loki is one vendor, no clash', () => {
    expect(clash('loki')).toBeUndefined();
    expect(clash('bash')).toBeUndefined();
  });

  it("the audit command's name screen finds exactly what reading every version finds", () => {
    const profiles = [...config.profiles.values()];
    expect(runAudit(loadAuditData(store, config, profiles, NOW).input)).toEqual(audited);
  });

  it('repoclash audit says the same through the CLI', async () => {
    const run = await repoclash(work, ['audit', '--config', path.join(work, 'repos.yaml'), '--db', path.join(work, 'store.db'), '--format', 'json'], { home: 'inherited' });
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout) as { findings: { kind: string; name: string; vendors?: { vendor: string }[] }[] };
    const clashes = json.findings.filter((f) => f.kind === 'clash');
    expect(clashes.map((f) => f.name).sort()).toEqual(['grafana', 'nodejs']);
    expect(clashes.find((f) => f.name === 'grafana')!.vendors!.map((v) => v.vendor).sort()).toEqual(['Fedora Project', 'Grafana Labs']);
  });
});
