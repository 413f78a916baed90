/**
 * One refresh policy: `--refresh` crawls the same repos on every command (the selected profiles'
 * and those of the upgrade paths through them, enabled ones), and every command that refreshes
 * takes the same crawl options as `crawl` itself.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import { reposToRefresh } from '../../src/run/refresh.js';

const CONFIG = `repos:
  a: { vendor: A, role: distro, format: rpm, baseurl: http://a.invalid/ }
  a-off: { vendor: A, role: distro, format: rpm, baseurl: http://a-off.invalid/, enabled: false }
  b: { vendor: B, role: distro, format: rpm, baseurl: http://b.invalid/ }
  c: { vendor: C, role: distro, format: rpm, baseurl: http://c.invalid/ }
  loose: { vendor: L, role: third-party, format: rpm, baseurl: http://loose.invalid/ }
profiles:
  p1: { repos: [a, a-off], arch: x86_64 }
  p2: { repos: [b], arch: x86_64 }
  p3: { repos: [c], arch: x86_64 }
upgrade-paths:
  path: [p1, p2]
`;

describe('reposToRefresh', () => {
  const config = parseConfig(CONFIG, 'repos.yaml');
  const refreshed = (...names: string[]) => reposToRefresh({ config, selectedProfiles: names.map((n) => config.profiles.get(n)!) }).map((r) => r.id).sort();

  it("crawls a profile's enabled repos and those of the upgrade paths through it", () => {
    expect(refreshed('p1')).toEqual(['a', 'b']);
    expect(refreshed('p2')).toEqual(['a', 'b']);
  });

  it('a profile on no upgrade path brings only its own; a repo in no profile is not crawled', () => {
    expect(refreshed('p3')).toEqual(['c']);
    expect(refreshed('p1', 'p2', 'p3')).toEqual(['a', 'b', 'c']);
  });
});

describe('the refresh options', () => {
  const program = buildProgram();
  const flags = (name: string) => program.commands.find((c) => c.name() === name)!.options.map((o) => o.long!);
  const crawlRunFlags = ['--accept', '--no-wait', '--concurrency', '--timeout', '--retries'];

  it.each(['audit', 'check', 'report', 'host'])('%s takes --refresh (host: --no-refresh) and every crawl option crawl takes', (name) => {
    expect(flags('crawl')).toEqual(expect.arrayContaining(crawlRunFlags));
    expect(flags(name)).toEqual(expect.arrayContaining([name === 'host' ? '--no-refresh' : '--refresh', ...crawlRunFlags]));
  });
});
