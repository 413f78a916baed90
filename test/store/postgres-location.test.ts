/**
 * A PostgreSQL store's location: the URL as libpq gets it, the schema that is ours, and the
 * password only by reference (environment variable or file), never in the URL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.js';
import { parsePostgresUrl } from '../../src/store/postgres/location.js';

describe('a postgres:// store location', () => {
  it('keeps schema for itself and hands libpq the rest', () => {
    const loc = parsePostgresUrl('postgres://repoclash@localhost/db?host=/run/postgresql&schema=team_a', {}, {});
    expect(loc.schema).toBe('team_a');
    expect(loc.display).toBe('postgres://repoclash@localhost/db?host=/run/postgresql&schema=team_a');
    expect(new URL(loc.connectionString).searchParams.get('schema')).toBeNull();
    expect(new URL(loc.connectionString).searchParams.get('host')).toBe('/run/postgresql');
    expect(() => parsePostgresUrl('postgres://u@h/db?schema=Bad-Name', {}, {})).toThrow(UsageError);
  });

  it('refuses a password in the URL and reads one from the named variable or file', async () => {
    expect(() => parsePostgresUrl('postgres://u:hunter2@h/db', {}, {})).toThrow(/never put a password in the store URL/);
    expect(() => parsePostgresUrl('postgres://u@h/db?password=hunter2', {}, {})).toThrow(/never put a password/);
    const fromEnv = parsePostgresUrl('postgres://u@h/db', { passwordEnv: 'PW' }, { PW: 's3cret' });
    expect(new URL(fromEnv.connectionString).searchParams.get('password')).toBe('s3cret');
    expect(fromEnv.display).not.toContain('s3cret');
    expect(() => parsePostgresUrl('postgres://u@h/db', { passwordEnv: 'PW' }, {})).toThrow(ConfigError);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'repoclash-pw-'));
    try {
      await writeFile(path.join(dir, 'pw'), 'from a file\n');
      const fromFile = parsePostgresUrl('postgres://u@h/db', { passwordFile: path.join(dir, 'pw') }, {});
      expect(new URL(fromFile.connectionString).searchParams.get('password')).toBe('from a file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
