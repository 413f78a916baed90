/**
 * The site the CLI process tests crawl: the `good` repo of `goodAndGoneConfig` (repos-yaml.ts) —
 * Grafana Labs' grafana 6.1.5, built under WORK/www/good and served from WORK/www — and, on a
 * second server, the captured CentOS Stream 9 AppStream (17,649 packages, without the modules entry
 * its capture lacks the file of: centos-fixture.ts), for runs that must take a while.
 */
import path from 'node:path';
import { startRepoServer, type RepoServer } from './http-server.js';
import { copyCentosFixtureWithoutModules } from './centos-fixture.js';
import { buildRpmRepo } from './rpm-repo.js';

export async function serveGoodRepoAndFixtures(work: string): Promise<{ server: RepoServer; fixtureServer: RepoServer }> {
  await copyCentosFixtureWithoutModules(path.join(work, 'fixture'));
  await buildRpmRepo({ dir: path.join(work, 'www/good'), rpms: [{ name: 'grafana', version: '6.1.5', release: '1', vendor: 'Grafana Labs' }] });
  const server = await startRepoServer({ root: path.join(work, 'www') });
  try {
    return { server, fixtureServer: await startRepoServer({ root: path.join(work, 'fixture') }) };
  } catch (err) {
    await server.close(); // the caller never got it to close
    throw err;
  }
}
