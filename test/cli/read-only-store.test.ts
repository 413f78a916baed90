/**
 * A store this user may not write (a read-only file in a read-only directory), written by an older
 * repoclash: a command that opens it writable (audit) must say that the store is read-only and
 * needs write access once (to migrate), not SQLite's bare "attempt to write a readonly database".
 * root writes anything, so as root the CLI runs as nobody (setpriv).
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { execTool } from '../support/exec.js';
import { cliArgs } from '../support/paths.js';
import { BACK_TO_SCHEMA_13, meta, put, rec, tempDir } from '../support/store-builders.js';

const work = tempDir();
afterAll(() => {
  chmodSync(path.join(work.dir, 'ro'), 0o755);
  work.cleanup();
});

const NOBODY = 65534;

describe('a read-only store of an older schema', () => {
  it('audit says it is read-only and needs write access once, naming the file', async () => {
    chmodSync(work.dir, 0o755);
    const dir = path.join(work.dir, 'ro');
    mkdirSync(dir);
    const file = path.join(dir, 'store.db');
    const store = Store.open({ path: file });
    if (!(store instanceof SqliteStore)) throw new Error('a SQLite store expected');
    store.upsertRepo({ id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' }, 0);
    put(store, meta('fedora', 1000, 'f1'), [rec('a', '1.0')]);
    put(store, meta('fedora', 2000, 'f2'), [rec('a', '1.1')]);
    for (const sql of BACK_TO_SCHEMA_13) store.db.exec(sql);
    store.close();
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    const home = path.join(work.dir, 'home');
    mkdirSync(home);
    const config = path.join(home, 'repos.yaml');
    writeFileSync(config, 'repos:\n  fedora:\n    vendor: Fedora Project\n    role: distro\n    format: rpm\n    baseurl: http://127.0.0.1:9/\n');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(home, NOBODY, NOBODY);
    const command = [process.execPath, ...cliArgs, 'audit', '--config', config, '--db', file];
    const run = asRoot
      ? await execTool('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...command], { cwd: home, env: { HOME: home }, allowFailure: true })
      : await execTool(command[0]!, command.slice(1), { cwd: home, env: { HOME: home }, allowFailure: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: the store is read-only here`);
    expect(run.stderr).toContain('run it once with write access');
    expect(run.stderr).not.toContain('attempt to write a readonly database');
  });
});
