/**
 * Sections of repo files as the distributions ship them in /etc/yum.repos.d, for the tests that
 * read such files (the ini and yum.repos.d parsers, `host --root`). The mirror address is the one
 * part that varies: the distribution's own in the parser tests, the loopback server's where a test
 * serves the repos.
 */

/** The [fedora] section of Fedora 40's fedora.repo; `metalinkBase` stands for https://mirrors.fedoraproject.org. */
export function fedoraSection(metalinkBase: string): string {
  return `[fedora]
name=Fedora $releasever - $basearch
#baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/$basearch/os/
metalink=${metalinkBase}/metalink?repo=fedora-$releasever&arch=$basearch
enabled=1
countme=1
metadata_expire=7d
repo_gpgcheck=0
type=rpm
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False
`;
}

const ROCKY_NAMES = { baseos: 'BaseOS', appstream: 'AppStream', crb: 'CRB' } as const;

/** One section of Rocky Linux 9's rocky.repo; `mirrorlistBase` stands for https://mirrors.rockylinux.org. */
export function rockySection(id: keyof typeof ROCKY_NAMES, enabled: boolean, mirrorlistBase: string): string {
  const name = ROCKY_NAMES[id];
  return `[${id}]
name=Rocky Linux $releasever - ${name}
mirrorlist=${mirrorlistBase}/mirrorlist?arch=$basearch&repo=${name}-$releasever$rltype
#baseurl=http://dl.rockylinux.org/$contentdir/$releasever/${name}/$basearch/os/
gpgcheck=1
enabled=${enabled ? 1 : 0}
countme=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9
`;
}
