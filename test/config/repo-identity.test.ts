/**
 * Who a repo is for the store (config/repo-identity.ts): a short id from what it fetches, without
 * credentials; two repos.yaml repos that fetch one location are one repo.
 */
import { describe, expect, it } from 'vitest';
import { aptRepoId } from '../../src/config/host.js';
import { countSameLocationOnce, storedLocation, storedRepoId } from '../../src/config/repo-identity.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import { debRepo } from '../support/config-builders.js';

describe('the stored id of a repo', () => {
  it('is 11 base64url characters (64 bits) of what it fetches: the same for the same location under any name or password, another for another location', () => {
    const a = debRepo('bookworm', { uri: 'http://127.0.0.1:1/debian/', suite: 'bookworm' });
    expect(storedRepoId(a)).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(storedRepoId({ ...a, id: 'debian-main' })).toBe(storedRepoId(a));
    expect(storedRepoId({ ...a, uri: 'http://user:secret@127.0.0.1:1/debian/' })).toBe(storedRepoId(a));
    expect(storedLocation({ ...a, uri: 'http://user:secret@127.0.0.1:1/debian/' })).toBe('deb http://127.0.0.1:1/debian/ bookworm main amd64');
    expect(storedRepoId({ ...a, uri: 'http://127.0.0.1:2/debian/' })).not.toBe(storedRepoId(a));
    expect(storedRepoId({ ...a, suite: 'trixie' })).not.toBe(storedRepoId(a));
    expect(storedRepoId({ ...a, components: ['main', 'contrib'] })).not.toBe(storedRepoId(a));
  });

  it("an apt source's derived name (its label in the store and every output) has no user or password either", () => {
    const named = aptRepoId({ uri: 'https://user:secret@127.0.0.1:1/debian/', suite: 'bookworm' });
    expect(named).toBe('apt:127.0.0.1:1/debian:bookworm');
    expect(named).toBe(aptRepoId({ uri: 'https://127.0.0.1:1/debian', suite: 'bookworm' }));
  });
});

describe('two repos.yaml repos that fetch one location', () => {
  const yaml = `version: 1
repos:
  bookworm:
    vendor: Debian
    role: distro
    format: deb
    uri: http://127.0.0.1:1/debian
    suite: bookworm
    components: [main]
    architectures: [amd64]
  debian-main:
    vendor: Debian
    role: distro
    format: deb
    uri: http://127.0.0.1:1/debian/
    suite: bookworm
    components: [main]
    architectures: [amd64]
profiles:
  a:
    repos: [bookworm]
    arch: amd64
  b:
    repos: [debian-main, bookworm]
    arch: amd64
`;

  it('are one repo: the first is kept, the later one dropped with a warning naming both, its profiles use the first', () => {
    const config = parseConfig(yaml, '/etc/repoclash/repos.yaml');
    const { warnings, replaced } = countSameLocationOnce(config);
    expect([...config.repos.keys()]).toEqual(['bookworm']);
    expect(replaced).toEqual(new Map([['debian-main', 'bookworm']]));
    expect(warnings).toEqual([expect.stringMatching(/^\/etc\/repoclash\/repos\.yaml:\d+: repo debian-main fetches the same as repo bookworm \(deb http:\/\/127\.0\.0\.1:1\/debian\/ bookworm main amd64\); counted once, as bookworm$/)]);
    expect(config.profiles.get('a')!.repos).toEqual(['bookworm']);
    expect(config.profiles.get('b')!.repos).toEqual(['bookworm']);
  });

  it('the warning shows the location without the password of either', () => {
    const config = parseConfig(yaml.replace('uri: http://127.0.0.1:1/debian/', 'uri: http://user:secret@127.0.0.1:1/debian/'), '/etc/repoclash/repos.yaml');
    const { warnings } = countSameLocationOnce(config);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(deb http://127.0.0.1:1/debian/ bookworm main amd64)');
    expect(warnings[0]).not.toContain('secret');
  });
});
