/**
 * Proxies, through a real proxy (tinyproxy on 127.0.0.1) and the real CLI. Where repoclash follows
 * apt's rules (the host's apt sources), each case also runs the real `apt-get update` over the same
 * root and environment: both must reach the repo through the proxy, or both go direct. The proxy
 * allows CONNECT only to port 443 (Debian's own default): an http repo is reached with plain
 * absolute-form GETs, as apt and curl send them, never through a tunnel.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptConfigForRoot, writeDebHostRoot } from '../support/apt.js';
import { debianStable, serveDebRepos, type ServedDebRepos } from '../support/apt-host-fixture.js';
import { repoclash } from '../support/cli.js';
import { HOST_REPOS_ONLY_CONFIG } from '../support/repos-yaml.js';
import { execTool } from '../support/exec.js';
import { runDnf } from '../support/dnf.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { dumpAllTables } from '../support/store-builders.js';
import { testStoreLocation } from '../support/test-store.js';
import { Store } from '../../src/store/index.js';
import { freeLoopbackPort, startTinyproxy, type TestProxy } from '../support/tinyproxy.js';

/** No proxy variable of the machine running the tests leaks into a case. */
const NO_PROXY_ENV = { http_proxy: undefined, https_proxy: undefined, HTTP_PROXY: undefined, HTTPS_PROXY: undefined, all_proxy: undefined, ALL_PROXY: undefined, no_proxy: undefined, NO_PROXY: undefined };
const SECRET = 'pr0xy-s3cret';

let served: ServedDebRepos;
let proxy: TestProxy;
let authProxy: TestProxy;
let work: string;

beforeAll(async () => {
  served = await serveDebRepos('rc-proxy-', {
    debian: [debianStable([{ name: 'hello', version: '2.10-3' }])],
    vendor: [debianStable([{ name: 'vendor-tool', version: '1.0-1' }], { origin: 'Vendor', label: 'Vendor' })],
  });
  work = served.work;
  proxy = await startTinyproxy(path.join(work, 'proxy'));
  authProxy = await startTinyproxy(path.join(work, 'auth-proxy'), { basicAuth: { user: 'alice', password: SECRET } });
  await writeFile(path.join(work, 'host-only.yaml'), HOST_REPOS_ONLY_CONFIG);
}, 120_000);
afterAll(() => tearDown(work, proxy, authProxy, served?.server, served?.key));

/** The proxy's request lines for the server at `serverUrl` (default: the deb repos') logged while `run` ran. */
async function seenBy(p: TestProxy, run: () => Promise<unknown>, serverUrl = served.server.url): Promise<string[]> {
  const before = (await p.requests()).length;
  await run();
  return (await p.requests()).slice(before).filter((line) => line.includes(`127.0.0.1:${serverUrl.split(':').pop()}`));
}

interface AptCase {
  name: string;
  /** ROOT/etc/apt/apt.conf.d/90proxy; PROXY stands for the test proxy's URL. */
  aptConf?: string;
  env: Record<string, string>;
  throughProxy: boolean;
}

const APT_CASES: AptCase[] = [
  { name: 'Acquire::http::Proxy', aptConf: 'Acquire::http::Proxy "PROXY";', env: {}, throughProxy: true },
  { name: 'a per-host DIRECT over Acquire::http::Proxy', aptConf: 'Acquire::http::Proxy "PROXY";\nAcquire::http::Proxy::127.0.0.1 "DIRECT";', env: {}, throughProxy: false },
  { name: 'apt.conf over http_proxy', aptConf: 'Acquire::http::Proxy "DIRECT";', env: { http_proxy: 'PROXY' }, throughProxy: false },
  { name: 'http_proxy alone', env: { http_proxy: 'PROXY' }, throughProxy: true },
  { name: 'HTTP_PROXY (apt reads only the lower-case name)', env: { HTTP_PROXY: 'PROXY' }, throughProxy: false },
  // apt's no_proxy is a plain suffix test: "0.0.1" ends "127.0.0.1" (curl would not match it).
  { name: 'no_proxy as apt reads it, over apt.conf', aptConf: 'Acquire::http::Proxy "PROXY";', env: { no_proxy: '0.0.1' }, throughProxy: false },
];

describe('the host apt sources: apt and repoclash take the same way', () => {
  it.each(APT_CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const root = path.join(work, `apt-root-${i}`);
    const withProxy = (text: string) => text.replaceAll('PROXY', proxy.url);
    await writeDebHostRoot(root, {
      sources: served.sources,
      keyring: served.key.publicKeyringPath,
      installed: [],
      ...(c.aptConf ? { files: { 'etc/apt/apt.conf.d/90proxy': withProxy(c.aptConf) + '\n' } } : {}),
    });
    const env = { ...NO_PROXY_ENV, ...Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, withProxy(v)])) };

    const apt = await aptConfigForRoot(root, path.join(work, `apt-state-${i}`), { proxiesFromRoot: true });
    const byApt = await seenBy(proxy, async () => {
      const r = await execTool('apt-get', ['update'], { env: { ...apt.env, ...env } });
      expect(r.stderr).not.toMatch(/^[EW]: /m);
    });
    const byRepoclash = await seenBy(proxy, async () => {
      const r = await repoclash(work, ['crawl', '--system', '--root', root, '--config', path.join(work, 'host-only.yaml'), '--db', path.join(work, `apt-${i}.db`), '--cache', path.join(work, `apt-cache-${i}`), '--retries', '0'], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
    expect(byApt.length > 0).toBe(c.throughProxy);
    expect(byRepoclash.length > 0).toBe(c.throughProxy);
    // Plain forwarding for an http repo, as apt does it: the proxy refuses CONNECT to this port.
    for (const line of [...byApt, ...byRepoclash]) expect(line).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\//);
    if (c.throughProxy) expect(byRepoclash.some((l) => l.includes('/dists/stable/InRelease'))).toBe(true);
  }, 120_000);
});

/** A repos.yaml of the served Debian repo; `proxy` is its `proxy:` line (repo level), and `more` further repos. */
function reposYaml(proxyLine: string, more = ''): string {
  return `repos:
  debian:
    vendor: Debian
    role: distro
    format: deb
    uri: ${served.server.url}/debian
    suite: stable
    components: [main]
    architectures: [amd64]
    trusted: true
${proxyLine ? `    proxy: ${proxyLine}\n` : ''}${more}`;
}

/** Every table of the store the CLI runner made for `db` (a SQLite file, or a PostgreSQL schema), as text. */
function storedText(db: string): string {
  const store = Store.open({ path: testStoreLocation(db), readonly: true });
  try {
    return dumpAllTables(store);
  } finally {
    store.close();
  }
}

/** Every file under `dir` (names and contents) as one text, to look for a secret in. */
async function everythingUnder(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    parts.push(file);
    if (entry.isFile()) parts.push((await readFile(file)).toString('latin1'));
  }
  return parts.join('\n');
}

describe('repos.yaml proxy: with credentials', () => {
  it('reaches the repo through a proxy that wants them, and they appear nowhere', async () => {
    const dir = path.join(work, 'auth');
    await mkdir(dir, { recursive: true });
    const config = path.join(dir, 'repos.yaml');
    const proxyUrl = authProxy.url.replace('://', `://alice:${SECRET}@`);
    await writeFile(config, reposYaml(proxyUrl));
    const db = path.join(dir, 'store.db');
    const cache = path.join(dir, 'cache');
    let out = '';
    const seen = await seenBy(authProxy, async () => {
      const r = await repoclash(dir, ['crawl', '--config', config, '--db', db, '--cache', cache, '--format', 'json'], { env: NO_PROXY_ENV });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      out = r.stdout;
      expect(JSON.parse(r.stdout).repos[0]).toMatchObject({ repo: 'debian', status: 'changed', packages: 1 });
    });
    expect(seen.some((l) => l.includes('/dists/stable/InRelease'))).toBe(true);
    const audit = await repoclash(dir, ['audit', '--config', config, '--db', db, '--cache', cache, '--all'], { env: NO_PROXY_ENV });
    expect(audit.code).toBe(0);
    expect(out + audit.stdout + audit.stderr).not.toContain(SECRET);
    expect(await everythingUnder(cache)).not.toContain(SECRET);
    const stored = storedText(db);
    expect(stored).toContain('hello');
    expect(stored).not.toContain(SECRET);

    // A wrong password: the proxy's 407, one line naming the repo, the file and the proxy (no credentials).
    await writeFile(config, reposYaml(authProxy.url.replace('://', '://alice:wrong-one@')));
    const denied = await repoclash(dir, ['crawl', '--config', config, '--db', path.join(dir, 'denied.db'), '--cache', path.join(dir, 'cache-2'), '--retries', '0'], { env: NO_PROXY_ENV });
    expect(denied.code).toBe(3);
    const lines = denied.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // tinyproxy answers a forwarded GET without valid credentials 401 (RFC 9110 says 407; apt and curl fail alike).
    expect(lines[0]).toMatch(new RegExp(`^repoclash: repo debian: InRelease: through proxy ${authProxy.url} \\(from ${config}:11\\): HTTP 40[17] `));
    expect(denied.stderr).not.toContain('wrong-one');
  }, 120_000);
});

describe('an unreachable proxy', () => {
  it('is one line naming the repo, the file and the proxy; the other repos are crawled; exit 3', async () => {
    const dir = path.join(work, 'down');
    await mkdir(dir, { recursive: true });
    const downPort = await freeLoopbackPort();
    const config = path.join(dir, 'repos.yaml');
    const other = `  vendor:
    vendor: Vendor
    role: third-party
    format: deb
    uri: ${served.server.url}/vendor
    suite: stable
    components: [main]
    architectures: [amd64]
    trusted: true
    proxy: direct
`;
    await writeFile(config, `proxy: http://bob:${SECRET}@127.0.0.1:${downPort}\n${reposYaml('', other)}`);
    const r = await repoclash(dir, ['crawl', '--config', config, '--db', path.join(dir, 'store.db'), '--cache', path.join(dir, 'cache'), '--retries', '0', '--format', 'json'], { env: NO_PROXY_ENV });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toBe(`repoclash: repo debian: InRelease: through proxy http://127.0.0.1:${downPort} (from ${config}:1): connection refused: ${served.server.url}/debian/dists/stable/InRelease`);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const repos = JSON.parse(r.stdout).repos as Array<{ repo: string; status: string }>;
    expect(repos.find((x) => x.repo === 'vendor')?.status).toBe('changed');
    expect(repos.find((x) => x.repo === 'debian')?.status).toBe('failed');
  }, 60_000);
});

describe('an https repo through an http proxy', () => {
  it('is asked for with CONNECT (a tunnel), never as a plain GET', async () => {
    const dir = path.join(work, 'tunnel');
    await mkdir(dir, { recursive: true });
    const port = Number(served.server.url.split(':').pop());
    const tunnel = await startTinyproxy(path.join(dir, 'proxy'), { connectPorts: [port] });
    try {
      const config = path.join(dir, 'repos.yaml');
      // The test server speaks plain HTTP: TLS inside the tunnel fails, after the CONNECT the proxy logged.
      await writeFile(config, reposYaml(tunnel.url).replace(`uri: ${served.server.url}`, `uri: https://127.0.0.1:${port}`));
      const r = await repoclash(dir, ['crawl', '--config', config, '--db', path.join(dir, 'store.db'), '--cache', path.join(dir, 'cache'), '--retries', '0'], { env: NO_PROXY_ENV });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`through proxy ${tunnel.url} (from ${config}:11)`);
      const lines = await tunnel.requests();
      expect(lines).toContain(`CONNECT 127.0.0.1:${port} HTTP/1.1`);
      expect(lines.filter((l) => l.startsWith('GET'))).toEqual([]);
    } finally {
      await tunnel.close();
      await rm(path.join(dir, 'proxy'), { recursive: true, force: true });
    }
  }, 60_000);
});


describe('a dnf host: dnf.conf proxy with proxy_username / proxy_password, a repo with proxy=_none_', () => {
  let rpmServer: RepoServer | undefined;
  afterAll(async () => rpmServer?.close());

  it('dnf makecache and repoclash crawl --system reach the same repos through the proxy, with its credentials', async () => {
    const dir = path.join(work, 'dnf');
    for (const [name, pkg] of [['base', 'base-tool'], ['vendor', 'vendor-tool']] as const) {
      await buildRpmRepo({ dir: path.join(dir, 'srv', name), rpms: [{ name: pkg, version: '1.0', release: '1' }] });
    }
    rpmServer = await startRepoServer({ root: path.join(dir, 'srv') });
    const root = path.join(dir, 'root');
    await mkdir(path.join(root, 'etc/dnf/vars'), { recursive: true });
    await writeFile(path.join(root, 'etc/dnf/vars/releasever'), '40\n');
    const ctx = {
      installroot: root,
      repos: [
        { id: 'base', baseurl: `${rpmServer.url}/base/` },
        { id: 'vendor', baseurl: `${rpmServer.url}/vendor/`, extra: { proxy: '_none_' } },
      ],
      mainOptions: { proxy: authProxy.url, proxy_username: 'alice', proxy_password: SECRET },
    };
    const byPath = (lines: string[], repo: string) => lines.filter((l) => l.includes(`/${repo}/repodata/`));
    const byDnf = await seenBy(authProxy, async () => {
      const r = await runDnf({ ...ctx, args: ['makecache'], env: NO_PROXY_ENV });
      expect(r.code, r.stderr).toBe(0);
    }, rpmServer.url);
    const byRepoclash = await seenBy(authProxy, async () => {
      const r = await repoclash(dir, ['crawl', '--system', '--root', root, '--config', path.join(work, 'host-only.yaml'), '--db', path.join(dir, 'store.db'), '--cache', path.join(dir, 'cache'), '--retries', '0'], { env: NO_PROXY_ENV });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(SECRET);
    }, rpmServer.url);
    for (const seen of [byDnf, byRepoclash]) {
      expect(byPath(seen, 'base').length).toBeGreaterThan(0);
      expect(byPath(seen, 'vendor')).toEqual([]);
    }
    expect(await everythingUnder(path.join(dir, 'cache'))).not.toContain(SECRET);
    const stored = storedText(path.join(dir, 'store.db'));
    expect(stored).toContain('base-tool');
    expect(stored).not.toContain(SECRET);
  }, 180_000);
});
