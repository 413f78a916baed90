/**
 * Output is a terminal and a document: a repo whose metadata is full of escape sequences (clear
 * screen, OSC 52 clipboard write, title change), bidi overrides and markdown, served with a hostile
 * HTTP reason phrase and configured with a password in its URL. Every command (crawl, audit, host,
 * check, report) in every format (text, markdown, HTML, JSON, JUnit) must carry no raw control
 * character and no password, and still show what the metadata says (escaped).
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpkgStatusText } from '../support/apt.js';
import { repoclash } from '../support/cli.js';
import { buildDebRepo } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { dumpAllTables } from '../support/store-builders.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';
import { Store } from '../../src/store/index.js';

const PASSWORD = 'hunter2-secret';
// Clear screen, OSC 52 (write the clipboard), OSC 0 (window title), C1 CSI, a bidi override, DEL.
const HOSTILE = 'x\u001b[2J\u001b]52;c;cm0gLXJmIH4=\u0007\u001b]0;pwned\u0007\u009b31m\u202eexe.tab\u007f*_[a](b)`|';
const NAME = 'evil-tool';
const HOSTILE_NAME = `evil\u001b[2J-tool\u202e`;
// What a terminal acts on: C0 but tab and newline, DEL, C1, bidi controls, line separators.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

let work: string;
let server: RepoServer;
let key: GpgKey;
let config: string;
let db: string;

function hostileStanzas(text: string): string {
  return text
    .replace(new RegExp(`^Package: ${NAME}$`, 'gm'), `Package: ${HOSTILE_NAME}`)
    .replace(/^Homepage: .*$/gm, `Homepage: https://user:${PASSWORD}@example.org/${encodeURIComponent('a')}`)
    .replace(/^Description: .*$/gm, `Description: ${HOSTILE}`)
    .replace(/^Maintainer: .*$/gm, `Maintainer: ${HOSTILE} <m@example.org>`);
}

const uri = (dir: string) => `http://user:${PASSWORD}@127.0.0.1:${new URL(server.url).port}/${dir}/`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-output-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  const www = path.join(work, 'www');
  const pkg = (version: string) => ({ name: NAME, version, arch: 'amd64', homepage: 'https://example.org/', description: 'placeholder' });
  for (const [dir, version] of [
    ['distro', '1.0-1'],
    ['vendor', '2.0-1'],
  ] as const) {
    await buildDebRepo({ dir: path.join(www, dir), suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], origin: dir, packages: { main: [pkg(version)] } }], sign: key, editPackages: hostileStanzas });
  }
  server = await startRepoServer({ root: www });
  const deb = (id: string, vendor: string, role: string, dir: string) =>
    `  ${id}:\n    vendor: ${vendor}\n    role: ${role}\n    format: deb\n    uri: ${uri(dir)}\n    suite: stable\n    components: [main]\n    architectures: [amd64]\n    signing-key: { file: ${key.publicKeyringPath} }\n`;
  config = path.join(work, 'repos.yaml');
  await writeFile(
    config,
    `repos:\n${deb('distro', 'Debian', 'distro', 'distro')}${deb('vendor', 'Vendor', 'upstream', 'vendor')}${deb('broken', 'Broken', 'third-party', 'broken')}profiles:\n  p:\n    repos: [distro, vendor, broken]\n    arch: amd64\n`,
  );
  db = path.join(work, 'store.db');
}, 120_000);

afterAll(() => tearDown(work, server, key));

/** No raw control character, no password; `label` says which output failed. */
function expectSafe(label: string, text: string): void {
  const raw = RAW_CONTROL.exec(text);
  expect(raw === null ? null : `${label}: raw U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${raw.index}: ${JSON.stringify(text.slice(Math.max(0, raw.index - 40), raw.index + 10))}`).toBeNull();
  expect(text.includes(PASSWORD) ? `${label} carries the password` : null).toBeNull();
}

describe('every command, every format: no raw control character, no credential', () => {
  it('crawl, audit, check, report and host', async () => {
    // The broken repo answers with a hostile reason phrase (C1 CSI is valid latin-1 on the wire).
    server.fail('/broken/', { status: 503, reason: 'Service Unavailable\u009b2J\u009b]52;c;eA==\u009c' });
    const common = ['--config', config, '--db', db, '--cache', path.join(work, 'cache')];
    const outputs: Array<[string, string]> = [];
    // Analysis commands: findings (1) or partial data (3, the broken repo); which wins is the CLI's business.
    const run = async (label: string, args: string[], code: number | number[]) => {
      const r = await repoclash(work, args);
      outputs.push([`${label} stdout`, r.stdout], [`${label} stderr`, r.stderr]);
      expect([code].flat().map((c) => `${label}: exit ${c}`)).toContain(`${label}: exit ${r.code}`);
      return r;
    };

    const crawl = await run('crawl json', ['crawl', ...common, '--retries', '0', '--format', 'json'], 3);
    expect(crawl.stderr.trim().split('\n')).toEqual([
      // Node writes the phrase as UTF-8 and the client reads latin-1: each C1 arrives after an "Â".
      `repoclash: repo broken: InRelease: HTTP 503 Service UnavailableÂ\\x9b2JÂ\\x9b]52;c;eA==Â\\x9c: http://user:***@127.0.0.1:${new URL(server.url).port}/broken/dists/stable/InRelease`,
    ]);
    await run('audit text', ['audit', ...common, '--all'], [1, 3]);
    const md = await run('audit markdown', ['audit', ...common, '--all', '--format', 'markdown'], [1, 3]);
    const json = await run('audit json', ['audit', ...common, '--format', 'json'], [1, 3]);
    await run('check text', ['check', HOSTILE_NAME, ...common, '--version', '3.0-1', '--fail-on', 'error'], [1, 3]);
    await run('check json', ['check', HOSTILE_NAME, ...common, '--version', '3.0-1', '--format', 'json', '--fail-on', 'error'], [1, 3]);
    await run('check junit', ['check', HOSTILE_NAME, ...common, '--version', '3.0-1', '--format', 'junit', '--fail-on', 'error'], [1, 3]);
    const reports = path.join(work, 'reports');
    await run('report', ['report', ...common, '--out', reports], [1, 3]);
    for (const file of await readdir(reports)) outputs.push([`report ${file}`, await readFile(path.join(reports, file), 'utf8')]);

    // host: a root whose apt sources name the two repos (with the password) and which has the hostile package installed.
    const root = path.join(work, 'root');
    for (const d of ['etc/apt/sources.list.d', 'etc/apt/trusted.gpg.d', 'var/lib/dpkg']) await mkdir(path.join(root, d), { recursive: true });
    await writeFile(path.join(root, 'etc/apt/sources.list'), `deb ${uri('distro')} stable main\ndeb ${uri('vendor')} stable main\n`);
    await copyFile(key.publicKeyringPath, path.join(root, 'etc/apt/trusted.gpg.d/test.gpg'));
    await writeFile(path.join(root, 'var/lib/dpkg/status'), dpkgStatusText([{ name: NAME, version: '1.0-1', arch: 'amd64' }]));
    // dpkg itself refuses the hostile name in its status file; an exported list (as from another host) carries it.
    await writeFile(path.join(work, 'installed.txt'), `${HOSTILE_NAME}:amd64\t1.0-1\n`);
    const host = ['host', '--root', root, '--installed', path.join(work, 'installed.txt'), '--config', config, '--db', db, '--cache', path.join(work, 'cache')];
    const hostText = await repoclash(work, [...host, '--all']);
    const hostJson = await repoclash(work, [...host, '--format', 'json']);
    const hostLine = await repoclash(work, [...host, '--oneline']);
    for (const [label, r] of [
      ['host text', hostText],
      ['host json', hostJson],
      ['host oneline', hostLine],
    ] as const) {
      expect(`${label}: exit ${r.code} ${r.stderr}`).toMatch(/exit [01] $/);
      outputs.push([`${label} stdout`, r.stdout], [`${label} stderr`, r.stderr]);
    }

    for (const [label, text] of outputs) expectSafe(label, text);
    // Not vacuous: the hostile name is shown, escaped, in text; markdown cannot be broken out of.
    const all = outputs.map(([, t]) => t).join('\n');
    expect(all).toContain('evil\\x1b[2J-tool\\u202e');
    expect(md.stdout).toContain('`evil\\x1b[2J-tool\\u202e`');
    // JSON keeps the exact value (escaped on the wire, equal once parsed).
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(HOSTILE_NAME).slice(1, -1));
    expect(hostText.stdout).toContain('evil\\x1b[2J-tool\\u202e');

    // The store keeps no password either: repo events, versions' homepages.
    const stored = Store.open({ path: testStoreLocation(db), readonly: true });
    const dump = dumpAllTables(stored);
    stored.close();
    expect(dump).not.toContain(PASSWORD);
    expect(dump).toContain('https://user:***@example.org/');
  }, 240_000);
});
