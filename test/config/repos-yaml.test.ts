import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSkippedRepos, loadConfigFile, parseConfig } from '../../src/config/repos-yaml.js';
import { ConfigError } from '../../src/errors.js';
import type { DebRepoConfig, RpmRepoConfig } from '../../src/config/types.js';
import { repoRoot } from '../support/paths.js';

const hostVars = { debian_mirror: 'http://mirror.test/debian', debian_security_mirror: 'http://mirror.test/debian-security' };

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'repos.yaml', { hostVars });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped repos.yaml', () => {
  const config = loadConfigFile(path.join(repoRoot, 'repos.yaml'), { hostVars });

  it('expands variables and merge keys', () => {
    const fedora = config.repos.get('fedora-41-updates') as RpmRepoConfig;
    expect(fedora.metalink).toBe('https://mirrors.fedoraproject.org/metalink?repo=updates-released-f41&arch=x86_64');
    expect(fedora.vendor).toBe('Fedora Project');
    expect(fedora.priority).toBe(99);
    expect(fedora.cost).toBe(1000);
    const security = config.repos.get('trixie-security') as DebRepoConfig;
    expect(security.uri).toBe('http://mirror.test/debian-security/');
    expect(security.suite).toBe('trixie-security');
    expect(security.components).toEqual(['main']);
  });

  it('has profiles and upgrade paths that reference real repos', () => {
    expect(config.profiles.get('bookworm')!.repos).toEqual(['bookworm', 'bookworm-updates', 'bookworm-security']);
    expect(config.profiles.get('bookworm')!.arches).toEqual(['amd64', 'all']);
    expect(config.profiles.get('fedora-40-vendors')!.arches).toEqual(['x86_64', 'noarch']);
    expect(config.upgradePaths.map((p) => p.name)).toEqual(['fedora', 'debian']);
  });

  it('skips the repos that need a host variable this host lacks, with one note, and keeps the rest', () => {
    const bare = loadConfigFile(path.join(repoRoot, 'repos.yaml'), { hostVars: {} });
    const skipped = bare.skippedRepos ?? [];
    expect(skipped.map((r) => r.id)).toEqual(expect.arrayContaining(['bookworm', 'bookworm-security', 'trixie-security']));
    expect(skipped.find((r) => r.id === 'bookworm-security')!.variable).toBe('debian_security_mirror');
    expect(bare.repos.has('bookworm')).toBe(false);
    expect(bare.repos.has('fedora-41-updates')).toBe(true);
    // Profiles made only of skipped repos go, and the upgrade paths through them.
    expect(bare.profiles.has('bookworm')).toBe(false);
    expect(bare.profiles.has('fedora-40-vendors')).toBe(true);
    expect(bare.upgradePaths.map((p) => p.name)).toEqual(['fedora']);
    const note = describeSkippedRepos(skipped)!;
    expect(note).toMatch(/^.*repos\.yaml: skipped \d+ repos that need \$debian_mirror, \$debian_security_mirror, which this host's apt sources do not provide/);
    expect(note.split('\n')).toHaveLength(1);
  });

  it('still rejects an unknown variable that is not a host variable (a typo)', () => {
    const err = errorOf('repos:\n  a:\n    format: rpm\n    vendor: V\n    role: distro\n    baseurl: http://x/$relasever/\n');
    expect(err.message).toMatch(/unknown variable \$relasever/);
  });
});

describe('repos.yaml validation gives file:line:column', () => {
  it('rejects a typo in a key at its position', () => {
    const err = errorOf(`repos:\n  a:\n    format: rpm\n    vendor: V\n    role: distro\n    baseurl: http://x/\n    exludepkgs: foo\n`);
    expect(err.describe()).toBe('repos.yaml:7:5: repos.a: unknown key "exludepkgs" (allowed: name, vendor, role, format, enabled, vars, signing-key, check-valid-until, proxy, username, password-env, password-file, password, ca-file, baseurl, metalink, mirrorlist, priority, cost, excludepkgs, includepkgs, repo-gpgcheck, module-hotfixes, skip-if-unavailable)');
  });

  it('reads proxy: (a repo\'s own over the top-level one) and refuses what is no proxy, naming the line without its credentials', () => {
    const repo = (id: string, extra = '') => `  ${id}:\n    format: rpm\n    vendor: V\n    role: distro\n    baseurl: http://x/\n${extra}`;
    const config = parseConfig(`proxy: http://proxy.test:3128\nrepos:\n${repo('a')}${repo('b', '    proxy: direct\n')}`, 'repos.yaml');
    expect(config.repos.get('a')!.proxy).toEqual({ rules: 'curl', proxy: 'http://proxy.test:3128', definedIn: 'repos.yaml:1' });
    expect(config.repos.get('b')!.proxy).toEqual({ rules: 'curl', proxy: 'direct', definedIn: 'repos.yaml:13' });
    expect(parseConfig(`repos:\n${repo('a')}`, 'repos.yaml').repos.get('a')!.proxy).toBeUndefined();
    const bad = errorOf(`repos:\n${repo('a', '    proxy: socks5://u:secret@proxy.test:1080\n')}`);
    expect(bad.describe()).toBe('repos.yaml:7:12: repos.a.proxy: "socks5://proxy.test:1080" is not a proxy: an http:// or https:// URL (http://HOST:PORT), or direct');
    expect(errorOf('proxy: proxy.test:3128\n' + `repos:\n${repo('a')}`).describe()).toMatch(/^repos.yaml:1:8: proxy: "proxy.test:3128" is not a proxy/);
  });

  it('reports YAML syntax errors with a line', () => {
    const err = errorOf('repos:\n  a: [unclosed\n');
    expect(err.line).toBeGreaterThanOrEqual(2);
    expect(err.file).toBe('repos.yaml');
  });

  it('rejects bad values where they are', () => {
    const base = 'repos:\n  a:\n    format: rpm\n    vendor: V\n    baseurl: http://x/\n';
    expect(errorOf(base + '    role: vendor\n').describe()).toMatch(/^repos.yaml:6:11: repos.a.role: expected one of distro, upstream, third-party/);
    expect(errorOf(base + '    role: distro\n    priority: high\n').describe()).toMatch(/^repos.yaml:7:15: .*whole number/);
    expect(errorOf(base.replace('http://x/', 'ftp://x/') + '    role: distro\n').describe()).toMatch(/not an http\(s\):\/\/ or file:\/\/ URL/);
    expect(errorOf('repos:\n  a:\n    vendor: V\n').describe()).toMatch(/"format" \(rpm or deb\) is required/);
  });

  it('rejects unknown profile repos, mixed formats and duplicate keys', () => {
    const repos = 'repos:\n  r:\n    format: rpm\n    vendor: V\n    role: distro\n    baseurl: http://x/\n  d:\n    format: deb\n    vendor: D\n    role: distro\n    uri: http://y/\n    suite: s\n    components: [main]\n';
    expect(errorOf(repos + 'profiles:\n  p:\n    repos: [r, nope]\n').describe()).toMatch(/^repos.yaml:16:16: profiles.p.repos\[1\]: unknown repo "nope"/);
    expect(errorOf(repos + 'profiles:\n  p:\n    repos: [r, d]\n').describe()).toMatch(/profile mixes rpm and deb repos/);
    expect(errorOf(repos + '  r:\n    format: rpm\n').describe()).toMatch(/^repos.yaml:14:3: Map keys must be unique/);
  });

  it('refuses a password in the file', () => {
    const text = 'repos:\n  r:\n    format: rpm\n    vendor: V\n    role: distro\n    baseurl: http://x/\nreport:\n  email:\n    host: h\n    from: a@b\n    to: c@d\n    password: hunter2\n';
    expect(errorOf(text).describe()).toMatch(/^repos.yaml:12:15: .*never put a password/);
  });

  it('reads the store: its URL and where its password is, never the password itself', () => {
    const repos = 'repos:\n  r:\n    format: rpm\n    vendor: V\n    role: distro\n    baseurl: http://x/\n';
    const store = 'store:\n  url: postgres://repoclash@db.example/repoclash?schema=team\n  password-env: DB_PASSWORD\n';
    expect(parseConfig(repos + store, 'repos.yaml').store).toEqual({ url: 'postgres://repoclash@db.example/repoclash?schema=team', passwordEnv: 'DB_PASSWORD' });
    expect(errorOf(repos + store + '  password: hunter2\n').describe()).toMatch(/^repos.yaml:10:13: .*never put a password/);
    expect(errorOf(repos + 'store:\n  password-file: /etc/pw\n').describe()).toMatch(/"url" is required/);
  });
});
