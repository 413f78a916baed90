/**
 * Every release source against a real HTTP server on 127.0.0.1 answering in that service's
 * documented shape — pagination, rate-limit headers, a missing project, malformed JSON, a huge
 * response — through the real fetch layer, cache and store.
 */
import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/fetch/http-client.js';
import { DEFAULT_FETCH_POLICY } from '../../src/fetch/policy.js';
import { Store } from '../../src/store/index.js';
import { mapPackage, type UpstreamMapping } from '../../src/upstream/mapping.js';
import { refreshFeeds, type RefreshOptions } from '../../src/upstream/refresh.js';
import type { SourceSettings } from '../../src/upstream/settings.js';
import { repositoryUrl } from '../../src/upstream/sources/npm.js';
import { parseFeedKey, SOURCE_KINDS, type SourceKind } from '../../src/upstream/types.js';
import { startApiServer, type ApiServer } from '../support/api-server.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let api: ApiServer;
let store: Store;

const http = () => new HttpClient({ ...DEFAULT_FETCH_POLICY, retries: 1, backoffMs: 10, connectTimeoutMs: 5000, responseTimeoutMs: 5000, idleTimeoutMs: 5000 });

function settings(overrides: Partial<SourceSettings> = {}): SourceSettings {
  const baseUrls = Object.fromEntries(SOURCE_KINDS.map((k) => [k, api.url])) as Record<SourceKind, string>;
  return { baseUrls, authHeaders: { github: { authorization: 'Bearer test-token-123' } }, concurrency: 4, ...overrides };
}

/** A package mapped to these feeds, in order (as repos.yaml `upstreams:` would). */
function mapped(name: string, ...feeds: string[]): UpstreamMapping {
  const steps = feeds.map((f) => ({ rule: 'override' as const, feed: parseFeedKey(f)!, detail: 'test' }));
  return { name, homepage: null, feed: steps[0]!.feed, step: steps[0]!, steps };
}

function refresh(mappings: UpstreamMapping[], options: Partial<RefreshOptions> = {}) {
  return refreshFeeds(mappings, { http: http(), cacheDir: path.join(work, 'cache'), settings: settings(), sink: store, maxAgeMs: 0, ...options });
}

const versions = (feed: string) => (store.feedReleases([feed]).get(feed) ?? []).map((r) => r.version).sort();

beforeAll(async () => {
  api = await startApiServer();
});
afterAll(async () => {
  await api.close();
});
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-sources-'));
  store = Store.open({ path: testStoreLocation(path.join(work, 'db')) });
  api.requests.length = 0;
});
afterEach(async () => {
  store.close();
  await rm(work, { recursive: true, force: true });
});

const ghRelease = (tag: string, published: string, extra: Record<string, unknown> = {}) => ({
  tag_name: tag,
  name: tag,
  draft: false,
  prerelease: false,
  published_at: published,
  created_at: published,
  html_url: `https://github.com/o/r/releases/tag/${tag}`,
  ...extra,
});

describe('GitHub', () => {
  it('follows Link pagination, skips drafts, marks pre-releases, sends the token and never stores it', async () => {
    const page2 = `${api.url}/repos/acme/tool/releases?per_page=100&page=2`;
    api.route('/repos/acme/tool/releases', (req) =>
      req.query.get('page') === '2'
        ? { body: [ghRelease('v1.0.0', '2020-01-01T00:00:00Z'), ghRelease('v1.1.0-rc.1', '2020-02-01T00:00:00Z')], headers: { link: `<${api.url}/repos/acme/tool/releases?per_page=100&page=1>; rel="prev"` } }
        : {
            body: [ghRelease('v2.0.0', '2021-01-01T00:00:00Z'), ghRelease('v2.1.0', '2021-06-01T00:00:00Z', { draft: true }), ghRelease('v2.0.1', '2021-02-01T00:00:00Z', { prerelease: true })],
            headers: { link: `<${page2}>; rel="next", <${page2}>; rel="last"`, 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) },
          },
    );
    const result = await refresh([mapped('tool', 'github:acme/tool')]);
    expect(result.feeds.map((f) => [f.feed, f.status, f.releases])).toEqual([['github:acme/tool', 'ok', 4]]);
    const stored = store.feedReleases().get('github:acme/tool')!;
    expect(stored.map((r) => [r.version, r.prerelease]).sort()).toEqual([
      ['1.0.0', false],
      ['1.1.0-rc.1', true],
      ['2.0.0', false],
      ['2.0.1', true],
    ]);
    expect(stored.find((r) => r.version === '2.0.0')).toMatchObject({ tag: 'v2.0.0', publishedAt: Date.parse('2021-01-01T00:00:00Z'), url: 'https://github.com/o/r/releases/tag/v2.0.0' });
    expect(api.count('/repos/acme/tool/releases')).toBe(2);
    expect(api.requests.every((r) => r.headers.authorization === 'Bearer test-token-123')).toBe(true);
    const cacheFiles = await readdir(path.join(work, 'cache'), { recursive: true });
    for (const f of cacheFiles) {
      const full = path.join(work, 'cache', f);
      const text = await readFile(full, 'utf8').catch(() => '');
      expect(text).not.toContain('test-token-123');
    }
  });

  it('reads the tags when a project publishes no releases (dates: first seen)', async () => {
    api.route('/repos/acme/tagged/releases', { body: [] });
    api.route('/repos/acme/tagged/tags', { body: [{ name: 'tagged-1_2_3' }, { name: 'release-1.3.0' }, { name: 'latest' }] });
    await refresh([mapped('tagged', 'github:acme/tagged')]);
    const stored = store.feedReleases().get('github:acme/tagged')!;
    expect(stored.map((r) => [r.version, r.tag, r.publishedAt]).sort()).toEqual([
      ['1.2.3', 'tagged-1_2_3', null],
      ['1.3.0', 'release-1.3.0', null],
    ]);
  });

  it('answers an unchanged feed from a 304 and keeps what is stored', async () => {
    api.route('/repos/acme/stable/releases', { body: [ghRelease('v1.0.0', '2020-01-01T00:00:00Z')] });
    await refresh([mapped('stable', 'github:acme/stable')]);
    await refresh([mapped('stable', 'github:acme/stable')]);
    expect(api.requests.map((r) => r.status)).toEqual([200, 304]);
    expect(api.requests[1]!.headers['if-none-match']).toMatch(/^"/);
    expect(versions('github:acme/stable')).toEqual(['1.0.0']);
    // Young enough (max age): not even asked.
    await refresh([mapped('stable', 'github:acme/stable')], { maxAgeMs: 3600_000 });
    expect(api.requests).toHaveLength(2);
  });
});

describe('rate limits', () => {
  it('waits for the window when the host says the limit is used up and reopens soon', async () => {
    const reset = () => String(Math.ceil(Date.now() / 1000) + 1);
    api.route('/repos/acme/a/releases', () => ({ body: [ghRelease('v1.0.0', '2020-01-01T00:00:00Z')], headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset() } }));
    api.route('/repos/acme/b/releases', { body: [ghRelease('v1.0.0', '2020-01-01T00:00:00Z')] });
    const started = Date.now();
    await refresh([mapped('a', 'github:acme/a')], { settings: settings({ concurrency: 1 }) });
    const first = api.requests.length;
    // Same host, after a response with remaining 0: the next request waits for the reset.
    const limiterRun = await refresh([mapped('a', 'github:acme/a'), mapped('b', 'github:acme/b')], { settings: settings({ concurrency: 1 }) });
    expect(first).toBe(1);
    expect(limiterRun.feeds.every((f) => f.status === 'ok')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('fails with one clear line when the window reopens only much later (403 with x-ratelimit-remaining 0)', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    api.route('/repos/acme/limited/releases', { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });
    const result = await refresh([mapped('limited', 'github:acme/limited')]);
    expect(result.feeds[0]).toMatchObject({ status: 'failed' });
    expect(result.feeds[0]!.message).toMatch(/^upstream github:acme\/limited \(limited\): .*rate limit of 127\.0\.0\.1:\d+ exhausted until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(result.feeds[0]!.message).not.toContain('\n');
    expect(store.feedReleases().has('github:acme/limited')).toBe(false);
  });
});

describe('GitLab (any host)', () => {
  it('pages by x-next-page, skips upcoming releases, encodes the project path', async () => {
    api.route('/api/v4/projects/group/sub/proj/releases', (req) =>
      req.query.get('page') === '2'
        ? { body: [{ tag_name: 'v1.0.0', released_at: '2020-01-01T00:00:00Z', _links: { self: 'https://gitlab.example/group/sub/proj/-/releases/v1.0.0' } }], headers: { 'x-next-page': '' } }
        : { body: [{ tag_name: 'v1.1.0', released_at: '2020-05-01T00:00:00Z' }, { tag_name: 'v2.0.0', released_at: '2030-01-01T00:00:00Z', upcoming_release: true }], headers: { 'x-next-page': '2', 'ratelimit-remaining': '100' } },
    );
    await refresh([mapped('proj', 'gitlab:gitlab.example/group/sub/proj')]);
    expect(api.requests.map((r) => r.path.split('?')[0])).toEqual(['/api/v4/projects/group%2Fsub%2Fproj/releases', '/api/v4/projects/group%2Fsub%2Fproj/releases']);
    const stored = store.feedReleases().get('gitlab:gitlab.example/group/sub/proj')!;
    expect(stored.map((r) => [r.version, r.url]).sort()).toEqual([
      ['1.0.0', 'https://gitlab.example/group/sub/proj/-/releases/v1.0.0'],
      ['1.1.0', 'https://gitlab.example/group/sub/proj/-/releases/v1.1.0'],
    ]);
  });
});

describe('registries and Anitya', () => {
  it('reads PyPI, crates.io (meta.next_page), MetaCPAN, npm (scoped) and Anitya (distribution mapping) in their shapes', async () => {
    api.route('/pypi/requests/json', {
      body: {
        info: { name: 'requests', home_page: '', project_urls: { Source: 'https://github.com/psf/requests' } },
        releases: {
          '2.31.0': [{ upload_time_iso_8601: '2023-05-22T15:12:42.313790Z', yanked: false }, { upload_time_iso_8601: '2023-05-22T15:10:00Z', yanked: false }],
          '2.32.0': [{ upload_time_iso_8601: '2024-05-20T00:00:00Z', yanked: true }],
          '2.32.3rc1': [{ upload_time_iso_8601: '2024-05-28T00:00:00Z', yanked: false }],
        },
      },
    });
    api.route('/api/v1/crates/serde/versions', (req) =>
      req.query.get('page') === '2'
        ? { body: { versions: [{ num: '1.0.0', created_at: '2017-04-20T00:00:00Z', yanked: false }], meta: { total: 3, next_page: null } } }
        : { body: { versions: [{ num: '1.0.200', created_at: '2024-05-01T00:00:00Z', yanked: false, repository: 'https://github.com/serde-rs/serde' }, { num: '1.0.199', created_at: '2024-04-01T00:00:00Z', yanked: true }], meta: { total: 3, next_page: '?page=2&per_page=100' } } },
    );
    api.route('/v1/release/versions/Moose', {
      body: { total: 2, releases: [{ version: '2.2207', date: '2024-01-01T00:00:00', maturity: 'released', status: 'latest', download_url: 'https://cpan.example/Moose-2.2207.tar.gz' }, { version: '2.2299_01', date: '2024-03-01T00:00:00', maturity: 'developer' }] },
    });
    // The homepage at the top level, the repository only in the latest version's document (as some registries serve it).
    api.route('/@babel/core', {
      body: {
        name: '@babel/core',
        'dist-tags': { latest: '7.24.0', next: '8.0.0-beta.1' },
        versions: { '7.24.0': { repository: { type: 'git', url: 'git+https://github.com/babel/babel.git' } }, '8.0.0-beta.1': {} },
        time: { '7.24.0': '2024-02-28T00:00:00.000Z', '8.0.0-beta.1': '2025-01-01T00:00:00.000Z' },
        homepage: 'https://babel.dev/docs/en/next/babel-core',
      },
    });
    api.route('/api/v2/packages/', (req) => (req.query.get('distribution') === 'Fedora' && req.query.get('name') === 'python-foo' ? { body: { items: [{ distribution: 'Fedora', name: 'python-foo', project: 'foo', ecosystem: 'pypi' }], total_items: 1 } } : { body: { items: [], total_items: 0 } }));
    api.route('/api/v2/projects/', (req) => (req.query.get('name') === 'foo' ? { body: { items: [{ id: 4242, name: 'foo', ecosystem: 'pypi' }] } } : { body: { items: [] } }));
    api.route('/api/v2/versions/', (req) => (req.query.get('project_id') === '4242' ? { body: { latest_version: '3.0.0', versions: ['3.0.0', '3.0.0b1', '2.5.0'], stable_versions: ['3.0.0', '2.5.0'] } } : { status: 404, body: {} }));

    const result = await refresh([mapped('python3-requests', 'pypi:requests'), mapped('librust-serde-dev', 'crates:serde'), mapped('libmoose-perl', 'cpan:Moose'), mapped('node-babel-core', 'npm:@babel/core'), mapped('python-foo', 'anitya:Fedora/python-foo')]);
    expect(result.feeds.map((f) => [f.feed, f.status]).sort()).toEqual([
      ['anitya:Fedora/python-foo', 'ok'],
      ['cpan:Moose', 'ok'],
      ['crates:serde', 'ok'],
      ['npm:@babel/core', 'ok'],
      ['pypi:requests', 'ok'],
    ]);
    const all = store.feedReleases();
    const pick = (feed: string) => all.get(feed)!.map((r) => [r.version, r.prerelease, r.publishedAt]).sort();
    expect(pick('pypi:requests')).toEqual([
      ['2.31.0', false, Date.parse('2023-05-22T15:10:00Z')],
      ['2.32.3rc1', true, Date.parse('2024-05-28T00:00:00Z')],
    ]);
    expect(pick('crates:serde')).toEqual([
      ['1.0.0', false, Date.parse('2017-04-20T00:00:00Z')],
      ['1.0.200', false, Date.parse('2024-05-01T00:00:00Z')],
    ]);
    expect(pick('cpan:Moose').map(([v, p]) => [v, p])).toEqual([
      ['2.2207', false],
      ['2.2299_01', true],
    ]);
    expect(pick('npm:@babel/core').map(([v, p]) => [v, p])).toEqual([
      ['7.24.0', false],
      ['8.0.0-beta.1', true],
    ]);
    expect(pick('anitya:Fedora/python-foo')).toEqual([
      ['2.5.0', false, null],
      ['3.0.0', false, null],
      ['3.0.0b1', true, null],
    ]);
    expect(store.feedChecks().get('npm:@babel/core')!.projectUrls).toEqual(['https://babel.dev/docs/en/next/babel-core', 'git+https://github.com/babel/babel.git']);
    expect(store.feedChecks().get('crates:serde')!.projectUrls).toEqual(['https://github.com/serde-rs/serde']);
  });
});

describe('npm repository shorthands', () => {
  it.each([
    ['chalk/ansi-regex', 'https://github.com/chalk/ansi-regex'],
    ['github:mhart/aws4', 'https://github.com/mhart/aws4'],
    ['gitlab:group/proj', 'https://gitlab.com/group/proj'],
    ['bitbucket:team/repo', 'https://bitbucket.org/team/repo'],
    ['git+https://github.com/babel/babel.git', 'git+https://github.com/babel/babel.git'],
  ])('%s → %s', (written, url) => {
    expect(repositoryUrl(written)).toBe(url);
  });
});

describe('failures: one line per failing feed, the rest goes on, nothing stored from a failed fetch', () => {
  it('404, malformed JSON, a huge response and a server error each fail alone', async () => {
    api.route('/pypi/good/json', { body: { info: {}, releases: { '1.0': [{ upload_time_iso_8601: '2020-01-01T00:00:00Z' }] } } });
    api.route('/pypi/broken/json', { body: '{"info": {}, "releases": {"1.0": [' });
    api.route('/pypi/huge/json', { body: { info: {}, releases: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`1.${i}`, []])) } });
    api.route('/api/v1/crates/down/versions', { status: 500, body: { errors: [{ detail: 'boom' }] } });
    const result = await refresh(
      [mapped('python3-good', 'pypi:good'), mapped('python3-broken', 'pypi:broken'), mapped('python3-huge', 'pypi:huge'), mapped('python3-gone', 'pypi:gone'), mapped('librust-down-dev', 'crates:down')],
      { maxBytes: 16 * 1024 },
    );
    const byFeed = new Map(result.feeds.map((f) => [f.feed, f]));
    expect(byFeed.get('pypi:good')!.status).toBe('ok');
    expect(byFeed.get('pypi:gone')!.status).toBe('not-found');
    expect(result.unresolved).toEqual([{ name: 'python3-gone', tried: ['pypi:gone'] }]);
    expect(byFeed.get('pypi:broken')!.message).toMatch(/^upstream pypi:broken \(python3-broken\): http:\/\/127\.0\.0\.1:\d+\/pypi\/broken\/json: malformed JSON/);
    expect(byFeed.get('pypi:huge')!.message).toMatch(/^upstream pypi:huge \(python3-huge\): .*larger than 16384 bytes/);
    expect(byFeed.get('crates:down')!.message).toMatch(/^upstream crates:down \(librust-down-dev\): HTTP 500 .*\/api\/v1\/crates\/down\/versions/);
    for (const f of result.feeds) expect(f.message ?? '').not.toContain('\n');
    // The 500 was retried (policy: 1 retry) before giving up.
    expect(api.count('/api/v1/crates/down/versions')).toBe(2);
    expect([...store.feedReleases().keys()]).toEqual(['pypi:good']);
    expect(store.feedChecks().get('pypi:broken')).toMatchObject({ status: 'failed' });
  });

  it('a feed that breaks later keeps the releases stored before', async () => {
    let broken = false;
    api.route('/pypi/flaky/json', () => (broken ? { body: 'not json' } : { body: { info: {}, releases: { '1.0': [], '1.1': [] } } }));
    await refresh([mapped('python3-flaky', 'pypi:flaky')]);
    const before = store.feedReleases().get('pypi:flaky');
    broken = true;
    const result = await refresh([mapped('python3-flaky', 'pypi:flaky')]);
    expect(result.feeds[0]!.status).toBe('failed');
    expect(store.feedReleases().get('pypi:flaky')).toEqual(before);
  });

  it('a guessed name whose repository is another project than the Homepage moves on to one that matches', async () => {
    api.route('/ansi-up', { body: { 'dist-tags': { latest: '0.0.3' }, versions: { '0.0.3': { repository: 'git://github.com/mariusstaicu/ansi-up.git' } }, time: { '0.0.3': '2013-01-01T00:00:00Z' } } });
    api.route('/ansi_up', { body: { 'dist-tags': { latest: '6.0.2' }, versions: { '6.0.2': { repository: 'drudru/ansi_up' } }, time: { '6.0.2': '2023-06-01T00:00:00Z' } } });
    const mapping = mapPackage({ name: 'node-ansi-up', sourceName: 'node-ansi-up', url: 'https://github.com/drudru/ansi_up#readme', format: 'deb' });
    const result = await refresh([mapping]);
    expect(result.feeds.map((f) => [f.feed, f.status])).toEqual([
      ['npm:ansi-up', 'ok'],
      ['npm:@ansi/up', 'not-found'],
      ['npm:node-ansi-up', 'not-found'],
      ['npm:ansi_up', 'ok'],
    ]);
    expect(result.unresolved).toEqual([]);
    const checks = store.feedChecks();
    const options = { missing: new Set([...checks.values()].filter((c) => c.status === 'not-found').map((c) => c.feed)), projectUrls: new Map([...checks.values()].map((c) => [c.feed, c.projectUrls])) };
    expect(mapPackage({ name: 'node-ansi-up', sourceName: 'node-ansi-up', url: 'https://github.com/drudru/ansi_up#readme', format: 'deb' }, options).feed).toEqual({ source: 'npm', project: 'ansi_up' });
  });

  it('a guessed name that does not exist moves on to the next candidate of the chain', async () => {
    api.route('/@codemirror/lang-cpp', { body: { versions: { '6.0.2': {} }, time: { '6.0.2': '2022-10-24T00:00:00Z' } } });
    const result = await refresh([mapped('node-codemirror-lang-cpp', 'npm:codemirror-lang-cpp', 'npm:@codemirror/lang-cpp', 'npm:@codemirror-lang/cpp')]);
    expect(result.feeds.map((f) => [f.feed, f.status])).toEqual([
      ['npm:codemirror-lang-cpp', 'not-found'],
      ['npm:@codemirror/lang-cpp', 'ok'],
    ]);
    expect(result.unresolved).toEqual([]);
    // The registry's spelling of a scoped name: @scope%2fname.
    expect(api.requests.map((r) => r.path)).toEqual(['/codemirror-lang-cpp', '/@codemirror%2flang-cpp']);
  });
});
