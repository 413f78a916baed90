/** repos.yaml texts that several CLI tests share. */

/**
 * A config with one repo that works (`good`, Grafana Labs' grafana at GOOD_URL) and one whose
 * location answers nothing (`gone`): the smallest partial crawl, exit 3 with one line for `gone`.
 * `profile` adds a profile holding both.
 */
export function goodAndGoneConfig(goodUrl: string, goneUrl: string, profile?: string): string {
  return `repos:
  good:
    vendor: Grafana Labs
    role: upstream
    format: rpm
    baseurl: ${goodUrl}
  gone:
    vendor: Nobody
    role: third-party
    format: rpm
    baseurl: ${goneUrl}
${profile ? `profiles:\n  ${profile}: { repos: [good, gone], arch: x86_64 }\n` : ''}`;
}

/** A two-repo rpm config (a distro and an upstream vendor in one profile), plus extra YAML. */
export function twoVendorConfig(baseUrl: string, extraRepos = '', extraTop = ''): string {
  return `repos:
  distro:
    vendor: Fedora Project
    role: distro
    format: rpm
    baseurl: ${baseUrl}/distro/
  vendor:
    vendor: Grafana Labs
    role: upstream
    format: rpm
    baseurl: ${baseUrl}/vendor/
${extraRepos}profiles:
  p:
    repos: [distro, vendor${extraRepos ? ', gone' : ''}]
    arch: x86_64
${extraTop}`;
}

/**
 * A repos.yaml that only has to parse: one disabled repo that is never fetched. For runs whose
 * subject is the host's own repos (`host --root`, `crawl --system`), not the shipped config's.
 */
export const HOST_REPOS_ONLY_CONFIG = 'version: 1\nrepos:\n  unused:\n    vendor: Nobody\n    role: third-party\n    format: rpm\n    enabled: false\n    baseurl: http://127.0.0.1:9/\n';
