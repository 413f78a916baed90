/**
 * A store this user may not write (a read-only file in a read-only directory), written by an older
 * repoclash: a command that opens it writable (audit) must say that the store is read-only and
 * needs write access once (to migrate), not SQLite's bare "attempt to write a readonly database".
 * root writes anything, so as root the CLI runs without the capabilities that override file
 * permissions (setpriv), as root still: it can read the checkout wherever CI cloned it (a 0700
 * temp dir another user could not enter), but not write a 0444 file or into a 0555 directory.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { execTool } from '../support/exec.js';
import { cliArgs } from '../support/paths.js';
import { LATEST_SCHEMA_VERSION } from '../../src/store/migrations.js';
import { BACK_TO_SCHEMA_13, meta, put, rec, tempDir } from '../support/store-builders.js';

const work = tempDir();
afterAll(() => {
  if (existsSync(path.join(work.dir, 'ro'))) chmodSync(path.join(work.dir, 'ro'), 0o755);
  work.cleanup();
});

const asRoot = process.getuid?.() === 0;

/** A store at schema 13 with a closed interval, as the previous release left it, in `dir`. */
function oldStore(dir: string): string {
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  const file = path.join(dir, 'store.db');
  const store = Store.open({ path: file });
  if (!(store instanceof SqliteStore)) throw new Error('a SQLite store expected');
  store.upsertRepo({ id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' }, 0);
  put(store, meta('fedora', 1000, 'f1'), [rec('a', '1.0')]);
  put(store, meta('fedora', 2000, 'f2'), [rec('a', '1.1')]);
  for (const sql of BACK_TO_SCHEMA_13) store.db.exec(sql);
  store.close();
  chmodSync(file, 0o444);
  return file;
}

/** The CLI on `file` as a user who may not write it (root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, when the test runs as root). */
async function asUser(args: string[], file: string) {
  const home = path.join(work.dir, 'home');
  mkdirSync(home, { recursive: true });
  const config = path.join(home, 'repos.yaml');
  writeFileSync(config, 'repos:\n  fedora:\n    vendor: Fedora Project\n    role: distro\n    format: rpm\n    baseurl: http://127.0.0.1:9/\nprofiles:\n  f: { repos: [fedora], arch: x86_64 }\n');
  const command = [process.execPath, ...cliArgs, ...args, '--config', config, '--db', file];
  const run = asRoot
    ? await execTool('setpriv', ['--bounding-set=-dac_override,-dac_read_search', ...command], { cwd: home, env: { HOME: home }, allowFailure: true })
    : await execTool(command[0]!, command.slice(1), { cwd: home, env: { HOME: home }, allowFailure: true });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(new RegExp(`^repoclash: ${file}: `));
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  return run.stderr;
}

describe('a read-only store of an older schema', () => {
  it('audit says it is older and cannot be migrated here (read-only file), or that it is read-only (read-only directory too); check says why it cannot read it', async () => {
    chmodSync(work.dir, 0o755);
    const inWritableDir = oldStore(path.join(work.dir, 'rw'));
    expect(await asUser(['audit'], inWritableDir)).toContain(`the store has schema version 13, older than ${LATEST_SCHEMA_VERSION}, and cannot be migrated: it is read-only here`);
    expect(await asUser(['check', 'a'], inWritableDir)).toContain(`older than ${LATEST_SCHEMA_VERSION}; open it writable (run a crawl) to migrate`);

    const inReadOnlyDir = oldStore(path.join(work.dir, 'ro'));
    chmodSync(path.join(work.dir, 'ro'), 0o555);
    const audit = await asUser(['audit'], inReadOnlyDir);
    expect(audit).toContain('the store is read-only here');
    expect(audit).toContain('run it once with write access');
    expect(await asUser(['check', 'a'], inReadOnlyDir)).toContain("the store's directory is read-only, and SQLite needs to create store.db-shm there even to read the store");
  });
});
