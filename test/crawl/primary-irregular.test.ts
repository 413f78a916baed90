/**
 * A primary.xml with createrepo_c's "multiple warnings" shape (an unknown element, a <package>
 * without a type attribute, a package nested in an unknown element), made from a real repo by a
 * script: repoclash stores what real dnf reads, and the crawl result says what was irregular.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlRepos } from '../../src/crawl/crawl.js';
import { Store } from '../../src/store/index.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { dnfRepoquery } from '../support/dnf.js';
import { buildRpmRepo, rewriteRepodataFile } from '../support/rpm-repo.js';
import { rpmRepo } from '../support/config-builders.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let repoDir: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-primary-irregular-'));
  repoDir = path.join(work, 'repo');
  await buildRpmRepo({
    dir: repoDir,
    rpms: [
      { name: 'fake_bash', version: '1.1.1', release: '1', arch: 'x86_64' },
      { name: 'super_kernel', version: '6.0.1', release: '2', arch: 'x86_64' },
    ],
  });
  await rewriteRepodataFile(repoDir, 'primary', (xml) =>
    xml
      // The first package loses its type; an unknown element comes before it.
      .replace('<package type="rpm">', '<fooelement/>\n<package>')
      // A package inside an unknown element: neither dnf nor the root's count sees it.
      .replace('</metadata>', '<bar><foo>foo element</foo><package type="foobar"/></bar>\n</metadata>'),
  );
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a <package> without a type attribute', () => {
  it('is stored as dnf reads it, with a note on the crawl result', async () => {
    const dnf = await dnfRepoquery({ installroot: path.join(work, 'root'), repos: [{ id: 'odd', baseurl: `file://${repoDir}` }] });
    const store = Store.open({ path: testStoreLocation(path.join(work, 'store.db')) });
    try {
      const repo = rpmRepo('odd', { baseurl: [`file://${repoDir}/`] });
      const [outcome] = await crawlRepos([repo], testCrawlContext(store, path.join(work, 'cache')));
      expect(outcome?.status).toBe('changed');
      const stored = store.currentVersions(['odd']).map((v) => `${v.name}-${v.evr}.${v.arch}`).sort();
      expect(stored).toEqual(dnf.map((p) => `${p.name}-${p.version}-${p.release}.${p.arch}`).sort());
      expect(stored).toHaveLength(2);
      expect(outcome?.notes.join('\n')).toMatch(/1 <package> element\(s\) without a type attribute read as rpm packages/);
    } finally {
      store.close();
    }
  }, 60_000);
});
