import { describe, expect, it } from 'vitest';
import { contradictsHomepage, feedFromName, feedFromUrl, mapPackage, npmAlternatives } from '../../src/upstream/mapping.js';
import { feedKey } from '../../src/upstream/types.js';
import { looksLikePrerelease, orderableVersion, versionFromTag } from '../../src/upstream/tag-version.js';
import { compareUpstream } from '../../src/formats/upstream-version.js';

const key = (m: ReturnType<typeof mapPackage>) => (m.feed ? feedKey(m.feed) : null);

describe('feedFromUrl', () => {
  it.each([
    ['https://github.com/prometheus/prometheus', 'github:prometheus/prometheus', false],
    ['https://github.com/prometheus/prometheus.git', 'github:prometheus/prometheus', false],
    ['git+https://github.com/babel/babel.git', 'github:babel/babel', false],
    ['git@github.com:owner/repo.git', 'github:owner/repo', false],
    ['https://sindresorhus.github.io/got/', 'github:sindresorhus/got', false],
    ['https://gitlab.gnome.org/GNOME/glib/-/releases', 'gitlab:gitlab.gnome.org/GNOME/glib', false],
    // Registry pages are recognised by path shape on a host named for the registry (example hosts here).
    ['https://www.npmjs.example/package/@babel/core', 'npm:@babel/core', true],
    ['https://pypi.example/project/requests/', 'pypi:requests', true],
    ['https://crates.example/crates/serde', 'crates:serde', true],
    ['https://docs.rs/tokio', 'crates:tokio', true],
    ['https://metacpan.example/release/Moose', 'cpan:Moose', true],
    ['https://metacpan.example/release/ETHER/Moose-2.2207', 'cpan:Moose', true],
    ['https://search.cpan.example/dist/Try-Tiny/', 'cpan:Try-Tiny', true],
  ])('%s → %s', (url, feed, registry) => {
    const found = feedFromUrl(url)!;
    expect(feedKey(found.feed)).toBe(feed);
    expect(found.registry).toBe(registry);
  });

  it('knows nothing of other sites or bare hosts', () => {
    expect(feedFromUrl('https://prometheus.io')).toBeNull();
    expect(feedFromUrl('https://github.com/prometheus')).toBeNull();
    expect(feedFromUrl('not a url')).toBeNull();
  });
});

describe('feedFromName: the distributions’ naming conventions', () => {
  it.each([
    ['node-lodash', 'deb', 'npm:lodash'],
    ['node-types-node', 'deb', 'npm:@types/node'],
    ['python3-requests', 'deb', 'pypi:requests'],
    ['libmoose-perl', 'deb', 'cpan:moose'],
    ['librust-serde-json-dev', 'deb', 'crates:serde-json'],
    ['librust-nom-7-dev', 'deb', 'crates:nom'],
    ['golang-github-spf13-cobra-dev', 'deb', 'github:spf13/cobra'],
    ['nodejs-semver', 'rpm', 'npm:semver'],
    ['python3-requests', 'rpm', 'pypi:requests'],
    ['perl-Try-Tiny', 'rpm', 'cpan:Try-Tiny'],
    ['rust-serde-devel', 'rpm', 'crates:serde'],
    ['golang-github-prometheus-common', 'rpm', 'github:prometheus/common'],
  ] as const)('%s (%s) → %s', (name, format, feed) => {
    expect(feedKey(feedFromName(name, format)!.feed)).toBe(feed);
  });

  it('leaves other names and rust feature packages alone', () => {
    expect(feedFromName('bash', 'deb')).toBeNull();
    expect(feedFromName('librust-serde+derive-dev', 'deb')).toBeNull();
    expect(feedFromName('node-lodash', 'rpm')).toBeNull();
  });
});

describe('mapPackage: the chain and how each step was found', () => {
  it('an rpm URL on GitHub maps Prometheus', () => {
    const m = mapPackage({ name: 'prometheus', sourceName: 'prometheus', url: 'https://github.com/prometheus/prometheus', format: 'rpm' });
    expect(key(m)).toBe('github:prometheus/prometheus');
    expect(m.step).toMatchObject({ rule: 'forge', detail: 'URL https://github.com/prometheus/prometheus is a github project' });
  });

  it('repos.yaml upstreams: overrides, by binary or source name', () => {
    const overrides = new Map([['prometheus', 'github:prometheus/prometheus']]);
    const m = mapPackage({ name: 'prometheus2', sourceName: 'prometheus', url: 'https://prometheus.io', format: 'rpm' }, { overrides });
    expect(key(m)).toBe('github:prometheus/prometheus');
    expect(m.step!.rule).toBe('override');
  });

  it('a registry Homepage beats a naming guess, which beats a forge Homepage; the rest stay as alternatives', () => {
    const m = mapPackage({ name: 'python3-requests', sourceName: 'requests', url: 'https://github.com/psf/requests', format: 'deb' });
    expect(m.steps.map((s) => [s.rule, feedKey(s.feed)])).toEqual([
      ['naming', 'pypi:requests'],
      ['forge', 'github:psf/requests'],
    ]);
    const n = mapPackage({ name: 'node-foo', sourceName: 'node-foo', url: 'https://www.npmjs.example/package/@scope/foo', format: 'deb' });
    expect(key(n)).toBe('npm:@scope/foo');
    expect(n.step!.rule).toBe('homepage');
  });

  it('Debian node-* names try the scoped spellings when the plain name does not exist', () => {
    expect(npmAlternatives('codemirror-lang-cpp', { source: 'github', project: 'codemirror/lang-cpp' })).toEqual([
      '@codemirror/lang-cpp',
      '@codemirror-lang/cpp',
      'node-codemirror-lang-cpp',
      'codemirror_lang_cpp',
      'lang-cpp',
    ]);
    const facts = { name: 'node-string-decoder', sourceName: 'node-string-decoder', url: 'https://github.com/nodejs/string_decoder', format: 'deb' as const };
    const missing = new Set(['npm:string-decoder', 'npm:@string/decoder', 'npm:node-string-decoder']);
    expect(key(mapPackage(facts, { missing }))).toBe('npm:string_decoder');
    // Everything missing: no mapping at all rather than a wrong one.
    const all = mapPackage(facts, { missing: new Set(mapPackage(facts).steps.map((s) => feedKey(s.feed))) });
    expect(all.feed).toBeNull();
  });

  it('a guessed npm name whose repository contradicts the Homepage gives way to one that matches', () => {
    const facts = { name: 'node-ansi-up', sourceName: 'node-ansi-up', url: 'https://github.com/drudru/ansi_up#readme', format: 'deb' as const };
    const projectUrls = new Map([
      ['npm:ansi-up', ['git://github.com/mariusstaicu/ansi-up.git']],
      ['npm:ansi_up', ['https://github.com/drudru/ansi_up']],
    ]);
    expect(key(mapPackage(facts, { missing: new Set(['npm:@ansi/up', 'npm:node-ansi-up']), projectUrls }))).toBe('npm:ansi_up');
    // Not yet known to contradict: the plain guess stands.
    expect(key(mapPackage(facts))).toBe('npm:ansi-up');
    // The Homepage's repository name is a candidate too (node-bignumber is npm bignumber.js).
    const big = mapPackage({ name: 'node-bignumber', sourceName: 'node-bignumber', url: 'https://github.com/MikeMcl/bignumber.js/', format: 'deb' });
    expect(big.steps.map((s) => feedKey(s.feed))).toContain('npm:bignumber.js');
  });

  it('only two GitHub repositories sharing neither name nor owner contradict each other', () => {
    expect(contradictsHomepage('https://github.com/drudru/ansi_up', ['git://github.com/mariusstaicu/ansi-up.git'])).toBe(true);
    // A transferred repository (same name, new owner), a sibling repository of the same owner.
    expect(contradictsHomepage('https://github.com/isaacs/abbrev-js', ['git+https://github.com/npm/abbrev-js.git'])).toBe(false);
    expect(contradictsHomepage('https://github.com/ajaxorg/ace', ['https://github.com/ajaxorg/ace-builds'])).toBe(false);
    // No evidence: a website Homepage, no repository declared.
    expect(contradictsHomepage('https://backbonejs.org/', ['https://github.com/jashkenas/backbone.git'])).toBe(false);
    expect(contradictsHomepage('https://github.com/a/b', [])).toBe(false);
    expect(contradictsHomepage(null, ['https://github.com/a/b'])).toBe(false);
  });

  it('a golang-github-* split is settled by a GitHub Homepage', () => {
    const m = mapPackage({ name: 'golang-github-go-kit-log-dev', sourceName: 'golang-github-go-kit-log', url: 'https://github.com/go-kit/log', format: 'deb' });
    expect(key(m)).toBe('github:go-kit/log');
  });

  it('Anitya’s distribution mapping comes last, and only when configured', () => {
    expect(mapPackage({ name: 'bash', sourceName: 'bash', url: 'https://www.gnu.org/software/bash/', format: 'rpm' }).feed).toBeNull();
    const m = mapPackage({ name: 'bash', sourceName: 'bash', url: 'https://www.gnu.org/software/bash/', format: 'rpm' }, { anityaDistribution: 'Fedora' });
    expect(key(m)).toBe('anitya:Fedora/bash');
  });
});

describe('version matching', () => {
  it.each([
    ['v1.2.3', '1.2.3'],
    ['V2.0', '2.0'],
    ['release-1.2.3', '1.2.3'],
    ['prometheus-2.0.0', '2.0.0'],
    ['prometheus_2.0.0', '2.0.0'],
    ['1_2_3', '1.2.3'],
    ['REL_16_1', '16.1'],
    ['v2.0.0-rc.1', '2.0.0-rc.1'],
    ['refs/tags/v3.1', '3.1'],
    ['latest', null],
  ])('tag %s → %s', (tag, version) => {
    expect(versionFromTag(tag, 'prometheus/prometheus')).toBe(version);
  });

  it.each([
    ['1.0.0-rc.1', true],
    ['1.0a1', true],
    ['1.0b2', true],
    ['1.0rc1', true],
    ['1.0.dev3', true],
    ['1.0~beta2', true],
    ['1.23_01', true],
    ['2.0.0-alpha.3', true],
    ['2.0.0', false],
    ['2024a', false],
    ['1.2.3+build5', false],
    ['1.0.0-1', false],
  ])('%s is a pre-release: %s', (version, pre) => {
    expect(looksLikePrerelease(version)).toBe(pre);
  });

  it('orders a pre-release before its release', () => {
    expect(compareUpstream(orderableVersion('2.0.0-rc.1', true), '2.0.0')).toBe(-1);
    expect(compareUpstream(orderableVersion('1.0rc1', true), '1.0')).toBe(-1);
    expect(compareUpstream(orderableVersion('2.0.0-rc.1', true), '1.8.0')).toBe(1);
  });
});
