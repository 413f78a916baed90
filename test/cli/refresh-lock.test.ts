/**
 * Every command that crawls takes the store's crawl lock the same way: with --no-wait, a lock held
 * by a live process is exit 4 and one line naming the lock, before anything is fetched — `crawl`,
 * and `audit`, `check`, `report` with --refresh, `upstream` refreshing its feeds.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireCrawlLock } from '../../src/store/index.js';
import { repoclash } from '../support/cli.js';

let work: string;
let config: string;
let db: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-lock-'));
  config = path.join(work, 'repos.yaml');
  db = path.join(work, 'store.db');
  // Port 9 (discard) on loopback: nothing listens, so the one crawl that runs fails at once.
  await writeFile(config, 'repos:\n  nowhere: { vendor: Nobody, role: distro, format: rpm, baseurl: "http://127.0.0.1:9/" }\nprofiles:\n  p: { repos: [nowhere], arch: x86_64 }\n');
  // A store to refresh into (upstream reads it before it fetches).
  const first = await repoclash(work, ['crawl', '--config', config, '--db', db, '--retries', '0', '--timeout', '2']);
  expect(first.code).toBe(3);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('--no-wait while another process holds the crawl lock', () => {
  it.each([
    ['crawl'],
    ['audit', '--refresh'],
    ['check', 'somepkg', '--refresh'],
    ['report', '--refresh', '--out', 'reports'],
    ['upstream', '--refresh'],
  ])('%s … → exit 4, one line', async (...args) => {
    const release = await acquireCrawlLock(db, { wait: false });
    try {
      const run = await repoclash(work, [...args, '--no-wait', '--config', config, '--db', db]);
      expect(run.stderr).toMatch(/^repoclash: .*another crawl holds the store lock \(pid \d+/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.code).toBe(4);
    } finally {
      release();
    }
  });
});
