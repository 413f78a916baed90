/**
 * The captured CentOS Stream 9 AppStream repo (test/fixtures/rpm, 17,649 packages) as a test
 * serves it. The capture holds repomd.xml and its primary.xml.gz only; its repomd also lists a
 * modules.yaml.xz, which dnf (and the crawler) must download with the primary, so a repo served
 * as captured fails. Tests that need a crawlable CentOS repo serve a copy without that entry.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fixturesDir } from './paths.js';

export const CENTOS_FIXTURE = 'centos-stream-9-appstream';
/** The modules file the captured repomd.xml lists and the capture lacks. */
export const CENTOS_MISSING_MODULES_HREF = 'repodata/ffe6aa44abe8480c2f7a59b9e92f251f10018e1e79ac33e2807260dd03955592-modules.yaml.xz';

/** Copy the fixture to `root`/centos-stream-9-appstream without the modules entry it lacks the file of. */
export async function copyCentosFixtureWithoutModules(root: string): Promise<string> {
  const dir = path.join(root, CENTOS_FIXTURE);
  await cp(path.join(fixturesDir, 'rpm', CENTOS_FIXTURE), dir, { recursive: true });
  const repomd = path.join(dir, 'repodata/repomd.xml');
  const text = await readFile(repomd, 'utf8');
  const stripped = text.replace(/<data type="modules">[\s\S]*?<\/data>\s*/, '');
  if (stripped === text) throw new Error(`no modules entry in ${repomd}`);
  await writeFile(repomd, stripped);
  return dir;
}
