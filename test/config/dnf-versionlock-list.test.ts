import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVersionlockList } from '../../src/config/dnf-versionlock-list.js';

let root: string;
const LIST = '# Added lock\ngrafana-0:10.2.3-1.fc40.*\n\n  !foo-2.0*  \n';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rc-versionlock-list-'));
  await mkdir(path.join(root, 'etc/dnf/plugins'), { recursive: true });
  await mkdir(path.join(root, 'opt/plugins'), { recursive: true });
  await writeFile(path.join(root, 'etc/dnf/plugins/versionlock.conf'), '[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/versionlock.list\n');
  await writeFile(path.join(root, 'etc/dnf/plugins/versionlock.list'), LIST);
  await writeFile(path.join(root, 'opt/plugins/versionlock.conf'), '[main]\nenabled = 0\n');
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('readVersionlockList (where dnf finds the versionlock plugin and its list)', () => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);

  it('reads the list its versionlock.conf names, under the root: patterns as written, without comments and blank lines', async () => {
    expect(await readVersionlockList(root, { plugins: true, pluginconfpath: ['/etc/dnf/plugins'] }, warn)).toEqual(['grafana-0:10.2.3-1.fc40.*', '!foo-2.0*']);
  });

  it('applies nothing with plugins=0, without a versionlock.conf, or when a later pluginconfpath disables it', async () => {
    expect(await readVersionlockList(root, { plugins: false, pluginconfpath: ['/etc/dnf/plugins'] }, warn)).toEqual([]);
    expect(await readVersionlockList(root, { plugins: true, pluginconfpath: ['/nowhere'] }, warn)).toEqual([]);
    expect(await readVersionlockList(root, { plugins: true, pluginconfpath: ['/etc/dnf/plugins', '/opt/plugins'] }, warn)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('warns when the plugin is on but its list is missing (dnf would stop)', async () => {
    await writeFile(path.join(root, 'opt/plugins/versionlock.conf'), '[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/missing.list\n');
    expect(await readVersionlockList(root, { plugins: true, pluginconfpath: ['/opt/plugins'] }, warn)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/lock list does not exist/);
  });
});
