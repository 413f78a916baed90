/**
 * The crawler's modules.yaml: fetched with the repo, stored with the snapshot, and when it cannot
 * be read the packages are still stored, with a note, and the next crawl tries again.
 */
import { readdir, rename, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlRepos } from '../../src/crawl/crawl.js';
import { Store } from '../../src/store/index.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { addModulesYaml, buildRpmRepo, modulesYamlText } from '../support/rpm-repo.js';
import { rpmRepo } from '../support/config-builders.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-rpm-modules-'));
}, 30_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('modules.yaml in an rpm crawl', () => {
  it('is stored with the snapshot; a missing one is a note, and the next crawl reads it', async () => {
    const dir = path.join(work, 'appstream');
    await buildRpmRepo({ dir, rpms: [{ name: 'nodejs', version: '18.19.0', release: '1.module_el9', arch: 'x86_64' }] });
    await addModulesYaml(dir, modulesYamlText([{ name: 'nodejs', stream: '18', artifacts: ['nodejs-1:18.19.0-1.module_el9.x86_64'] }], { nodejs: '18' }));
    const modulesFile = (await readdir(path.join(dir, 'repodata'))).find((f) => f.includes('modules'))!;
    await rename(path.join(dir, 'repodata', modulesFile), path.join(work, 'aside'));

    const store = Store.open({ path: testStoreLocation(path.join(work, 'store.db')) });
    try {
      const repo = rpmRepo('appstream', { baseurl: [`file://${dir}/`] });
      const crawl = async () => (await crawlRepos([repo], testCrawlContext(store, path.join(work, 'cache'))))[0]!;
      const first = await crawl();
      expect(first.status).toBe('changed');
      expect(first.notes.join('\n')).toMatch(/modules\.yaml.*: not read .*modular filtering cannot use this repo's modules/);
      expect(store.currentVersions(['appstream']).map((v) => v.name)).toEqual(['nodejs']);
      expect(store.dnfFacts(['appstream']).get('appstream')?.modules).toBeNull();

      await rename(path.join(work, 'aside'), path.join(dir, 'repodata', modulesFile));
      const second = await crawl();
      expect(second.status).toBe('changed');
      expect(second.notes).toEqual([]);
      expect(store.dnfFacts(['appstream']).get('appstream')?.modules).toEqual({
        streams: [{ name: 'nodejs', stream: '18', version: 9000020240101, context: 'a1b2c3d4', arch: 'x86_64', artifacts: ['nodejs-1:18.19.0-1.module_el9.x86_64'], requiresPlatform: [] }],
        defaults: [{ module: 'nodejs', stream: '18' }],
      });
      expect((await crawl()).status).toBe('unchanged');
    } finally {
      store.close();
    }
  }, 60_000);
});
