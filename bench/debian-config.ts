/**
 * repos.yaml text for live Debian suites (main, amd64), located through this host's apt sources at
 * run time (`$debian_mirror`, `$debian_security_mirror`) so no benchmark names a mirror.
 */
export function debianReposYaml(suites: readonly string[]): string {
  return `version: 1
repos:
${suites
  .map(
    (suite) => `  ${suite}:
    vendor: Debian
    role: distro
    format: deb
    uri: ${suite.endsWith('-security') ? '$debian_security_mirror' : '$debian_mirror'}
    suite: ${suite}
    components: [main]
    architectures: [amd64]
    check-valid-until: false`,
  )
  .join('\n')}
`;
}
