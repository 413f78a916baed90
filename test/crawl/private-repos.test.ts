/**
 * Private repositories as a production host has them: apt's auth.conf / auth.conf.d, dnf's
 * username= / password=, a repo behind a private CA. Real repos (apt-ftparchive, createrepo_c)
 * served on 127.0.0.1 behind HTTP Basic auth or over https, `repoclash crawl --system --root`, and
 * real `apt-get update` / `dnf makecache` on the same files as the oracle of who gets in.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptConfigForRoot, aptGet, writeDebHostRoot } from '../support/apt.js';
import { repoclash, type Run } from '../support/cli.js';
import { buildDebRepo } from '../support/deb-repo.js';
import { runDnf } from '../support/dnf.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { HOST_REPOS_ONLY_CONFIG } from '../support/repos-yaml.js';
import { buildRpmRepo, writeMetalink } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { makeSelfSignedCert, type TestCertificate } from '../support/tls-cert.js';

const USER = 'reader';
const PASSWORD = 'Pa55-w0rd-4b9e1c7f';

let work: string;
let key: GpgKey;
let server: RepoServer;
let elsewhere: RepoServer;
let tlsServer: RepoServer;
let cert: TestCertificate;
let clientCert: TestCertificate;
let clientCertServer: RepoServer;
let hostConfig: string;
let port: number;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-private-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  const suite = { suite: 'stable', codename: 'bookworm', origin: 'Private', label: 'Private', components: ['main'], packages: { main: [{ name: 'private-tool', version: '1.0-1' }] } };
  await buildDebRepo({ dir: path.join(work, 'srv/private/debian'), suites: [suite], sign: key });
  await buildRpmRepo({ dir: path.join(work, 'srv/private/rpm'), rpms: [{ name: 'private-tool', version: '1.0', release: '1', arch: 'noarch', vendor: 'Private' }] });
  server = await startRepoServer({ root: path.join(work, 'srv'), logins: [{ prefix: '/private/', username: USER, password: PASSWORD }] });
  elsewhere = await startRepoServer({ root: path.join(work, 'srv') });
  cert = await makeSelfSignedCert(work, 'private-ca');
  tlsServer = await startRepoServer({ root: path.join(work, 'srv'), tls: { cert: cert.cert, key: cert.key } });
  clientCert = await makeSelfSignedCert(work, 'client');
  clientCertServer = await startRepoServer({ root: path.join(work, 'srv'), tls: { cert: cert.cert, key: cert.key, clientCa: clientCert.cert } });
  port = Number(new URL(server.url).port);
  hostConfig = path.join(work, 'repos.yaml');
  await writeFile(hostConfig, HOST_REPOS_ONLY_CONFIG);
}, 180_000);

afterAll(() => tearDown(work, server, elsewhere, tlsServer, clientCertServer, key));

interface CrawlJson {
  repos: { repo: string; status: string; notes: string[]; error?: { message: string; file: string } }[];
}

let runs = 0;
/** `crawl --system --root ROOT` into its own store and cache, as cron runs it (no TTY). */
async function crawlRoot(root: string, format: 'json' | 'text' = 'json'): Promise<{ run: Run; json: CrawlJson | null; db: string; cache: string }> {
  const n = ++runs;
  const db = path.join(work, `store-${n}.db`);
  const cache = path.join(work, `cache-${n}`);
  const run = await repoclash(work, ['crawl', '--system', '--root', root, '--config', hostConfig, '--profile', 'system', '--db', db, '--cache', cache, '--retries', '0', '--format', format]);
  return { run, json: format === 'json' && run.stdout !== '' ? (JSON.parse(run.stdout) as CrawlJson) : null, db, cache };
}

/** A Debian root whose one source is the private repo at `uri`, with these extra files (auth.conf…). */
async function debRoot(name: string, files: Record<string, string>, uri = `${server.url}/private/debian`): Promise<string> {
  const root = path.join(work, name);
  await writeDebHostRoot(root, { sources: [`deb ${uri} stable main`], keyring: key.publicKeyringPath, installed: [], files });
  return root;
}

/**
 * Did real apt get the index? (apt-get update exits 0 and reports no failed fetch: an `Err:` line,
 * `401  Unauthorized`, `Failed to fetch`.) Not a bare "401": the server's random port may contain it.
 */
async function aptGetsIn(root: string): Promise<boolean> {
  const apt = await aptConfigForRoot(root, path.join(root, '..', `${path.basename(root)}-apt-state`));
  const update = await aptGet(apt, ['update']);
  return update.code === 0 && !/^Err:|Unauthorized|Failed to fetch/m.test(update.stdout + update.stderr);
}

async function repoclashGetsIn(root: string): Promise<boolean> {
  const { json } = await crawlRoot(root);
  expect(json?.repos).toHaveLength(1);
  return json!.repos[0]!.status === 'changed';
}

describe('apt auth.conf: who gets in, apt-get update and repoclash alike', () => {
  const login = `login ${USER} password ${PASSWORD}`;
  // [case, auth.conf.d/private.conf text (PORT = the server's port), does apt send the login?]
  const cases: [string, (port: number) => string, boolean][] = [
    ['host with the scheme, any port', () => `machine http://127.0.0.1 ${login}\n`, true],
    ['host without a scheme: https only, so not for plain http', () => `machine 127.0.0.1 ${login}\n`, false],
    ['host:port of the URL', (p) => `machine http://127.0.0.1:${p} ${login}\n`, true],
    ['host:another port', (p) => `machine http://127.0.0.1:${p + 1} ${login}\n`, false],
    ['host:port/path, a text prefix of the URL path (/private/deb of /private/debian)', (p) => `machine http://127.0.0.1:${p}/private/deb ${login}\n`, true],
    ['host/path without the port the URL has', () => `machine http://127.0.0.1/private ${login}\n`, false],
    ['host:port/another path', (p) => `machine http://127.0.0.1:${p}/public ${login}\n`, false],
    ['another scheme', () => `machine https://127.0.0.1 ${login}\n`, false],
    ['the multi-line form', () => `machine http://127.0.0.1\n  login ${USER}\n  password ${PASSWORD}\n`, true],
    ['the first matching stanza of a file counts (a wrong password above the right one)', (p) => `machine http://127.0.0.1 login ${USER} password wrong\nmachine http://127.0.0.1:${p} ${login}\n`, false],
    ['a stanza for another host above the right one', (p) => `machine http://10.0.0.1 login x password y\nmachine http://127.0.0.1:${p} ${login}\n`, true],
  ];
  for (const [name, text, getsIn] of cases) {
    it(`${name}: ${getsIn ? 'in' : '401'}`, async () => {
      const root = await debRoot(`match-${cases.findIndex((c) => c[0] === name)}`, { 'etc/apt/auth.conf.d/private.conf': text(port) });
      expect(await aptGetsIn(root)).toBe(getsIn);
      expect(await repoclashGetsIn(root)).toBe(getsIn);
    }, 60_000);
  }

  // [case, files under etc/apt, does apt get in?]
  const fileCases: [string, Record<string, string>, boolean][] = [
    ['auth.conf is read before auth.conf.d', { 'etc/apt/auth.conf': `machine http://127.0.0.1 ${login}\n`, 'etc/apt/auth.conf.d/wrong.conf': `machine http://127.0.0.1 login ${USER} password wrong\n` }, true],
    ['auth.conf.d in name order: the first file with a match wins', { 'etc/apt/auth.conf.d/10-wrong.conf': `machine http://127.0.0.1 login ${USER} password wrong\n`, 'etc/apt/auth.conf.d/20-right.conf': `machine http://127.0.0.1 ${login}\n` }, false],
    ['a file named *.txt is not read', { 'etc/apt/auth.conf.d/private.txt': `machine http://127.0.0.1 ${login}\n` }, false],
    ['a file without a dot is read (apt lists it as in apt.conf.d)', { 'etc/apt/auth.conf.d/private': `machine http://127.0.0.1 ${login}\n` }, true],
    ['Dir::Etc::netrcparts moves auth.conf.d', { 'etc/apt/apt.conf.d/50auth': 'Dir::Etc::netrcparts "logins.d";\n', 'etc/apt/logins.d/private.conf': `machine http://127.0.0.1 ${login}\n` }, true],
  ];
  for (const [name, files, getsIn] of fileCases) {
    it(`${name}: ${getsIn ? 'in' : '401'}`, async () => {
      const root = await debRoot(`files-${fileCases.findIndex((c) => c[0] === name)}`, files);
      expect(await aptGetsIn(root)).toBe(getsIn);
      expect(await repoclashGetsIn(root)).toBe(getsIn);
    }, 60_000);
  }
});

describe('credentials stay with their location and out of every output', () => {
  it('without auth.conf the repo fails; with it crawl --system gets in, and the password is nowhere in stdout, stderr, JSON, the store or the cache', async () => {
    const before = await crawlRoot(await debRoot('none', {}));
    expect(before.run.code).toBe(3);
    expect(before.json!.repos[0]!.status).toBe('failed');

    const root = await debRoot('secret', { 'etc/apt/auth.conf.d/private.conf': `machine http://127.0.0.1 login ${USER} password ${PASSWORD}\n` });
    const text = await crawlRoot(root, 'text');
    expect(text.run.code).toBe(0);
    const { run, db, cache } = await crawlRoot(root);
    expect(run.code).toBe(0);
    const encoded = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    for (const output of [text.run.stdout, text.run.stderr, run.stdout, run.stderr]) {
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain(encoded);
    }
    // Every file the crawl wrote: its name and its bytes.
    const files = [db, ...(await readdir(cache, { recursive: true })).map((f) => path.join(cache, f))];
    for (const file of [...files, `${db}-wal`]) {
      expect(file).not.toContain(PASSWORD);
      const bytes = await readFile(file).catch(() => Buffer.alloc(0));
      expect(bytes.includes(PASSWORD)).toBe(false);
      expect(bytes.includes(encoded)).toBe(false);
    }
  }, 60_000);

  it('a wrong password: one stderr line naming the repo, the file and where the login came from (never the password), exit 3 (partial)', async () => {
    const root = await debRoot('wrong', { 'etc/apt/auth.conf.d/private.conf': `machine http://127.0.0.1 login ${USER} password not-${PASSWORD}\n` });
    const { run } = await crawlRoot(root, 'text');
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^repoclash: repo apt:127\.0\.0\.1:\d+\/private\/debian:stable: InRelease: HTTP 401 Unauthorized: http:\/\/127\.0\.0\.1:\d+\/private\/debian\/dists\/stable\/InRelease \(the login of .*\/etc\/apt\/auth\.conf\.d\/private\.conf:1 was refused\)$/);
    expect(run.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it('a redirect to another host gets no credentials', async () => {
    const target = `${elsewhere.url}/private/debian/dists/stable/InRelease`;
    server.fail('/private/debian/dists/stable/InRelease', { status: 302, headers: { Location: target } });
    try {
      const root = await debRoot('redirect', { 'etc/apt/auth.conf.d/private.conf': `machine http://127.0.0.1:${port} login ${USER} password ${PASSWORD}\n` });
      await crawlRoot(root);
      const redirected = elsewhere.requests.filter((r) => r.path.startsWith('/private/debian/dists/stable/InRelease'));
      expect(redirected.length).toBeGreaterThan(0);
      expect(redirected.every((r) => r.authorization === undefined)).toBe(true);
      // …while the first host did get them.
      expect(server.requests.some((r) => r.path.startsWith('/private/debian/dists/stable/InRelease') && r.authorization !== undefined)).toBe(true);
    } finally {
      server.clearFaults();
    }
  }, 60_000);
});

describe('dnf: username= / password=', () => {
  async function dnfRoot(name: string, extra: Record<string, string>): Promise<{ root: string; dnfGetsIn: boolean }> {
    const root = path.join(work, name);
    const ctx = { installroot: root, repos: [{ id: 'private', baseurl: `${server.url}/private/rpm/`, extra }] };
    const dnf = await runDnf({ ...ctx, args: ['makecache'] });
    return { root, dnfGetsIn: dnf.code === 0 };
  }

  it('a .repo with the right login gets in, a wrong one or none gets 401, as for dnf makecache', async () => {
    for (const [name, extra, getsIn] of [
      ['dnf-right', { username: USER, password: PASSWORD }, true],
      ['dnf-wrong', { username: USER, password: 'wrong' }, false],
      ['dnf-password-only', { password: PASSWORD }, false],
    ] as const) {
      const { root, dnfGetsIn } = await dnfRoot(name, extra);
      expect(dnfGetsIn).toBe(getsIn);
      const { json, run } = await crawlRoot(root);
      expect(json!.repos.map((r) => r.status)).toEqual([getsIn ? 'changed' : 'failed']);
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    }
  }, 120_000);

  it('the login goes to the metalink it belongs to, never to a mirror the metalink lists elsewhere', async () => {
    await writeMetalink(path.join(work, 'srv/private/metalink'), path.join(work, 'srv/private/rpm'), `${elsewhere.url}/private/rpm/`);
    const root = path.join(work, 'dnf-metalink');
    await writeFiles(root, {
      'etc/dnf/dnf.conf': '[main]\n',
      'etc/yum.repos.d/private.repo': `[private]\nname=private\nmetalink=${server.url}/private/metalink\nusername=${USER}\npassword=${PASSWORD}\n`,
    });
    const { json } = await crawlRoot(root);
    expect(json!.repos.map((r) => r.status)).toEqual(['changed']);
    expect(server.requests.filter((r) => r.path === '/private/metalink').every((r) => r.status === 200 && r.authorization !== undefined)).toBe(true);
    const mirrorRequests = elsewhere.requests.filter((r) => r.path.startsWith('/private/rpm/'));
    expect(mirrorRequests.length).toBeGreaterThan(0);
    expect(mirrorRequests.every((r) => r.authorization === undefined)).toBe(true);
  }, 60_000);

  it('[main] username/password are inherited by every repo', async () => {
    const root = path.join(work, 'dnf-main');
    await runDnf({ installroot: root, repos: [{ id: 'private', baseurl: `${server.url}/private/rpm/` }], mainOptions: { username: USER, password: PASSWORD }, args: ['makecache'] });
    const { json } = await crawlRoot(root);
    expect(json!.repos.map((r) => r.status)).toEqual(['changed']);
  }, 60_000);
});

describe('repos.yaml: username with password-env / password-file, ca-file', () => {
  const yaml = (access: string, url = `${server.url}/private/rpm/`) =>
    `repos:\n  private:\n    vendor: Private\n    role: third-party\n    format: rpm\n    baseurl: ${url}\n${access}`;
  async function crawlYaml(name: string, text: string, env: Record<string, string> = {}): Promise<Run> {
    const config = path.join(work, `${name}.yaml`);
    await writeFile(config, text);
    return repoclash(work, ['crawl', '--config', config, '--db', path.join(work, `${name}.db`), '--cache', path.join(work, `${name}-cache`), '--retries', '0'], { env });
  }

  it('the password from the environment or a file gets in; an unset variable is one line naming the repo and the variable', async () => {
    expect((await crawlYaml('yaml-env', yaml(`    username: ${USER}\n    password-env: PRIVATE_REPO_PASSWORD\n`), { PRIVATE_REPO_PASSWORD: PASSWORD })).code).toBe(0);
    await writeFile(path.join(work, 'private-password'), `${PASSWORD}\n`);
    expect((await crawlYaml('yaml-file', yaml(`    username: ${USER}\n    password-file: private-password\n`))).code).toBe(0);
    const unset = await crawlYaml('yaml-unset', yaml(`    username: ${USER}\n    password-env: PRIVATE_REPO_PASSWORD\n`));
    expect(unset.code).toBe(3);
    expect(unset.stderr.trim()).toBe('repoclash: repo private: login: environment variable PRIVATE_REPO_PASSWORD (password-env) is not set');
    const none = await crawlYaml('yaml-none', yaml(''));
    expect(none.stderr.trim()).toMatch(/^repoclash: repo private: repodata\/repomd\.xml: HTTP 401 Unauthorized: .* \(no login configured for this URL\)$/);
  }, 60_000);

  it('a password written in repos.yaml is refused at its line', async () => {
    const run = await crawlYaml('yaml-password', yaml(`    username: ${USER}\n    password: ${PASSWORD}\n`));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/yaml-password\.yaml:8:\d+: repos\.private\.password: never put a password in repos\.yaml: use password-env or password-file/);
    expect(run.stderr).not.toContain(PASSWORD);
  });

  it('ca-file trusts a private CA for that repo', async () => {
    const url = `${tlsServer.url}/private/rpm/`;
    expect((await crawlYaml('yaml-tls-none', yaml('', url))).code).toBe(3);
    expect((await crawlYaml('yaml-tls-ca', yaml(`    ca-file: ${cert.certPath}\n`, url))).code).toBe(0);
  }, 60_000);
});

describe('TLS: a private CA for one repo', () => {
  it('apt: untrusted without Acquire::https::HOST::CaInfo, trusted with it; Verify-Peer false is honoured with a note', async () => {
    const uri = `${tlsServer.url}/private/debian`;
    const plain = await crawlRoot(await debRoot('tls-none', {}, uri));
    expect(plain.json!.repos[0]!.status).toBe('failed');
    expect(plain.json!.repos[0]!.error!.message).toMatch(/self.signed certificate/i);

    const caInfo = await debRoot('tls-ca', { 'etc/apt/apt.conf.d/50private-ca': 'Acquire::https::127.0.0.1::CaInfo "/etc/ssl/private-ca.pem";\n', 'etc/ssl/private-ca.pem': cert.cert.toString() }, uri);
    const trusted = await crawlRoot(caInfo);
    expect(trusted.json!.repos[0]!.status).toBe('changed');
    expect(trusted.json!.repos[0]!.notes.join('\n')).not.toMatch(/verification is off/);

    // The CA of another host's entry is not this repo's.
    const otherHost = await crawlRoot(await debRoot('tls-other-host', { 'etc/apt/apt.conf.d/50private-ca': 'Acquire::https::localhost::CaInfo "/etc/ssl/private-ca.pem";\n', 'etc/ssl/private-ca.pem': cert.cert.toString() }, uri));
    expect(otherHost.json!.repos[0]!.status).toBe('failed');

    const noVerify = await crawlRoot(await debRoot('tls-noverify', { 'etc/apt/apt.conf.d/50noverify': 'Acquire::https::127.0.0.1::Verify-Peer "false";\n' }, uri));
    expect(noVerify.json!.repos[0]!.status).toBe('changed');
    expect(noVerify.json!.repos[0]!.notes).toContainEqual(expect.stringMatching(/^TLS certificate verification is off for this repo/));
  }, 60_000);

  it('client certificates: apt SslCert / SslKey and dnf sslclientcert / sslclientkey get in where a server asks for one', async () => {
    const uri = `${clientCertServer.url}/private/debian`;
    const ca = { 'etc/ssl/private-ca.pem': cert.cert.toString(), 'etc/ssl/client.pem': clientCert.cert.toString(), 'etc/ssl/client-key.pem': clientCert.key.toString() };
    const caOnly = 'Acquire::https::127.0.0.1::CaInfo "/etc/ssl/private-ca.pem";\n';
    const without = await crawlRoot(await debRoot('client-none', { ...ca, 'etc/apt/apt.conf.d/50ca': caOnly }, uri));
    expect(without.json!.repos[0]!.status).toBe('failed');
    const withCert = await crawlRoot(
      await debRoot('client-cert', { ...ca, 'etc/apt/apt.conf.d/50ca': `${caOnly}Acquire::https::127.0.0.1::SslCert "/etc/ssl/client.pem";\nAcquire::https::127.0.0.1::SslKey "/etc/ssl/client-key.pem";\n` }, uri),
    );
    expect(withCert.json!.repos[0]!.status).toBe('changed');

    const root = path.join(work, 'dnf-client-cert');
    await writeFiles(root, {
      ...ca,
      'etc/dnf/dnf.conf': '[main]\nsslcacert=/etc/ssl/private-ca.pem\n',
      'etc/yum.repos.d/private.repo': `[private]\nname=private\nbaseurl=${clientCertServer.url}/private/rpm/\nsslclientcert=/etc/ssl/client.pem\nsslclientkey=/etc/ssl/client-key.pem\n`,
    });
    expect((await crawlRoot(root)).json!.repos[0]!.status).toBe('changed');
  }, 60_000);

  it('dnf: sslcacert= trusts the CA for that repo; sslverify=0 is honoured with a note', async () => {
    const root = path.join(work, 'dnf-tls');
    const repoFile = (extra: string) => `[private]\nname=private\nbaseurl=${tlsServer.url}/private/rpm/\n${extra}`;
    await writeFiles(root, { 'etc/dnf/dnf.conf': '[main]\n', 'etc/yum.repos.d/private.repo': repoFile('') });
    expect((await crawlRoot(root)).json!.repos[0]!.status).toBe('failed');
    await writeFiles(root, { 'etc/yum.repos.d/private.repo': repoFile('sslcacert=/etc/pki/private-ca.pem\n'), 'etc/pki/private-ca.pem': cert.cert.toString() });
    expect((await crawlRoot(root)).json!.repos[0]!.status).toBe('changed');
    await writeFiles(root, { 'etc/yum.repos.d/private.repo': repoFile('sslverify=0\n') });
    const off = (await crawlRoot(root)).json!.repos[0]!;
    expect(off.status).toBe('changed');
    expect(off.notes).toContainEqual(expect.stringMatching(/^TLS certificate verification is off for this repo, as .*private\.repo:4 says$/));
  }, 60_000);
});

/** Files under a root, nothing else (an rpm host's etc). */
async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}
