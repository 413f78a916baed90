import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.js';
import { loadYumRepos, rpmCompatibleArches, type YumReposResult } from '../../src/config/yum-repos.js';
import type { RpmRepoConfig } from '../../src/config/types.js';
import { dnfDumpRepos, type DnfDump } from '../support/libdnf-oracles.js';
import { fedoraSection, rockySection } from '../support/shipped-repo-files.js';
import { execTool } from '../support/exec.js';

type Tree = Record<string, string>;

async function writeTree(root: string, tree: Tree): Promise<void> {
  for (const [rel, text] of Object.entries(tree)) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

// --- Root A: a Fedora 40 workstation with grafana.com, docker-ce and PGDG ----------------------
const FEDORA_HOST: Tree = {
  'etc/os-release': 'NAME="Fedora Linux"\nVERSION="40 (Workstation Edition)"\nID=fedora\nVERSION_ID=40\n',
  'etc/dnf/dnf.conf': `# see \`man dnf.conf\` for defaults and possible options

[main]
gpgcheck=True
installonly_limit=3
clean_requirements_on_remove=True
best=False
skip_if_unavailable=True
exclude=kernel-debug*
`,
  'etc/dnf/vars/pgmajor': '16\n',
  'etc/yum.repos.d/fedora.repo': `${fedoraSection('https://mirrors.fedoraproject.org')}
[fedora-debuginfo]
name=Fedora $releasever - $basearch - Debug
metalink=https://mirrors.fedoraproject.org/metalink?repo=fedora-debug-$releasever&arch=$basearch
enabled=0
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
`,
  'etc/yum.repos.d/fedora-updates.repo': `[updates]
name=Fedora $releasever - $basearch - Updates
metalink=https://mirrors.fedoraproject.org/metalink?repo=updates-released-f$releasever&arch=$basearch
enabled=1
repo_gpgcheck=0
gpgcheck=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False
`,
  'etc/yum.repos.d/fedora-updates-testing.repo': `[updates-testing]
name=Fedora $releasever - $basearch - Test Updates
metalink=https://mirrors.fedoraproject.org/metalink?repo=updates-testing-f$releasever&arch=$basearch
enabled=0
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
`,
  'etc/yum.repos.d/grafana.repo': `[grafana]
# repoclash-vendor: Grafana Labs
# repoclash-role: upstream
name=grafana
baseurl=https://rpm.grafana.com
repo_gpgcheck=1
enabled=1
gpgcheck=1
gpgkey=https://rpm.grafana.com/gpg.key
sslverify=1
sslcacert=/etc/pki/tls/certs/ca-bundle.crt
exclude=*beta*
`,
  'etc/yum.repos.d/docker-ce.repo': `[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=https://download.docker.com/linux/fedora/$releasever/$basearch/stable
enabled=1
gpgcheck=1
gpgkey=https://download.docker.com/linux/fedora/gpg

[docker-ce-test]
name=Docker CE Test - $basearch
baseurl=https://download.docker.com/linux/fedora/$releasever/$basearch/test
enabled=0
gpgcheck=1
gpgkey=https://download.docker.com/linux/fedora/gpg
`,
  'etc/yum.repos.d/pgdg-fedora-all.repo': `[pgdg$pgmajor]
name=PostgreSQL $pgmajor for Fedora $releasever - $basearch
baseurl=https://download.postgresql.org/pub/repos/yum/$pgmajor/fedora/fedora-$releasever-$basearch
        https://mirror.$pgmirror_domain/pgdg/$pgmajor/fedora/fedora-$releasever-$basearch
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora
priority=20
cost = 500
excludepkgs=postgresql-jdbc*, pgadmin*
  timescaledb*

[pgdg15]
name=PostgreSQL 15 for Fedora $releasever - $basearch
baseurl=https://download.postgresql.org/pub/repos/yum/15/fedora/fedora-$releasever-$basearch
enabled=0
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora
`,
};
const FEDORA_ENV = { DNF_VAR_pgmirror_domain: 'example.org' };

// --- Root C: edge cases dnf resolves in particular ways ----------------------------------------
const EDGE_HOST: Tree = {
  'etc/dnf/dnf.conf': `[main]
enabled=0
repo_gpgcheck=1
excludepkgs=g1 g2
exclude=g3
includepkgs=i*
allow_vendor_change=False
best=yes
toString=1
constructor=0
reposdir=/opt/repos, /etc/yum.repos.d
varsdir=/etc/dnf/vars /etc/custom-vars

[inconf]
name=defined in dnf.conf
baseurl=http://conf.example/$basearch
enabled=1
`,
  'etc/custom-vars/site': 'site-b\n',
  'etc/dnf/vars/site': 'site-a\n',
  'etc/dnf/vars/zone': 'eu\n',
  // dnf sorts the .repo files of all reposdirs together by path components, not dir by dir:
  // although /opt/repos is listed first, "etc" < "opt" puts etc/yum.repos.d's files first.
  'opt/repos/0-first.repo': '[opt-first]\nname=opt\nbaseurl=http://opt.example/\nenabled=yes\n',
  'etc/yum.repos.d/b.repo': `[b1]
name="quoted name"
baseurl=http://b.example/$site/$zone
enabled=1
priority=7x
cost=-5
includepkgs=own*
exclude=e1
excludepkgs=e2
[b2]
name=B2
mirrorlist=http://mirrors.example/?zone=$zone&site=$site
enabled=2
priority=abc
exclude=e1
excludepkgs=,e9
skip_if_unavailable=1
module_hotfixes=true
[bad id]
name=skipped by dnf
baseurl=http://bad.example/
[main]
baseurl=http://main-in-a-repo-file.example/
[nourl]
name=no location at all
enabled=1
`,
  'etc/yum.repos.d/a.repo': `[a1]
name=A1
baseurl=http://a.example/1, http://a.example/2
\thttp://a.example/3
metalink=None
enabled=True
priority=7x
cost=-5
[b1]
name=duplicate of b.repo's b1; a.repo sorts first so this one wins
baseurl=http://dup.example/
enabled=1
`,
  'etc/yum.repos.d/.hidden.repo': '[hidden]\nname=hidden\nbaseurl=http://hidden.example/\n',
  'etc/yum.repos.d/notes.txt': '[txt]\nname=not a repo file\nbaseurl=http://txt.example/\n',
};

/** The fields compared with dnf, in dnf's vocabulary; includes and excludes merged as we do. */
function comparable(repo: RpmRepoConfig) {
  return {
    id: repo.id,
    name: repo.name,
    enabled: repo.enabled,
    baseurl: repo.baseurl,
    metalink: repo.metalink ?? null,
    mirrorlist: repo.mirrorlist ?? null,
    priority: repo.priority,
    cost: repo.cost,
    excludepkgs: repo.excludepkgs,
    includepkgs: repo.includepkgs,
    repo_gpgcheck: repo.repoGpgcheck,
    module_hotfixes: repo.moduleHotfixes,
    skip_if_unavailable: repo.skipIfUnavailable,
    repofile: repo.definedAt.file,
  };
}

function comparableFromDnf(dump: DnfDump) {
  return dump.repos.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    baseurl: r.baseurl,
    metalink: r.metalink,
    mirrorlist: r.mirrorlist,
    priority: r.priority,
    cost: r.cost,
    excludepkgs: [...new Set([...dump.main.excludepkgs, ...r.excludepkgs])],
    includepkgs: r.includepkgs.length > 0 ? r.includepkgs : dump.main.includepkgs,
    repo_gpgcheck: r.repo_gpgcheck,
    module_hotfixes: r.module_hotfixes,
    skip_if_unavailable: r.skip_if_unavailable,
    repofile: r.repofile,
  }));
}

describe('loadYumRepos vs real dnf 4.14 (differential)', () => {
  let fedoraRoot: string;
  let edgeRoot: string;
  beforeAll(async () => {
    fedoraRoot = await mkdtemp(path.join(os.tmpdir(), 'repoclash-yum-fedora-'));
    edgeRoot = await mkdtemp(path.join(os.tmpdir(), 'repoclash-yum-edge-'));
    await writeTree(fedoraRoot, FEDORA_HOST);
    await writeTree(edgeRoot, EDGE_HOST);
  });
  afterAll(async () => {
    await rm(fedoraRoot, { recursive: true, force: true });
    await rm(edgeRoot, { recursive: true, force: true });
  });

  const cases: [name: string, root: () => string, env: Record<string, string>, releasever: string][] = [
    ['Fedora 40 + grafana.com + docker-ce + pgdg', () => fedoraRoot, FEDORA_ENV, '40'],
    ['edge cases: inheritance, bad values, ids, order, append lists', () => edgeRoot, {}, '9'],
  ];
  for (const [name, root, env, releasever] of cases) {
    it(name, async () => {
      const dnf = await dnfDumpRepos(root(), ['--releasever', releasever], env);
      const ours = await loadYumRepos({ root: root(), env: { ...process.env, ...env }, releasever });
      // Every repo dnf loaded, in dnf's load order, with the same resolved settings.
      expect(ours.repos.map(comparable)).toEqual(comparableFromDnf(dnf));
      expect(Object.fromEntries(ours.vars)).toEqual(dnf.main.substitutions);
      expect(ours.main.reposdir.map((d) => path.join(root(), d))).toEqual(dnf.main.reposdir);
      expect({
        allowVendorChange: ours.main.allowVendorChange,
        best: ours.main.best,
        excludepkgs: ours.main.excludepkgs,
        includepkgs: ours.main.includepkgs,
        skipIfUnavailable: ours.main.skipIfUnavailable,
      }).toEqual({
        allowVendorChange: dnf.main.allow_vendor_change,
        best: dnf.main.best,
        excludepkgs: dnf.main.excludepkgs,
        includepkgs: dnf.main.includepkgs,
        skipIfUnavailable: dnf.main.skip_if_unavailable,
      });
      expect(ours.repos.length).toBeGreaterThanOrEqual(6);
      // Option names like toString/constructor in [main] must not leak onto the object.
      expect(Object.keys(ours.main).sort()).toEqual(
        ['access', 'allowVendorChange', 'best', 'enabled', 'excludepkgs', 'file', 'includepkgs', 'installonlyPkgs', 'pluginconfpath', 'plugins', 'proxy', 'repoGpgcheck', 'reposdir', 'skipIfUnavailable', 'varsdir'],
      );
    });
  }

  it('Fedora root: what repoclash adds on top of dnf (vendor, role, keys, profile)', async () => {
    const result = await loadYumRepos({ root: fedoraRoot, env: FEDORA_ENV, arch: 'x86_64' });
    const byId = new Map(result.repos.map((r) => [r.id, r]));
    // releasever came from os-release (no option given).
    expect(byId.get('docker-ce-stable')!.baseurl).toEqual(['https://download.docker.com/linux/fedora/40/x86_64/stable']);
    const fedora = byId.get('fedora')!;
    expect(fedora).toMatchObject({ vendor: 'Fedora Project', role: 'distro', priority: 99, cost: 1000 });
    expect(fedora.signingKey).toEqual({ file: path.join(fedoraRoot, 'etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-40-x86_64') });
    expect(fedora.definedAt).toEqual({ file: path.join(fedoraRoot, 'etc/yum.repos.d/fedora.repo'), line: 1 });
    expect(byId.get('updates')).toMatchObject({ vendor: 'Fedora Project', role: 'distro' });
    expect(byId.get('grafana')).toMatchObject({ vendor: 'Grafana Labs', role: 'upstream', repoGpgcheck: true, signingKey: { url: 'https://rpm.grafana.com/gpg.key' } });
    expect(byId.get('grafana')!.excludepkgs).toEqual(['kernel-debug*', '*beta*']);
    expect(byId.get('docker-ce-stable')).toMatchObject({ vendor: 'download.docker.com', role: 'third-party' });
    const pgdg = byId.get('pgdg16')!;
    expect(pgdg).toMatchObject({ vendor: 'download.postgresql.org', priority: 20, cost: 500 });
    expect(pgdg.baseurl).toEqual([
      'https://download.postgresql.org/pub/repos/yum/16/fedora/fedora-40-x86_64',
      'https://mirror.example.org/pgdg/16/fedora/fedora-40-x86_64',
    ]);
    expect(pgdg.excludepkgs).toEqual(['kernel-debug*', 'postgresql-jdbc*', 'pgadmin*', 'timescaledb*']);
    expect(pgdg.signingKey).toEqual({ file: path.join(fedoraRoot, 'etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-Fedora') });

    expect(result.profile).toMatchObject({
      name: 'system',
      format: 'rpm',
      arches: ['x86_64', 'i686', 'i586', 'i486', 'i386', 'noarch'],
      allowVendorChange: true,
      vendorSticky: false,
    });
    // Enabled repos only, in load order (file names sort: docker-ce, fedora, fedora-updates, …).
    expect(result.profile.repos).toEqual(['docker-ce-stable', 'fedora', 'updates', 'grafana', 'pgdg16']);
    // Its https gpgkey is imported at crawl time, so repo_gpgcheck is no longer unverifiable.
    expect(result.warnings.some((w) => w.includes('grafana') && w.includes('repo_gpgcheck'))).toBe(false);
  });
});

// --- Root B: a Rocky Linux 9.4 host (no oracle: uses syntax newer than dnf 4.14) ---------------
const ROCKY_HOST: Tree = {
  'etc/os-release': 'NAME="Rocky Linux"\nVERSION="9.4 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n',
  // No dnf.conf: yum.conf is read instead.
  'etc/yum.conf': '[main]\ngpgcheck=1\nallow_vendor_change=False\nexclude=kernel-rt*\n',
  'etc/dnf/vars/contentdir': 'pub/rocky\n',
  'etc/dnf/vars/rltype': '\n',
  'etc/yum.repos.d/rocky.repo': `${rockySection('baseos', true, 'https://mirrors.rockylinux.org')}
[appstream]
name=Rocky Linux $releasever - AppStream
baseurl=http://dl.rockylinux.org/\${contentdir}/$releasever_major/AppStream/$basearch/os/
enabled=1
`,
  'etc/yum.repos.d/epel.repo': `[epel]
name=Extra Packages for Enterprise Linux $releasever - $basearch
metalink=https://mirrors.fedoraproject.org/metalink?repo=epel-$releasever&arch=$basearch&infra=$infra&content=$contentdir
enabled=1
gpgcheck=1
countme=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-$releasever
excludepkgs=grafana*
`,
  'etc/yum.repos.d/vendor.repo': `# repoclash-vendor: Example Corp
[example-agent]
name=Agent
baseurl=https://packages.example.com/\${channel:-stable}/el$releasever_major/$basearch\${debug:+-debug}
enabled=1

# repoclash-vendor: Misplaced Inc
[example-tools]
# repoclash-role: sideways
# repoclash-vendor: Example Tools Division
baseurl=file:///srv/repo/tools/
enabled=1

[example-extras]
baseurl=https://extras.example.com/el$releasever/
enabled=0
`,
};

describe('loadYumRepos on a Rocky 9 host', () => {
  let root: string;
  let result: YumReposResult;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'repoclash-yum-rocky-'));
    await writeTree(root, ROCKY_HOST);
    result = await loadYumRepos({ root, env: {}, arch: 'aarch64' });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const repo = (id: string) => {
    const r = result.repos.find((x) => x.id === id);
    if (!r) throw new Error(`no repo ${id}`);
    return r;
  };

  it('falls back to yum.conf and detects releasever 9 (major) from os-release', () => {
    expect(result.main.file).toBe(path.join(root, 'etc/yum.conf'));
    expect(result.main.allowVendorChange).toBe(false);
    expect(result.profile.allowVendorChange).toBe(false);
    expect(result.vars.get('releasever')).toBe('9');
    expect(repo('baseos').mirrorlist).toBe('https://mirrors.rockylinux.org/mirrorlist?arch=aarch64&repo=BaseOS-9');
  });

  it('expands ${var}, $releasever_major and var files', () => {
    expect(repo('appstream').baseurl).toEqual(['http://dl.rockylinux.org/pub/rocky/9/AppStream/aarch64/os/']);
  });

  it('${var:-word} / ${var:+word} with and without DNF_VAR_ env', async () => {
    expect(repo('example-agent').baseurl).toEqual(['https://packages.example.com/stable/el9/aarch64']);
    const withEnv = await loadYumRepos({ root, env: { DNF_VAR_channel: 'beta', DNF_VAR_debug: '1' }, arch: 'aarch64' });
    expect(withEnv.repos.find((r) => r.id === 'example-agent')!.baseurl).toEqual([
      'https://packages.example.com/beta/el9/aarch64-debug',
    ]);
  });

  it('unknown variables stay as written', () => {
    expect(repo('epel').metalink).toBe(
      'https://mirrors.fedoraproject.org/metalink?repo=epel-9&arch=aarch64&infra=$infra&content=pub/rocky',
    );
  });

  it('vendor and role: distro ids, EPEL, hints, hostname fallback', () => {
    expect(repo('baseos')).toMatchObject({ role: 'distro', vendor: 'Rocky Enterprise Software Foundation' });
    expect(repo('appstream')).toMatchObject({ role: 'distro', vendor: 'Rocky Enterprise Software Foundation' });
    expect(repo('epel')).toMatchObject({ role: 'third-party', vendor: 'Fedora Project' });
    expect(repo('epel').excludepkgs).toEqual(['kernel-rt*', 'grafana*']);
    expect(repo('epel').signingKey).toEqual({ file: path.join(root, 'etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-9') });
    expect(repo('example-agent').role).toBe('third-party');
    // The file-header hint covers sections without their own.
    expect(repo('example-extras')).toMatchObject({ vendor: 'Example Corp', role: 'third-party', enabled: false });
    expect(repo('example-tools')).toMatchObject({ vendor: 'Example Tools Division', role: 'third-party', name: 'example-tools' });
    expect(result.warnings.some((w) => w.includes('vendor.repo:') && w.includes('sideways'))).toBe(true);
  });

  it('a hint written just above the next [section] stays with its own section, with a warning', () => {
    // "Misplaced Inc" sits after [example-agent]'s keys, directly above [example-tools].
    expect(repo('example-agent').vendor).toBe('Misplaced Inc');
    expect(result.warnings.some((w) => /vendor\.repo:7: .*directly above \[example-tools\]/.test(w))).toBe(true);
    expect(result.warnings.filter((w) => w.includes('directly above'))).toHaveLength(1);
  });

  it('profile arches follow the arch option', () => {
    expect(result.profile.arches).toEqual(['aarch64', 'noarch']);
    // File order: epel.repo, rocky.repo, vendor.repo.
    expect(result.profile.repos).toEqual(['epel', 'baseos', 'appstream', 'example-agent', 'example-tools']);
  });
});

describe('loadYumRepos errors', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'repoclash-yum-bad-'));
    await writeTree(root, {
      'etc/os-release': 'ID=fedora\nVERSION_ID=41\n',
      'etc/dnf/dnf.conf': '[main]\n',
      'etc/yum.repos.d/good.repo': '[good]\nname=good\nbaseurl=http://good.example/$releasever/\n',
      'etc/yum.repos.d/broken.repo': '[ok-so-far]\nname=x\nbaseurl=http://x.example/\nthis line is neither\n',
    });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a malformed line throws ConfigError with file:line', async () => {
    const err = await loadYumRepos({ root, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe(path.join(root, 'etc/yum.repos.d/broken.repo'));
    expect((err as ConfigError).line).toBe(4);
    expect((err as ConfigError).describe()).toContain('broken.repo:4');
  });

  it('strict: false skips the file with a warning, like dnf', async () => {
    const result = await loadYumRepos({ root, env: {}, strict: false });
    expect(result.repos.map((r) => r.id)).toEqual(['good']);
    expect(result.repos[0]!.baseurl).toEqual(['http://good.example/41/']);
    expect(result.warnings.some((w) => w.includes('broken.repo:4'))).toBe(true);
  });

  it('a malformed dnf.conf always throws', async () => {
    const bad = await mkdtemp(path.join(os.tmpdir(), 'repoclash-yum-badconf-'));
    try {
      await writeTree(bad, { 'etc/dnf/dnf.conf': '[main]\ngpgcheck=1\nbest\n' });
      const err = await loadYumRepos({ root: bad, env: {}, strict: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).line).toBe(3);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('an unknown arch option is a usage error', async () => {
    await expect(loadYumRepos({ root, env: {}, arch: 'pdp11' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('rpmCompatibleArches', () => {
  it("is the arch list of dnf's own libsolv pool (hawkey Sack.list_arches), in preference order, noarch last", async () => {
    const arches = ['x86_64', 'i686', 'i586', 'i486', 'aarch64', 'ppc64le', 'ppc64', 's390x', 'armv7hl'];
    const { stdout } = await execTool('/usr/bin/python3', [
      '-c',
      'import json, sys, hawkey; print(json.dumps({a: hawkey.Sack(arch=a, make_cache_dir=False).list_arches() for a in sys.argv[1:]}))',
      ...arches,
    ]);
    const pool = JSON.parse(stdout) as Record<string, string[]>;
    // hawkey lists noarch first, then the arches by libsolv's score (best first).
    for (const arch of arches) expect(rpmCompatibleArches(arch), arch).toEqual([...pool[arch]!.filter((a) => a !== 'noarch'), 'noarch']);
    // Multilib: an x86_64 host installs (and upgrades) i686 builds.
    expect(rpmCompatibleArches('x86_64')).toEqual(['x86_64', 'i686', 'i586', 'i486', 'i386', 'noarch']);
  });
});
