/**
 * An EL 9 root as a new user meets it: Rocky Linux's own .repo file (BaseOS and an AppStream with a
 * postgresql module whose default stream is 13, reached through mirrorlists with $releasever) plus
 * PGDG's repo file as PGDG ships it (repo_gpgcheck=1 with its key file). The repos are built under a
 * server root in paths named after the real hosts; only the address changes. Used by the EL 9 test
 * and by the one-store-for-every-root test.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DnfContext } from './dnf.js';
import { seedInstalled } from './dnf.js';
import type { GpgKey } from './gpg.js';
import { addModulesYaml, buildRpmRepo, buildRpms, modulesYamlText, type RpmSpec } from './rpm-repo.js';
import { rockySection } from './shipped-repo-files.js';

const ROCKY = 'Rocky Enterprise Software Foundation';
export const PGDG = 'PostgreSQL Global Development Group';
const BASEOS = 'dl.rockylinux.org/pub/rocky/9.4/BaseOS/x86_64/os';
const APPSTREAM = 'dl.rockylinux.org/pub/rocky/9.4/AppStream/x86_64/os';
const PGDG_COMMON = 'download.postgresql.org/pub/repos/yum/common/redhat/rhel-9-x86_64';
const PGDG16 = 'download.postgresql.org/pub/repos/yum/16/redhat/rhel-9-x86_64';
const PGDG17 = 'download.postgresql.org/pub/repos/yum/17/redhat/rhel-9-x86_64';

const rpm = (name: string, evr: string, vendor: string, extra: Partial<RpmSpec> = {}): RpmSpec => {
  const [version, release] = evr.split('-') as [string, string];
  return { name, version, release, vendor, arch: 'x86_64', ...extra };
};
const PG_MODULE = ['postgresql', 'postgresql-server', 'postgresql-contrib'];
const modular = (evr: string) => PG_MODULE.map((n) => rpm(n, evr, ROCKY));
const artifacts = (evr: string) => PG_MODULE.map((n) => `${n}-0:${evr}.x86_64`);

const INSTALLED: RpmSpec[] = [
  rpm('bash', '5.1.8-6.el9', ROCKY),
  ...modular('13.14-1.module+el9.4.0+20001+a1b2c3d4'),
  rpm('libpq-devel', '13.11-1.el9', ROCKY),
  // Installed from PGDG once (with the module disabled); PGDG's packages provide the module's names.
  rpm('postgresql16-server', '16.2-1PGDG.rhel9', PGDG, { provides: ['postgresql-server = 16.2-1PGDG.rhel9'] }),
];

/** The repo files, as Rocky 9 and PGDG ship them; `A` is the server's address. */
function repoFiles(A: string): Record<string, string> {
  return {
    'rocky.repo': `# rocky.repo
#
# The mirrorlist system uses the connecting IP address of the client and the
# update status of each mirror to pick current mirrors that are geographically
# close to the client.  You should use this for Rocky updates unless you are
# manually picking other mirrors.
#
# If the mirrorlist does not work for you, you can try the commented out
# baseurl line instead.

${rockySection('baseos', true, `${A}/mirrors.rockylinux.org`)}
${rockySection('appstream', true, `${A}/mirrors.rockylinux.org`)}
${rockySection('crb', false, `${A}/mirrors.rockylinux.org`)}`,
    'pgdg-redhat-all.repo': `#######################################################
# PGDG Red Hat Enterprise Linux / Rocky repositories  #
#######################################################

# PGDG Red Hat Enterprise Linux / Rocky common repositories.

[pgdg-common]
name=PostgreSQL common RPMs for RHEL / Rocky / AlmaLinux $releasever - $basearch
baseurl=${A}/download.postgresql.org/pub/repos/yum/common/redhat/rhel-$releasever-$basearch
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-RHEL
repo_gpgcheck = 1

# PGDG Red Hat Enterprise Linux / Rocky stable repositories:

[pgdg17]
name=PostgreSQL 17 for RHEL / Rocky / AlmaLinux $releasever - $basearch
baseurl=${A}/download.postgresql.org/pub/repos/yum/17/redhat/rhel-$releasever-$basearch
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-RHEL
repo_gpgcheck = 1

[pgdg16]
name=PostgreSQL 16 for RHEL / Rocky / AlmaLinux $releasever - $basearch
baseurl=${A}/download.postgresql.org/pub/repos/yum/16/redhat/rhel-$releasever-$basearch
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-RHEL
repo_gpgcheck = 1

# PGDG RHEL / Rocky / AlmaLinux Updates Testing common repositories.

[pgdg-common-testing]
name=PostgreSQL common testing RPMs for RHEL / Rocky / AlmaLinux $releasever - $basearch
baseurl=${A}/download.postgresql.org/pub/repos/yum/testing/common/redhat/rhel-$releasever-$basearch
enabled=0
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-RHEL
repo_gpgcheck = 1
`,
  };
}

/** Build the Rocky 9 and PGDG repos under `srv` (the server's root, before the server starts). */
export async function buildEl9Repos(srv: string, key: GpgKey): Promise<void> {
  await buildRpmRepo({ dir: path.join(srv, BASEOS), rpms: [rpm('bash', '5.1.8-6.el9', ROCKY), rpm('bash', '5.1.8-9.el9', ROCKY)] });
  await buildRpmRepo({
    dir: path.join(srv, APPSTREAM),
    rpms: [
      ...modular('13.14-1.module+el9.4.0+20001+a1b2c3d4'),
      ...modular('13.16-1.module+el9.4.0+21001+a1b2c3d4'),
      ...modular('15.8-1.module+el9.4.0+21002+b2c3d4e5'),
      rpm('libpq-devel', '13.11-1.el9', ROCKY),
    ],
  });
  await addModulesYaml(
    path.join(srv, APPSTREAM),
    modulesYamlText(
      [
        { name: 'postgresql', stream: '13', version: 9040020240101, platform: ['el9'], artifacts: artifacts('13.14-1.module+el9.4.0+20001+a1b2c3d4') },
        { name: 'postgresql', stream: '13', version: 9040020240801, platform: ['el9'], artifacts: artifacts('13.16-1.module+el9.4.0+21001+a1b2c3d4') },
        { name: 'postgresql', stream: '15', version: 9040020240801, context: 'b2c3d4e5', platform: ['el9'], artifacts: artifacts('15.8-1.module+el9.4.0+21002+b2c3d4e5') },
      ],
      { postgresql: '13' },
    ),
  );
  await buildRpmRepo({ dir: path.join(srv, PGDG_COMMON), rpms: [rpm('pgdg-redhat-repo', '42.0-45PGDG', PGDG, { arch: 'noarch' })], signWith: key });
  await buildRpmRepo({
    dir: path.join(srv, PGDG16),
    rpms: [rpm('postgresql16-server', '16.2-1PGDG.rhel9', PGDG, { provides: ['postgresql-server = 16.2-1PGDG.rhel9'] }), rpm('postgresql16-server', '16.4-1PGDG.rhel9', PGDG, { provides: ['postgresql-server = 16.4-1PGDG.rhel9'] })],
    signWith: key,
  });
  await buildRpmRepo({
    dir: path.join(srv, PGDG17),
    rpms: [rpm('postgresql17-devel', '17.2-1PGDG.rhel9', PGDG, { obsoletes: ['libpq-devel <= 42.0'], provides: ['libpq-devel = 42.0'] })],
    signWith: key,
  });
  await buildRpmRepo({ dir: path.join(srv, 'download.postgresql.org/pub/repos/yum/testing/common/redhat/rhel-9-x86_64'), rpms: [] });
}

/**
 * The Rocky 9 root under `work`, with its repo files pointing at `serverUrl` (the server whose
 * root holds the repos of buildEl9Repos): a dnf context for real dnf in that root.
 */
export async function el9Root(work: string, srv: string, serverUrl: string, key: GpgKey, label = 'rocky9'): Promise<DnfContext> {
  // Rocky's mirror manager answers with a list of mirrors.
  for (const [repo, dir] of [['BaseOS', BASEOS], ['AppStream', APPSTREAM]] as const) {
    await mkdir(path.join(srv, 'mirrors.rockylinux.org'), { recursive: true });
    await writeFile(path.join(srv, 'mirrors.rockylinux.org', `mirrorlist?arch=x86_64&repo=${repo}-9`), `${serverUrl}/${dir}/\n`);
  }

  const root = path.join(work, label);
  await seedInstalled(root, await buildRpms(INSTALLED, path.join(work, `${label}-installed`)));
  await mkdir(path.join(root, 'etc/yum.repos.d'), { recursive: true });
  for (const [name, text] of Object.entries(repoFiles(serverUrl))) await writeFile(path.join(root, 'etc/yum.repos.d', name), text);
  // Rocky ships $rltype empty and $contentdir as pub/rocky.
  await mkdir(path.join(root, 'etc/dnf/vars'), { recursive: true });
  await writeFile(path.join(root, 'etc/dnf/vars/rltype'), '\n');
  await writeFile(path.join(root, 'etc/dnf/vars/contentdir'), 'pub/rocky\n');
  await writeFile(
    path.join(root, 'etc/os-release'),
    'NAME="Rocky Linux"\nVERSION="9.4 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n',
  );
  await mkdir(path.join(root, 'etc/pki/rpm-gpg'), { recursive: true });
  await copyFile(key.publicKeyArmoredPath, path.join(root, 'etc/pki/rpm-gpg/PGDG-RPM-GPG-KEY-RHEL'));
  return { installroot: root, repos: [], ownRepoFiles: true, releasever: '9', forcearch: 'x86_64' };
}
