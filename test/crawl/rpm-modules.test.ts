/**
 * The crawler's modules.yaml: fetched with the primary, stored with the snapshot. dnf downloads a
 * modules file repomd.xml lists together with primary.xml (libdnf's download list) and fails the
 * repo when it cannot; so does the crawler: one error naming the repo and the file, what was stored
 * stays, and the primary already downloaded is not downloaded again (the cache holds it).
 */
import { mkdtemp, readdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlRepos } from '../../src/crawl/crawl.js';
import type { RpmRepoConfig } from '../../src/config/types.js';
import { Store } from '../../src/store/index.js';
import { CENTOS_FIXTURE, CENTOS_MISSING_MODULES_HREF } from '../support/centos-fixture.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { rpmRepo } from '../support/config-builders.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { fixturesDir } from '../support/paths.js';
import { addModulesYaml, buildRpmRepo, modulesYamlText, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let fixtureServer: RepoServer;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-rpm-modules-'));
  server = await startRepoServer({ root: path.join(work, 'www') });
  fixtureServer = await startRepoServer({ root: path.join(fixturesDir, 'rpm') });
}, 30_000);

afterAll(() => tearDown(work, server, fixtureServer));

function crawler(store: Store, repo: RpmRepoConfig) {
  return async () => (await crawlRepos([repo], testCrawlContext(store, path.join(work, `cache-${repo.id}`))))[0]!;
}

const nodejs = (version: string): RpmSpec => ({ name: 'nodejs', version, release: '1.module_el9', arch: 'x86_64' });

/** Build the repo with a modules.yaml for this nodejs version; returns the modules file's path. */
async function buildModularRepo(dir: string, version: string): Promise<string> {
  await buildRpmRepo({ dir, rpms: [nodejs(version)] });
  await addModulesYaml(dir, modulesYamlText([{ name: 'nodejs', stream: '18', artifacts: [`nodejs-1:${version}-1.module_el9.x86_64`] }], { nodejs: '18' }));
  return path.join(dir, 'repodata', (await readdir(path.join(dir, 'repodata'))).find((f) => f.includes('modules'))!);
}

describe('modules.yaml in an rpm crawl', () => {
  it('a listed modules file that is not served fails the repo (stored data intact); once served, it is stored and the next crawl is one 304', async () => {
    const dir = path.join(work, 'www/appstream');
    const store = Store.open({ path: testStoreLocation(path.join(work, 'appstream.db')) });
    try {
      const crawl = crawler(store, rpmRepo('appstream', { baseurl: [`${server.url}/appstream/`] }));
      await buildModularRepo(dir, '18.19.0');
      expect((await crawl()).status).toBe('changed');

      // A new release whose modules file the mirror does not have (yet).
      const modulesFile = await buildModularRepo(dir, '18.20.0');
      await rename(modulesFile, path.join(work, 'aside'));
      const failed = await crawl();
      expect(failed.status).toBe('failed');
      expect(failed.error?.describe()).toBe(`repo appstream: repodata/${path.basename(modulesFile)}: not found: ${server.url}/appstream/repodata/${path.basename(modulesFile)}`);
      expect(store.currentVersions(['appstream']).map((v) => v.evr)).toEqual(['18.19.0-1.module_el9']);
      expect(store.dnfFacts(['appstream']).get('appstream')?.modules?.streams[0]?.artifacts).toEqual(['nodejs-1:18.19.0-1.module_el9.x86_64']);

      await rename(path.join(work, 'aside'), modulesFile);
      let from = server.requests.length;
      const second = await crawl();
      expect(second.status).toBe('changed');
      expect(second.notes).toEqual([]);
      // The failed crawl had downloaded the new primary: it is not downloaded again.
      expect(server.requests.slice(from).filter((r) => r.path.endsWith('primary.xml.gz'))).toEqual([]);
      expect(store.currentVersions(['appstream']).map((v) => v.evr)).toEqual(['18.20.0-1.module_el9']);
      expect(store.dnfFacts(['appstream']).get('appstream')?.modules).toEqual({
        streams: [{ name: 'nodejs', stream: '18', version: 9000020240101, context: 'a1b2c3d4', arch: 'x86_64', artifacts: ['nodejs-1:18.20.0-1.module_el9.x86_64'], requiresPlatform: [] }],
        defaults: [{ module: 'nodejs', stream: '18' }],
      });

      from = server.requests.length;
      expect((await crawl()).status).toBe('unchanged');
      expect(server.requests.slice(from).map((r) => `${r.status} ${r.path}`)).toEqual(['304 /appstream/repodata/repomd.xml']);
    } finally {
      store.close();
    }
  }, 60_000);

  it('the captured CentOS Stream repo served without its modules file fails each crawl, naming the file, and downloads its primary once', async () => {
    const store = Store.open({ path: testStoreLocation(path.join(work, 'centos.db')) });
    try {
      const crawl = crawler(store, rpmRepo('centos', { baseurl: [`${fixtureServer.url}/${CENTOS_FIXTURE}/`] }));
      const modulesUrl = `${fixtureServer.url}/${CENTOS_FIXTURE}/${CENTOS_MISSING_MODULES_HREF}`;
      for (const primaryDownloads of [1, 0]) {
        const from = fixtureServer.requests.length;
        const outcome = await crawl();
        expect(outcome.status).toBe('failed');
        expect(outcome.error?.describe()).toBe(`repo centos: ${CENTOS_MISSING_MODULES_HREF}: not found: ${modulesUrl}`);
        expect(store.latestSnapshot('centos')).toBeNull();
        expect(fixtureServer.requests.slice(from).filter((r) => r.path.endsWith('primary.xml.gz'))).toHaveLength(primaryDownloads);
      }
    } finally {
      store.close();
    }
  }, 60_000);
});
