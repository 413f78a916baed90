"""Oracle for test/config/yum-repos.test.ts: let the real dnf 4 CLI read an install root's repo
configuration (no network: only `Cli.configure`, which reads dnf.conf, vars and .repo files but
fetches nothing) and print what it resolved, as JSON on stdout.

usage: /usr/bin/python3 dump-dnf-repos.py ROOT [extra dnf args…]
"""
import json
import logging
import sys

import dnf.cli.cli
import dnf.logging

root = sys.argv[1]
extra = sys.argv[2:]
base = dnf.cli.cli.BaseCli()
cli = dnf.cli.cli.Cli(base)
# Keep dnf's warnings (bad files, duplicate ids) out of stdout; the JSON is the only output there.
logging.getLogger('dnf').addHandler(logging.StreamHandler(sys.stderr))
cli.configure(['--installroot', root, '--noplugins', '-q', *extra, 'repolist', '--all'])
conf = base.conf


def listed(value):
    return [str(v) for v in value]


out = {
    'main': {
        'reposdir': listed(conf.reposdir),
        'excludepkgs': listed(conf.excludepkgs),
        'includepkgs': listed(conf.includepkgs),
        'allow_vendor_change': bool(conf.allow_vendor_change),
        'best': bool(conf.best),
        'skip_if_unavailable': bool(conf.skip_if_unavailable),
        'substitutions': {k: v for k, v in conf.substitutions.items() if v is not None},
    },
    'repos': [],
}
# RepoDict.values() sorts by (priority, cost); dict.values() is the load order we compare with.
for repo in dict.values(base.repos):
    out['repos'].append({
        'id': repo.id,
        'name': repo.name,
        'enabled': bool(repo.enabled),
        'baseurl': listed(repo.baseurl),
        'metalink': repo.metalink or None,
        'mirrorlist': repo.mirrorlist or None,
        'priority': int(repo.priority),
        'cost': int(repo.cost),
        'excludepkgs': listed(repo.excludepkgs),
        'includepkgs': listed(repo.includepkgs),
        'gpgcheck': bool(repo.gpgcheck),
        'repo_gpgcheck': bool(repo.repo_gpgcheck),
        'gpgkey': listed(repo.gpgkey),
        'module_hotfixes': bool(repo.module_hotfixes),
        'skip_if_unavailable': bool(repo.skip_if_unavailable),
        'repofile': repo.repofile,
    })
json.dump(out, sys.stdout, indent=1)
sys.stdout.write('\n')
