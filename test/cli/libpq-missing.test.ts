/**
 * libpq is an optional dependency: without it (no libpq-dev when npm built it) every SQLite command
 * works, and a PostgreSQL store is one clear line naming the store and the way out — exit 2, not a
 * stack trace from require().
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoclash } from '../support/cli.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'repoclash-no-binding-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const withoutLibpq = { env: { NODE_OPTIONS: `--require ${path.join(import.meta.dirname, '../support/hide-libpq.cjs')}` } };
const config = path.join(work, 'repos.yaml');

describe('a machine without the libpq binding', () => {
  it('refuses a PostgreSQL store with one line naming it, exit 2', async () => {
    
    writeFileSync(config, 'version: 1\nrepos:\n  local:\n    vendor: Local\n    role: third-party\n    format: rpm\n    baseurl: http://127.0.0.1:1/repo\n');
    const run = await repoclash(work, ['audit', '--config', config, '--db', 'postgres://repoclash@127.0.0.1:1/none'], withoutLibpq);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('127.0.0.1:1/none');
    expect(lines[0]).toContain('PostgreSQL support is not installed');
    expect(lines[0]).toContain('libpq-dev');
  });

  it('still runs SQLite commands', async () => {
    const run = await repoclash(work, ['audit', '--config', config, '--db', `sqlite:${path.join(work, 'store.db')}`], withoutLibpq);
    // No store yet: the ordinary exit 3 and its one line, nothing about PostgreSQL.
    expect(run.stderr).not.toContain('libpq');
    expect(run.stderr).toContain('no store at');
    expect(run.code).toBe(3);
  });
});
