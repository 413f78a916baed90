/**
 * `repoclash host` on this machine: its real /etc/apt and dpkg status. The network is used only
 * for one small suite (the host's `-updates` suite, when it has one); without it the command must
 * still run and say that data is missing (exit 3).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptSystemRepos } from '../../src/config/host.js';
import { readDpkgStatus } from '../../src/host/installed.js';
import { Store } from '../../src/store/index.js';
import { repoclash as runCli, type Run } from '../support/cli.js';
import { testStoreLocation } from '../support/test-store.js';
import { HOST_REPOS_ONLY_CONFIG } from '../support/repos-yaml.js';

let work: string;
let config: string;

/** The machine's own environment: `host --root /` and `crawl --system` read this host as it is. */
function repoclash(args: string[]): Promise<Run> {
  return runCli(work, args, { home: 'inherited' });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-host-system-'));
  // Only the host's own repos (the shipped repos.yaml would rename the ones it also lists).
  config = path.join(work, 'repos.yaml');
  await writeFile(config, HOST_REPOS_ONLY_CONFIG);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("repoclash host on this machine's /etc/apt and dpkg status", () => {
  it('with no repo data: exit 3 and a message, not a wall of false "stranded"', async () => {
    const db = path.join(work, 'empty.db');
    Store.open({ path: testStoreLocation(db) }).close();
    const r = await repoclash(['host', '--root', '/', '--no-refresh', '--config', config, '--db', db, '--cache', path.join(work, 'cache')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no data for any of the host's \d+ repos/);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('after crawling one small suite: runs, exits 0/1/3, and names the installed package count', async () => {
    const db = path.join(work, 'one.db');
    const cache = path.join(work, 'cache');
    const system = await aptSystemRepos('/');
    expect(system).not.toBeNull();
    const small = system!.repos.find((r) => r.format === 'deb' && r.suite.endsWith('-updates')) ?? system!.repos[0]!;
    const crawl = await repoclash(['crawl', '--system', '--config', config, '--repo', small.id, '--db', db, '--cache', cache, '--quiet', '--timeout', '20', '--retries', '0']);
    expect([0, 3]).toContain(crawl.code);
    const installed = (await readDpkgStatus('/')).packages.length;
    const r = await repoclash(['host', '--root', '/', '--no-refresh', '--config', config, '--db', db, '--cache', cache]);
    expect([0, 1, 3]).toContain(r.code);
    if (crawl.code === 0) {
      expect(r.stdout).toContain(`repoclash host: ${installed.toLocaleString('en')} installed packages (dpkg status /var/lib/dpkg/status)`);
      // The other repos were not crawled: the report says its data is partial.
      if (system!.repos.length > 1) expect(r.stdout).toContain('PARTIAL DATA');
      // A package no repo carries reads "(in no enabled repo)", not "((unknown: …), in no enabled repo)".
      expect(r.stdout).not.toContain('((');
      const line = await repoclash(['host', '--root', '/', '--no-refresh', '--config', config, '--db', db, '--cache', cache, '--oneline']);
      expect(line.stdout).toMatch(new RegExp(`^repoclash: .*${installed.toLocaleString('en')} installed`));
      expect(line.stdout.trim().split('\n')).toHaveLength(1);
    } else {
      expect(r.stderr).toMatch(/no data/);
    }
  }, 180_000);
});
