/**
 * `repoclash crawl` as cron runs it: a real process, no TTY, exit codes, one line per failed repo,
 * and a SIGKILL in the middle of storing a real 17,649-package repo.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { repoLockKey } from '../../src/store/postgres/locks.js';
import { openStoreByLabel, testStoreLocation } from '../support/test-store.js';
import type { RepoServer } from '../support/http-server.js';
import { repoclash as runCli } from '../support/cli.js';
import { goodAndGoneConfig } from '../support/repos-yaml.js';
import { serveGoodRepoAndFixtures } from '../support/good-repo-site.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let fixtureServer: RepoServer;

const repoclash = (args: string[], options: { killWhen?: () => boolean } = {}) => runCli(work, args, options);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-cli-'));
  ({ server, fixtureServer } = await serveGoodRepoAndFixtures(work));
}, 120_000);

afterAll(() => tearDown(work, server, fixtureServer));

describe('repoclash crawl (process)', () => {
  it('exits 3 with one line per failed repo and stores the rest; silent without a TTY', async () => {
    const config = path.join(work, 'partial.yaml');
    await writeFile(config, goodAndGoneConfig(`${server.url}/good/`, 'http://127.0.0.1:1/nothing/'));
    const run = await repoclash(['crawl', '--config', config, '--db', path.join(work, 'partial.db'), '--retries', '0']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual(['repoclash: repo gone: repodata/repomd.xml: connection refused: http://127.0.0.1:1/nothing/repodata/repomd.xml']);
    const store = openStoreByLabel({ path: testStoreLocation(path.join(work, 'partial.db')), readonly: true });
    expect(store.currentVersions(['good']).map((v) => v.name)).toEqual(['grafana']);
    store.close();

    const json = await repoclash(['crawl', '--config', config, '--db', path.join(work, 'partial.db'), '--retries', '0', '--format', 'json']);
    expect(json.code).toBe(3);
    const parsed = JSON.parse(json.stdout) as { repos: Array<{ repo: string; status: string }> };
    expect(parsed.repos.map((r) => [r.repo, r.status])).toEqual([
      ['good', 'unchanged'],
      ['gone', 'failed'],
    ]);
  });

  it('exits 2 with file:line:column for a bad repos.yaml', async () => {
    const config = path.join(work, 'bad.yaml');
    await writeFile(config, 'repos:\n  x:\n    format: rpm\n    vendor: V\n    role: boss\n    baseurl: http://x/\n');
    const run = await repoclash(['crawl', '--config', config, '--db', path.join(work, 'bad.db')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`repoclash: ${config}:5:11: repos.x.role: expected one of distro, upstream, third-party, got "boss"`);
  });

  it('a crawl killed with SIGKILL while storing leaves a consistent store with the earlier data', async () => {
    const db = testStoreLocation(path.join(work, 'killed.db'));
    const config = path.join(work, 'killed.yaml');
    await writeFile(
      config,
      `repos:
  good:
    vendor: Grafana Labs
    role: upstream
    format: rpm
    baseurl: ${server.url}/good/
  centos:
    vendor: CentOS
    role: distro
    format: rpm
    baseurl: ${fixtureServer.url}/centos-stream-9-appstream/
`,
    );
    const first = await repoclash(['crawl', '--config', config, '--db', db, '--repo', 'good']);
    expect(first.code).toBe(0);

    // Kill shortly after the 17,649-package primary.xml has been served: the crawl is parsing and
    // staging it then.
    let servedAt = 0;
    const run = await repoclash(['crawl', '--config', config, '--db', db], {
      killWhen: () => {
        if (!servedAt && fixtureServer.requests.some((r) => r.path.endsWith('primary.xml.gz'))) servedAt = Date.now();
        return servedAt > 0 && Date.now() - servedAt > 60;
      },
    });
    expect(run.signal).toBe('SIGKILL');

    const store = Store.open({ path: db });
    if (store instanceof SqliteStore) {
      const raw = new Database(db);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      const staging = (store.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%staging%' AND type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
      for (const table of staging) expect(store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    } else if (store instanceof PostgresStore) {
      // The killed crawler's session is gone, and its repo locks with it (staging was a temp table of that session).
      const key = repoLockKey(store.db.location.schema, store.repos().find((r) => r.label === 'centos')!.id);
      expect(store.db.value('SELECT pg_try_advisory_lock($1::bigint)', [key])).toBe(true);
      store.db.rows('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
    store.close();
    const named = openStoreByLabel({ path: db });
    expect(named.currentVersions(['good']).map((v) => v.name)).toEqual(['grafana']);
    // Either the kill came before the commit (no snapshot) or after it (a whole one): never half.
    const centos = named.latestSnapshot('centos');
    if (centos) expect(named.currentVersions(['centos'])).toHaveLength(centos.packageCount);
    else expect(named.currentVersions(['centos'])).toHaveLength(0);
    named.close();

    // The lock of the killed crawl is stale (its pid is dead): the next crawl takes over and finishes.
    const again = await repoclash(['crawl', '--config', config, '--db', db]);
    expect(again.code).toBe(0);
    const after = openStoreByLabel({ path: db, readonly: true });
    expect(after.currentVersions(['centos'])).toHaveLength(17_649);
    after.close();
  });
});
