/**
 * `repoclash host --root R --format json` as a new user runs it: from an empty directory, with no
 * --config (the shipped repos.yaml loads), on roots laid out as real hosts are — the distro's own
 * repo files plus vendor repos with the .repo / sources files the vendors publish, changed only in
 * their address (everything is served on 127.0.0.1, under a path named after the vendor's host).
 * Each root's expected verdicts come from the real package manager in the same test.
 */
import { copyFile, mkdir, mkdtemp, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { Store } from '../../src/store/index.js';
import { repoclash } from '../support/cli.js';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, dpkgStatusText, type AptRoot, type DpkgStatusEntry } from '../support/apt.js';
import { buildDebRepo, type DebSpec, type DebSuite } from '../support/deb-repo.js';
import { dnfUpgradePlan, runDnf, seedInstalled, type DnfContext } from '../support/dnf.js';
import { buildEl9Repos, el9Root, PGDG } from '../support/el9-root.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { aptActions, disagreements, dnfActions, hostReport, repoclashAptActions, repoclashDnfActions } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, buildRpms, writeMetalink, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { fedoraSection } from '../support/shipped-repo-files.js';
import { storeAsBeforeLocations, testStoreLocation } from '../support/test-store.js';

let work: string;
let srv: string;
let server: RepoServer;
let key: GpgKey;
/** The PPA's own key, given only inline in its .sources file. */
let ppaKey: GpgKey;
let emptyDir: string;

/** `repoclash host --root R --format json` from the empty directory, no --config. */
async function host(root: string, db: string, extra: string[] = []): Promise<{ code: number | null; report: HostReport; stderr: string }> {
  // HOME stays: Debian's rpm finds an installroot's rpmdb at ROOT/$HOME/.rpmdb.
  const { run, report } = await hostReport(emptyDir, ['--root', root, '--format', 'json', '--db', db, '--cache', `${db}-cache`, ...extra], {
    env: { HOME: process.env['HOME'], XDG_CONFIG_HOME: path.join(emptyDir, 'config') },
  }, [0, 1, 3]);
  return { code: run.code, report, stderr: run.stderr };
}

// ------------------------------------------------------------ Fedora 40 + grafana.com, Docker, PGDG

const FEDORA = 'Fedora Project';
const GRAFANA = 'Grafana Labs';
const DOCKER = 'Docker';
const rpm = (name: string, evr: string, vendor: string): RpmSpec => {
  const [, epoch, version, release] = /^(?:(\d+):)?([^-]+)-(.+)$/.exec(evr)!;
  return { name, version: version!, release: release!, vendor, ...(epoch ? { epoch: Number(epoch) } : {}) };
};

/** Where each repo lives on the server: its vendor's host and path. */
const FEDORA_RELEASE = 'dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os';
const FEDORA_UPDATES = 'dl.fedoraproject.org/pub/fedora/linux/updates/40/Everything/x86_64';
const GRAFANA_RPM = 'rpm.grafana.com';
const DOCKER_RPM = 'download.docker.com/linux/fedora/40/x86_64/stable';
const PGDG_RPM = 'download.postgresql.org/pub/repos/yum/16/fedora/fedora-40-x86_64';

const FEDORA_REPOS: Record<string, RpmSpec[]> = {
  [FEDORA_RELEASE]: [rpm('grafana', '10.2.6-1.fc40', FEDORA), rpm('curl', '8.6.0-1.fc40', FEDORA), rpm('libpq', '16.1-1.fc40', FEDORA)],
  [FEDORA_UPDATES]: [rpm('curl', '8.6.0-8.fc40', FEDORA)],
  [GRAFANA_RPM]: [rpm('grafana', '11.1.0-1', GRAFANA)],
  [DOCKER_RPM]: [rpm('docker-ce', '3:26.1.3-1.fc40', DOCKER), rpm('docker-ce', '3:26.1.4-1.fc40', DOCKER)],
  [PGDG_RPM]: [rpm('postgresql16-server', '16.2-1PGDG.f40', PGDG), rpm('postgresql16-server', '16.3-1PGDG.f40', PGDG)],
};

/** Fedora 41's repos: the same section names ([fedora], [updates]) fetch other things. */
const FEDORA41_RELEASE = 'dl.fedoraproject.org/pub/fedora/linux/releases/41/Everything/x86_64/os';
const FEDORA41_UPDATES = 'dl.fedoraproject.org/pub/fedora/linux/updates/41/Everything/x86_64';
const FEDORA41_REPOS: Record<string, RpmSpec[]> = {
  [FEDORA41_RELEASE]: [rpm('grafana', '10.4.5-1.fc41', FEDORA), rpm('curl', '8.9.1-1.fc41', FEDORA), rpm('libpq', '16.4-1.fc41', FEDORA)],
  [FEDORA41_UPDATES]: [rpm('curl', '8.9.1-2.fc41', FEDORA)],
};

const FEDORA_INSTALLED: RpmSpec[] = [
  rpm('grafana', '10.2.6-1.fc40', FEDORA),
  rpm('curl', '8.6.0-1.fc40', FEDORA),
  rpm('libpq', '16.1-1.fc40', FEDORA),
  rpm('docker-ce', '3:26.1.3-1.fc40', DOCKER),
  rpm('postgresql16-server', '16.2-1PGDG.f40', PGDG),
  // Built and installed by hand: no repo carries it (`dnf list extras`).
  rpm('site-tools', '1.0-1', 'Example Corp'),
];

/** The repo files, as Fedora 40 and the vendors ship them; `A` is the server's address. */
function fedoraRepoFiles(A: string): Record<string, string> {
  return {
    'fedora.repo': `${fedoraSection(A)}
[fedora-debuginfo]
name=Fedora $releasever - $basearch - Debug
#baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/$basearch/debug/tree/
metalink=${A}/metalink?repo=fedora-debug-$releasever&arch=$basearch
enabled=0
metadata_expire=7d
repo_gpgcheck=0
type=rpm
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False

[fedora-source]
name=Fedora $releasever - Source
#baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/source/tree/
metalink=${A}/metalink?repo=fedora-source-$releasever&arch=$basearch
enabled=0
metadata_expire=7d
repo_gpgcheck=0
type=rpm
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False
`,
    'fedora-updates.repo': `[updates]
name=Fedora $releasever - $basearch - Updates
#baseurl=http://download.example/pub/fedora/linux/updates/$releasever/Everything/$basearch/
metalink=${A}/metalink?repo=updates-released-f$releasever&arch=$basearch
enabled=1
countme=1
repo_gpgcheck=0
type=rpm
gpgcheck=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False

[updates-debuginfo]
name=Fedora $releasever - $basearch - Updates - Debug
metalink=${A}/metalink?repo=updates-released-debug-f$releasever&arch=$basearch
enabled=0
repo_gpgcheck=0
type=rpm
gpgcheck=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False
`,
    'fedora-updates-testing.repo': `[updates-testing]
name=Fedora $releasever - $basearch - Test Updates
metalink=${A}/metalink?repo=updates-testing-f$releasever&arch=$basearch
enabled=0
countme=1
repo_gpgcheck=0
type=rpm
gpgcheck=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False
`,
    'grafana.repo': `[grafana]
name=grafana
baseurl=${A}/${GRAFANA_RPM}
repo_gpgcheck=1
enabled=1
gpgcheck=1
gpgkey=${A}/${GRAFANA_RPM}/gpg.key
sslverify=1
sslcacert=/etc/pki/tls/certs/ca-bundle.crt
`,
    'docker-ce.repo': `[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=${A}/download.docker.com/linux/fedora/$releasever/$basearch/stable
enabled=1
gpgcheck=1
gpgkey=${A}/download.docker.com/linux/fedora/gpg

[docker-ce-stable-debuginfo]
name=Docker CE Stable - Debuginfo $basearch
baseurl=${A}/download.docker.com/linux/fedora/$releasever/debug-$basearch/stable
enabled=0
gpgcheck=1
gpgkey=${A}/download.docker.com/linux/fedora/gpg

[docker-ce-stable-source]
name=Docker CE Stable - Sources
baseurl=${A}/download.docker.com/linux/fedora/$releasever/source/stable
enabled=0
gpgcheck=1
gpgkey=${A}/download.docker.com/linux/fedora/gpg

[docker-ce-test]
name=Docker CE Test - $basearch
baseurl=${A}/download.docker.com/linux/fedora/$releasever/$basearch/test
enabled=0
gpgcheck=1
gpgkey=${A}/download.docker.com/linux/fedora/gpg
`,
    'pgdg-fedora-all.repo': `#######################################################
# PGDG Fedora repositories for PostgreSQL 16
#######################################################

[pgdg16]
name=PostgreSQL 16 for Fedora $releasever - $basearch
baseurl=${A}/download.postgresql.org/pub/repos/yum/16/fedora/fedora-$releasever-$basearch
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora
repo_gpgcheck = 1

[pgdg16-source]
name=PostgreSQL 16 for Fedora $releasever - $basearch - Source
baseurl=${A}/download.postgresql.org/pub/repos/yum/srpms/16/fedora/fedora-$releasever-$basearch
enabled=0
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora

[pgdg17-updates-testing]
name=PostgreSQL 17 for Fedora $releasever - $basearch - Updates testing
baseurl=${A}/download.postgresql.org/pub/repos/yum/testing/17/fedora/fedora-$releasever-$basearch
enabled=0
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora
`,
  };
}

let fedoraInstalledRpms: string[];

async function fedoraRoot(label: string, release: '40' | '41' = '40'): Promise<DnfContext> {
  const root = path.join(work, `fedora-${label}`);
  await seedInstalled(root, fedoraInstalledRpms);
  await mkdir(path.join(root, 'etc/yum.repos.d'), { recursive: true });
  await writeFile(path.join(root, 'etc/os-release'), `NAME="Fedora Linux"\nVERSION="${release} (Workstation Edition)"\nID=fedora\nVERSION_ID=${release}\nPLATFORM_ID="platform:f${release}"\n`);
  const files = fedoraRepoFiles(server.url);
  // Fedora 41 here: only the distro's own files, the same section names as on Fedora 40.
  const names = release === '40' ? Object.keys(files) : ['fedora.repo', 'fedora-updates.repo', 'fedora-updates-testing.repo'];
  for (const name of names) await writeFile(path.join(root, 'etc/yum.repos.d', name), files[name]!);
  // PGDG's key comes with its repo package, in the root.
  await mkdir(path.join(root, 'etc/pki/rpm-gpg'), { recursive: true });
  await copyFile(key.publicKeyArmoredPath, path.join(root, 'etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora'));
  // Real dnf asks before it imports a repo key, and the oracle runs with --assumeno, so it would
  // decline; the signatures are valid, so whether dnf checks them does not change its verdicts.
  return { installroot: root, repos: [], ownRepoFiles: true, releasever: release, forcearch: 'x86_64', setopts: { 'grafana.repo_gpgcheck': '0', 'pgdg16.repo_gpgcheck': '0' } };
}


// ------------------------------------------------------------ Debian 12 + apt.grafana.com (suite `stable`)

const deb = (name: string, version: string): DebSpec => ({ name, version });
const DEBIAN_SUITES: Record<string, DebSuite[]> = {
  debian: [
    { suite: 'bookworm', codename: 'bookworm', origin: 'Debian', label: 'Debian', components: ['main'], packages: { main: [deb('curl', '7.88.1-10+deb12u5'), deb('grafana', '9.5.21+ds-1'), deb('jq', '1.6-2.1')] } },
    { suite: 'bookworm-updates', codename: 'bookworm-updates', origin: 'Debian', label: 'Debian', components: ['main'], packages: { main: [deb('tzdata', '2024a-0+deb12u1')] } },
  ],
  'debian-security': [{ suite: 'bookworm-security', codename: 'bookworm-security', origin: 'Debian', label: 'Debian-Security', components: ['main'], packages: { main: [deb('curl', '7.88.1-10+deb12u6')] } }],
  // A vendor whose suite is `stable`, as apt.grafana.com's is: still not Debian.
  'apt.grafana.com': [{ suite: 'stable', origin: 'Grafana Labs', label: 'Grafana Labs', components: ['main'], packages: { main: [deb('grafana', '11.1.0')] } }],
};
/**
 * Another Debian mirror, as a second host's `$debian_mirror` might be: the same suites with other
 * contents, and an older index (a mirror that lags). Under one `bookworm` id for both, the second
 * host's crawl would read as metadata going backwards.
 */
const MIRROR_B = 'mirror-b.example/debian';
const MIRROR_B_SUITES: DebSuite[] = [
  { suite: 'bookworm', codename: 'bookworm', origin: 'Debian', label: 'Debian', components: ['main'], date: new Date('2023-06-10T00:00:00Z'), packages: { main: [deb('curl', '7.88.1-10+deb12u4'), deb('grafana', '9.5.21+ds-1'), deb('jq', '1.6-2.1'), deb('zsh', '5.9-4+b2')] } },
  { suite: 'bookworm-updates', codename: 'bookworm-updates', origin: 'Debian', label: 'Debian', components: ['main'], date: new Date('2023-06-10T00:00:00Z'), packages: { main: [deb('tzdata', '2023c-5')] } },
];

const DEBIAN_INSTALLED: DpkgStatusEntry[] = [
  { name: 'curl', version: '7.88.1-10+deb12u5' },
  { name: 'grafana', version: '9.5.21+ds-1' },
  { name: 'jq', version: '1.6-2.1' },
  { name: 'site-tools', version: '1.0-1' },
];

/** `mirror`: the Debian archive the installer chose (what repos.yaml's `$debian_mirror` becomes). */
function debianSources(A: string, mirror: string): Record<string, string> {
  return {
    // As Debian 12's installer writes it.
    'debian.sources': `Types: deb
URIs: ${mirror}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${A}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`,
    // As grafana.com's install instructions write it.
    'grafana.list': `deb [signed-by=/etc/apt/keyrings/grafana.gpg] ${A}/apt.grafana.com stable main\n`,
  };
}

// ------------------------------------------------------------ Ubuntu 24.04 + a Launchpad PPA (deb822, inline key)

const UBUNTU_SUITES: Record<string, DebSuite[]> = {
  ubuntu: [
    { suite: 'noble', codename: 'noble', origin: 'Ubuntu', label: 'Ubuntu', components: ['main', 'universe'], packages: { main: [deb('curl', '8.5.0-2ubuntu10.1')], universe: [deb('php8.3-cli', '8.3.6-0ubuntu0.24.04.1')] } },
    { suite: 'noble-updates', codename: 'noble', origin: 'Ubuntu', label: 'Ubuntu', components: ['main', 'universe'], packages: { main: [deb('curl', '8.5.0-2ubuntu10.2')], universe: [] } },
  ],
  'ppa.launchpadcontent.net/ondrej/php/ubuntu': [
    {
      suite: 'noble',
      codename: 'noble',
      origin: 'LP-PPA-ondrej-php',
      label: '***** The main PPA for supported PHP versions with many PECL extensions *****',
      components: ['main'],
      packages: { main: [deb('php8.3-cli', '8.3.9-1+ubuntu24.04.1+deb.sury.org+1')] },
    },
  ],
};
const UBUNTU_INSTALLED: DpkgStatusEntry[] = [
  { name: 'curl', version: '8.5.0-2ubuntu10.1' },
  { name: 'php8.3-cli', version: '8.3.6-0ubuntu0.24.04.1' },
  { name: 'site-tools', version: '1.0-1' },
];

/** A deb822 field value spanning lines: continuation lines indented, empty lines as " .". */
function deb822Multiline(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => ` ${l === '' ? '.' : l}`)
    .join('\n');
}

function ubuntuSources(A: string): Record<string, string> {
  return {
    // As Ubuntu 24.04 ships it.
    'ubuntu.sources': `Types: deb
URIs: ${A}/ubuntu/
Suites: noble noble-updates
Components: main universe
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`,
    // As add-apt-repository ppa:ondrej/php writes it on 24.04: the key inline.
    'ondrej-ubuntu-php-noble.sources': `Types: deb
URIs: ${A}/ppa.launchpadcontent.net/ondrej/php/ubuntu/
Suites: noble
Components: main
Signed-By:
${deb822Multiline(ppaKey.publicKeyArmored)}
`,
  };
}

interface AptHostRoot {
  root: string;
  apt: AptRoot;
}

async function aptHostRoot(label: string, osRelease: string, sources: Record<string, string>, installed: DpkgStatusEntry[], keyrings: string[]): Promise<AptHostRoot> {
  const root = path.join(work, `${label}-root`);
  for (const d of ['etc/apt/sources.list.d', 'etc/apt/trusted.gpg.d', 'etc/apt/keyrings', 'usr/share/keyrings', 'var/lib/dpkg']) await mkdir(path.join(root, d), { recursive: true });
  await writeFile(path.join(root, 'etc/os-release'), osRelease);
  for (const [name, text] of Object.entries(sources)) await writeFile(path.join(root, 'etc/apt/sources.list.d', name), text);
  // The distro's keyring package puts its keys in both places.
  for (const rel of keyrings) await copyFile(key.publicKeyringPath, path.join(root, rel));
  await copyFile(key.publicKeyringPath, path.join(root, 'etc/apt/trusted.gpg.d/distro-archive.gpg'));
  await writeFile(path.join(root, 'var/lib/dpkg/status'), dpkgStatusText(installed));
  const apt = await aptConfigForRoot(root, path.join(work, `${label}-apt-state`));
  await aptUpdate(apt);
  return { root, apt };
}

const debianRoot = (label: string, mirror = `${server.url}/debian`) =>
  aptHostRoot(label, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n', debianSources(server.url, mirror), DEBIAN_INSTALLED, [
    'usr/share/keyrings/debian-archive-keyring.gpg',
    'etc/apt/keyrings/grafana.gpg',
  ]);
const ubuntuRoot = (label: string) =>
  aptHostRoot(label, 'PRETTY_NAME="Ubuntu 24.04 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n', ubuntuSources(server.url), UBUNTU_INSTALLED, [
    'usr/share/keyrings/ubuntu-archive-keyring.gpg',
  ]);

/** repoclash and real apt (upgrade and full-upgrade) on one root: the disagreements. */
async function compareApt(r: AptHostRoot, db: string, names: string[]): Promise<{ code: number | null; report: HostReport; upgrade: string[]; full: string[] }> {
  const [upgrade, full] = [await aptUpgradePlan(r.apt), await aptUpgradePlan(r.apt, { full: true })];
  const { code, report } = await host(r.root, db);
  return {
    code,
    report,
    upgrade: disagreements(aptActions(upgrade.items), repoclashAptActions(report, false), names),
    full: disagreements(aptActions(full.items), repoclashAptActions(report, true), names),
  };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-vendor-roots-'));
  srv = path.join(work, 'srv');
  emptyDir = path.join(work, 'empty');
  await mkdir(emptyDir, { recursive: true });
  key = await makeThrowawayKey(path.join(work, 'key'));
  ppaKey = await makeThrowawayKey(path.join(work, 'ppa-key'), 'Launchpad PPA for Ondrej <ppa-test@example.invalid>');
  for (const [dir, rpms] of Object.entries(FEDORA_REPOS)) await buildRpmRepo({ dir: path.join(srv, dir), rpms, signWith: key });
  // Older revisions than Fedora 40's: under one id for all this would read as metadata going backwards.
  for (const [dir, rpms] of Object.entries(FEDORA41_REPOS)) await buildRpmRepo({ dir: path.join(srv, dir), rpms, signWith: key, revision: '1000' });
  for (const [dir, suites] of Object.entries(DEBIAN_SUITES)) await buildDebRepo({ dir: path.join(srv, dir), suites, sign: key });
  await buildDebRepo({ dir: path.join(srv, MIRROR_B), suites: MIRROR_B_SUITES, sign: key });
  for (const [dir, suites] of Object.entries(UBUNTU_SUITES)) await buildDebRepo({ dir: path.join(srv, dir), suites, sign: dir === 'ubuntu' ? key : ppaKey });
  // Rocky 9's and PGDG's EL repos, for the EL 9 root of the one-store sequence.
  await buildEl9Repos(srv, key);
  server = await startRepoServer({ root: srv });
  await writeMetalink(path.join(srv, 'metalink?repo=fedora-40&arch=x86_64'), path.join(srv, FEDORA_RELEASE), `${server.url}/${FEDORA_RELEASE}/`);
  await writeMetalink(path.join(srv, 'metalink?repo=updates-released-f40&arch=x86_64'), path.join(srv, FEDORA_UPDATES), `${server.url}/${FEDORA_UPDATES}/`);
  await writeMetalink(path.join(srv, 'metalink?repo=fedora-41&arch=x86_64'), path.join(srv, FEDORA41_RELEASE), `${server.url}/${FEDORA41_RELEASE}/`);
  await writeMetalink(path.join(srv, 'metalink?repo=updates-released-f41&arch=x86_64'), path.join(srv, FEDORA41_UPDATES), `${server.url}/${FEDORA41_UPDATES}/`);
  fedoraInstalledRpms = await buildRpms(FEDORA_INSTALLED, path.join(work, 'installed-rpms'));
  // grafana.com publishes its key next to the repo (gpgkey=https://rpm.grafana.com/gpg.key).
  await copyFile(key.publicKeyArmoredPath, path.join(srv, GRAFANA_RPM, 'gpg.key'));
}, 180_000);

afterAll(() => tearDown(work, server, key, ppaKey));

describe('a Fedora 40 root with grafana.com, Docker and PGDG repos, no --config', () => {
  const names = FEDORA_INSTALLED.map((p) => p.name);

  it('agrees with real dnf on every installed package; disabled sections are no repos; a local build is listed, not failed', async () => {
    const ctx = await fedoraRoot('a');
    const [upgrade, sync] = [await dnfUpgradePlan(ctx), await dnfUpgradePlan({ ...ctx, command: 'distro-sync' })];
    const { code, report } = await host(ctx.installroot, path.join(work, 'fedora-a.db'));
    expect(disagreements(dnfActions(upgrade.items), repoclashDnfActions(report, false), names)).toEqual([]);
    expect(disagreements(dnfActions(sync.items), repoclashDnfActions(report, true), names)).toEqual([]);
    const by = new Map(report.packages.map((p) => [p.name, p]));
    // Not agreement on nothing: the scenarios happen.
    expect(by.get('grafana')).toMatchObject({ action: 'vendor-change', from: { vendor: FEDORA }, to: { vendor: GRAFANA, repo: 'grafana' }, risky: true });
    expect(by.get('curl')).toMatchObject({ action: 'upgrade', to: { repo: 'updates' } });
    expect(by.get('docker-ce')?.action).toBe('upgrade');
    expect(by.get('postgresql16-server')?.action).toBe('upgrade');
    // The metalink with $releasever was expanded and followed; grafana.com's repomd.xml was
    // checked with the key from its https gpgkey=, imported once with its fingerprint shown.
    expect(report.partialData).toEqual([]);
    expect(report.crawlNotes).toContain(`repo grafana: imported key ${key.fingerprint} from ${server.url}/${GRAFANA_RPM}/gpg.key into repoclash's keyring (as dnf would on first use)`);
    expect((await host(ctx.installroot, path.join(work, 'fedora-a.db'))).report.crawlNotes.filter((n) => n.includes('imported key'))).toEqual([]);
    // enabled=0 sections (debuginfo, source, testing) are not repos of the host.
    expect(report.repoCount).toBe(5);
    // Real dnf calls site-tools an extra: listed as stranded, but not a failure by default.
    const extras = await runDnf({ ...ctx, args: ['list', '--extras', '-q'] });
    expect(extras.stdout).toMatch(/^site-tools\./m);
    expect(by.get('site-tools')).toMatchObject({ action: 'stranded', risky: false, becameStranded: false });
    expect(report.failOn).toEqual(['vendor-change', 'downgrade']);
    expect(code).toBe(1); // the grafana vendor change
    // The shipped repos.yaml's Debian repos were skipped, in one note.
    expect(report.notes).toHaveLength(1);
    expect(report.skippedRepos.length).toBeGreaterThan(0);
  }, 180_000);

  it('without the vendor change the run is clean (exit 0) although a local build is stranded; a package that becomes stranded fails the next run', async () => {
    const ctx = await fedoraRoot('b');
    // The admin took grafana.com's repo out: grafana stays Fedora's.
    await unlink(path.join(ctx.installroot, 'etc/yum.repos.d/grafana.repo'));
    const db = path.join(work, 'fedora-b.db');
    const first = await host(ctx.installroot, db);
    expect(first.report.packages.filter((p) => p.risky)).toEqual([]);
    expect(first.report.packages.find((p) => p.name === 'site-tools')?.action).toBe('stranded');
    expect(first.code).toBe(0);
    // Asked for explicitly, stranded fails.
    expect((await host(ctx.installroot, db, ['--fail-on', 'stranded'])).code).toBe(1);
    // Then Docker's repo disappears: docker-ce is now an extra for real dnf too — that is news.
    await unlink(path.join(ctx.installroot, 'etc/yum.repos.d/docker-ce.repo'));
    const extras = await runDnf({ ...ctx, args: ['list', '--extras', '-q'] });
    expect(extras.stdout).toMatch(/^docker-ce\./m);
    const second = await host(ctx.installroot, db);
    const docker = second.report.packages.find((p) => p.name === 'docker-ce')!;
    expect(docker).toMatchObject({ action: 'stranded', becameStranded: true, risky: true });
    expect(second.report.packages.find((p) => p.name === 'site-tools')).toMatchObject({ becameStranded: false, risky: false });
    expect(second.code).toBe(1);
    // Once known, it is no longer news.
    const third = await host(ctx.installroot, db);
    expect(third.report.packages.find((p) => p.name === 'docker-ce')).toMatchObject({ becameStranded: false, risky: false });
    expect(third.code).toBe(0);
  }, 180_000);
});

describe('a Debian 12 root with apt.grafana.com (suite `stable`), no --config', () => {
  it("agrees with real apt; the vendor is the Release's Origin, so Debian's grafana → Grafana Labs' is a vendor change", async () => {
    const r = await debianRoot('debian-a');
    const { code, report, upgrade, full } = await compareApt(r, path.join(work, 'debian-a.db'), DEBIAN_INSTALLED.map((p) => p.name));
    expect(upgrade).toEqual([]);
    expect(full).toEqual([]);
    const by = new Map(report.packages.map((p) => [p.name, p]));
    expect(by.get('grafana')).toMatchObject({ action: 'vendor-change', from: { vendor: 'Debian' }, to: { vendor: 'Grafana Labs', evr: '11.1.0' }, risky: true });
    expect(by.get('curl')).toMatchObject({ action: 'upgrade', from: { vendor: 'Debian' }, to: { vendor: 'Debian', evr: '7.88.1-10+deb12u6' } });
    expect(by.get('site-tools')).toMatchObject({ action: 'stranded', from: { vendor: '(unknown: not in any repo)', repo: null }, risky: false });
    expect(report.partialData).toEqual([]);
    // The host is a Debian archive user: the shipped repos.yaml's bookworm repos are not skipped.
    expect(report.skippedRepos.map((x) => x.id)).not.toContain('bookworm');
    expect(code).toBe(1);
  }, 180_000);
});

describe('an Ubuntu 24.04 root with a PPA written by add-apt-repository (deb822, inline Signed-By key), no --config', () => {
  it('agrees with real apt; the inline key verifies the PPA; Ubuntu → the PPA is a vendor change', async () => {
    const r = await ubuntuRoot('ubuntu-a');
    const { code, report, upgrade, full } = await compareApt(r, path.join(work, 'ubuntu-a.db'), UBUNTU_INSTALLED.map((p) => p.name));
    expect(upgrade).toEqual([]);
    expect(full).toEqual([]);
    const by = new Map(report.packages.map((p) => [p.name, p]));
    expect(by.get('php8.3-cli')).toMatchObject({ action: 'vendor-change', from: { vendor: 'Ubuntu' }, to: { vendor: 'LP-PPA-ondrej-php' }, risky: true });
    expect(by.get('curl')).toMatchObject({ action: 'upgrade', to: { evr: '8.5.0-2ubuntu10.2' } });
    expect(report.partialData).toEqual([]);
    // Ubuntu is not a Debian archive: every $debian_mirror repo is skipped, in one note.
    expect(report.skippedRepos.map((x) => x.id)).toContain('bookworm');
    expect(report.notes).toHaveLength(1);
    expect(code).toBe(1);
  }, 180_000);
});

describe('one store for every root, in sequence', () => {
  /** A report without what is about the run rather than the host: its time, what its crawl did. */
  const stable = (r: HostReport) => ({ ...r, generatedAt: '', crawlNotes: [] });

  it('no refusal, no invented flip: each root reports exactly what it reports with a fresh store', async () => {
    const roots: Array<{ label: string; root: string }> = [
      { label: 'f40', root: (await fedoraRoot('one-store-40')).installroot },
      { label: 'f41', root: (await fedoraRoot('one-store-41', '41')).installroot },
      { label: 'debian', root: (await debianRoot('one-store-debian')).root },
      { label: 'ubuntu', root: (await ubuntuRoot('one-store-ubuntu')).root },
      { label: 'el9', root: (await el9Root(work, srv, server.url, key, 'one-store-el9')).installroot },
    ];
    const oneStore = path.join(work, 'one-store.db');
    // Fedora 40 and 41 alternate: under section ids they would share [fedora] and [updates]. The EL 9
    // root (modular AppStream, PGDG) comes twice, between the Debian and Ubuntu roots.
    const sequence = [roots[0]!, roots[1]!, roots[0]!, roots[2]!, roots[4]!, roots[1]!, roots[3]!, roots[4]!, roots[0]!];
    const seen = new Map<string, HostReport>();
    for (const { label, root } of sequence) {
      const run = await host(root, oneStore);
      expect(run.stderr, label).not.toMatch(/backwards|refus|rollback/i);
      expect(run.report.partialData, label).toEqual([]);
      expect(run.report.packages.filter((p) => p.history.pingpong !== undefined), label).toEqual([]);
      const fresh = await host(root, path.join(work, `fresh-${label}-${seen.size}.db`));
      expect(stable(run.report), label).toEqual(stable(fresh.report));
      expect(run.code, label).toBe(fresh.code);
      seen.set(`${label}-${seen.size}`, run.report);
    }
    // Fedora 41's [updates] really is another repo: its own versions, under its own name.
    const f41 = [...seen.entries()].find(([k]) => k.startsWith('f41'))![1];
    expect(f41.packages.find((p) => p.name === 'curl')).toMatchObject({ action: 'upgrade', to: { repo: 'updates', evr: '8.9.1-2.fc41' } });
  }, 600_000);

  it("two Debian hosts whose $debian_mirror differs: repos.yaml's bookworm is two repos of the store, each root reports what it reports alone", async () => {
    const roots = [
      { label: 'mirror-a', root: (await debianRoot('mirror-a')).root },
      { label: 'mirror-b', root: (await debianRoot('mirror-b', `${server.url}/${MIRROR_B}`)).root },
    ];
    const oneStore = path.join(work, 'one-store-mirrors.db');
    const sequence = [roots[0]!, roots[1]!, roots[0]!, roots[1]!];
    const reports = new Map<string, HostReport>();
    for (const [i, { label, root }] of sequence.entries()) {
      const run = await host(root, oneStore);
      expect(run.stderr, label).not.toMatch(/backwards|refus|rollback/i);
      expect(run.report.partialData, label).toEqual([]);
      expect(run.report.packages.filter((p) => p.history.pingpong !== undefined), label).toEqual([]);
      const fresh = await host(root, path.join(work, `fresh-mirror-${label}-${i}.db`));
      expect(stable(run.report), label).toEqual(stable(fresh.report));
      expect(run.code, label).toBe(fresh.code);
      reports.set(label, run.report);
    }
    // Both are repos.yaml's `bookworm` (the host source is that repo), each with its mirror's own versions.
    expect(reports.get('mirror-a')!.packages.find((p) => p.name === 'curl')).toMatchObject({ action: 'upgrade', to: { repo: 'bookworm-security' } });
    const stored = Store.open({ path: testStoreLocation(oneStore) });
    try {
      const bookworms = stored.repos().filter((r) => r.label === 'bookworm');
      expect(bookworms.map((r) => r.location).sort()).toEqual([`deb ${server.url}/${MIRROR_B}/ bookworm main amd64`, `deb ${server.url}/debian/ bookworm main amd64`].sort());
      for (const r of stored.repos()) expect(r.id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    } finally {
      stored.close();
    }
  }, 600_000);
});

describe('a store written before repos were identified by location', () => {
  it("the host's repos take over their old section-named history once; a second host with the same section names starts its own", async () => {
    const db = path.join(work, 'legacy.db');
    // The old layout: the host's [grafana] and [updates] stored under their section names.
    const legacyConfig = path.join(work, 'legacy-repos.yaml');
    await writeFile(
      legacyConfig,
      `version: 1\nrepos:\n  grafana:\n    vendor: Grafana Labs\n    role: upstream\n    format: rpm\n    baseurl: ${server.url}/${GRAFANA_RPM}\n  updates:\n    vendor: Fedora Project\n    role: distro\n    format: rpm\n    metalink: ${server.url}/metalink?repo=updates-released-f40&arch=x86_64\n`,
    );
    const crawl = await repoclash(emptyDir, ['crawl', '--config', legacyConfig, '--db', db, '--cache', `${db}-cache`]);
    expect(crawl.code).toBe(0);
    storeAsBeforeLocations(db, (repo) => repo.label ?? undefined);
    const before = Store.open({ path: testStoreLocation(db) });
    const legacySnapshots = before.snapshots('grafana');
    before.close();
    expect(legacySnapshots).toHaveLength(1);

    const f40 = await fedoraRoot('legacy-40');
    const run = await host(f40.installroot, db);
    const fresh = await host(f40.installroot, path.join(work, 'legacy-fresh.db'));
    expect({ ...run.report, generatedAt: '', crawlNotes: [] }).toEqual({ ...fresh.report, generatedAt: '', crawlNotes: [] });
    const after = Store.open({ path: testStoreLocation(db) });
    try {
      expect(after.hasRepo('grafana')).toBe(false);
      expect(after.hasRepo('updates')).toBe(false);
      const grafanaKey = after.repos().find((r) => r.location?.includes(GRAFANA_RPM))!.id;
      // The same history, moved: its first snapshot is the legacy one.
      expect(after.snapshots(grafanaKey)[0]!.fetchedAt).toBe(legacySnapshots[0]!.fetchedAt);
    } finally {
      after.close();
    }
    // Fedora 41's [updates] does not take Fedora 40's history: it gets its own.
    const f41 = await host((await fedoraRoot('legacy-41', '41')).installroot, db);
    expect(f41.report.partialData).toEqual([]);
    expect(f41.report.packages.find((p) => p.name === 'curl')?.to?.evr).toBe('8.9.1-2.fc41');
  }, 300_000);
});
