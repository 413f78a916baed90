/**
 * recordWinners (src/run/winners.ts) resolves a first crawl's profiles in full; profiles whose
 * inputs differ only by name share one resolution. Each profile must still get exactly the winners
 * it gets when resolved alone, and a profile that differs in anything the resolution reads must
 * not be handed another's.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/repos-yaml.js';
import { recordWinners } from '../../src/run/winners.js';
import type { AptReleaseFacts, VersionRecord } from '../../src/store/types.js';
import { releaseFacts } from '../support/record-builders.js';
import { memoryStore, meta, put, rec } from '../support/store-builders.js';

const AT = Date.UTC(2025, 0, 6);

const REPOS = `repos:
  f1: { vendor: Fedora Project, role: distro, format: rpm, baseurl: http://f1.invalid/ }
  third: { vendor: Third Party, role: third-party, format: rpm, baseurl: http://third.invalid/ }
`;
/** `twin` is `host` under another name; `arm` and `fewer` differ in what the resolution reads. */
const PROFILES = {
  host: '  host: { repos: [f1, third], arch: x86_64 }\n',
  twin: '  twin: { repos: [f1, third], arch: x86_64 }\n',
  arm: '  arm: { repos: [f1, third], arch: aarch64 }\n',
  fewer: '  fewer: { repos: [f1], arch: x86_64 }\n',
};

const VERSIONS: Record<string, VersionRecord[]> = {
  f1: [rec('bash', '5.2'), rec('tool', '0.9'), rec('tool', '0.8', '1', { arch: 'aarch64' }), rec('grafana', '9.0')],
  third: [rec('tool', '1.0', '1', { arch: 'aarch64' }), rec('grafana', '10.0'), rec('extra', '1.0')],
};

/** The winners each profile of `names` records, crawled and resolved into a store of their own. */
function winnersOf(names: ReadonlyArray<keyof typeof PROFILES>) {
  const config = parseConfig(`${REPOS}profiles:\n${names.map((n) => PROFILES[n]).join('')}`, 'repos.yaml');
  const store = memoryStore(...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })));
  try {
    for (const [id, records] of Object.entries(VERSIONS)) put(store, meta(id, AT, `${id}-0`), records);
    recordWinners(store, config, AT);
    return Object.fromEntries(names.map((n) => [n, store.currentWinners(n).map(({ profile: _p, ...w }) => w)]));
  } finally {
    store.close();
  }
}

describe('recordWinners over profiles alike but for their name', () => {
  it('gives every profile the winners it gets when resolved alone', () => {
    const together = winnersOf(['host', 'arm', 'twin', 'fewer']);
    for (const name of ['host', 'arm', 'twin', 'fewer'] as const) expect(together[name], name).toEqual(winnersOf([name])[name]);
    // The setup has something to tell apart: the twins agree, the others do not.
    expect(together['twin']).toEqual(together['host']);
    expect(together['arm']).not.toEqual(together['host']);
    expect(together['fewer']).not.toEqual(together['host']);
    expect(together['host']!.find((w) => w.name === 'tool')).toMatchObject({ repoId: 'f1', evr: '0.9-1' });
    expect(together['arm']!.find((w) => w.name === 'tool')).toMatchObject({ repoId: 'third', evr: '1.0-1' });
  });
});

describe('recordWinners over deb profiles differing only by apt pins', () => {
  const DEB_REPOS = `repos:
  main: { vendor: Debian, role: distro, format: deb, uri: http://a.invalid/debian, suite: stable, components: [main], architectures: [amd64] }
  extra: { vendor: Extra, role: third-party, format: deb, uri: http://b.invalid/extra, suite: stable, components: [main], architectures: [amd64] }
`;
  const pinned = (name: string, host: string) => `  ${name}:
    repos: [main, extra]
    arch: amd64
    apt-preferences: |
      Package: tool
      Pin: origin ${host}
      Pin-Priority: 1001
`;
  /** `plain` has no pins; `elsewhere` pins an archive none of its repos is on; `own` pins main's. */
  const DEB_PROFILES = {
    plain: '  plain: { repos: [main, extra], arch: amd64 }\n',
    elsewhere: pinned('elsewhere', 'c.invalid'),
    own: pinned('own', 'a.invalid'),
  };
  const facts = (host: string): AptReleaseFacts => releaseFacts({ host });
  const deb = (name: string, version: string): VersionRecord => rec(name, version, '1', { arch: 'amd64', vendor: null, buildTime: null });

  function debWinnersOf(names: ReadonlyArray<keyof typeof DEB_PROFILES>) {
    const config = parseConfig(`${DEB_REPOS}profiles:\n${names.map((n) => DEB_PROFILES[n]).join('')}`, 'repos.yaml');
    const store = memoryStore(...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })));
    try {
      store.setReleaseFacts('main', facts('a.invalid'));
      store.setReleaseFacts('extra', facts('b.invalid'));
      put(store, meta('main', AT, 'main-0'), [deb('tool', '0.9'), deb('bash', '5.2')]);
      put(store, meta('extra', AT, 'extra-0'), [deb('tool', '1.0')]);
      recordWinners(store, config, AT);
      return Object.fromEntries(names.map((n) => [n, store.currentWinners(n).map(({ profile: _p, ...w }) => w)]));
    } finally {
      store.close();
    }
  }

  it('a pin on an archive none of the repos is on changes nothing; a pin on one of them is not ignored', () => {
    const together = debWinnersOf(['plain', 'elsewhere', 'own']);
    for (const name of ['plain', 'elsewhere', 'own'] as const) expect(together[name], name).toEqual(debWinnersOf([name])[name]);
    expect(together['plain']!.find((w) => w.name === 'tool')).toMatchObject({ repoId: 'extra', evr: '1.0-1' });
    expect(together['elsewhere']).toEqual(together['plain']);
    expect(together['own']!.find((w) => w.name === 'tool')).toMatchObject({ repoId: 'main', evr: '0.9-1' });
  });
});
