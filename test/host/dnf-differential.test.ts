/**
 * A seeded randomized differential test of repoclash's dnf predictions: per seed, a random host
 * (test/support/dnf-fuzz-host.ts: 2–4 repos served over HTTP on 127.0.0.1 with random priority,
 * cost, excludepkgs/includepkgs, enabled; dnf.conf best / allow_vendor_change / installonlypkgs /
 * exclude; sometimes a versionlock list; an installed rpmdb), then per installed name what
 * `repoclash host --root ROOT --format json` predicts against what real dnf 4 `upgrade` and
 * `distro-sync --assumeno` resolve in the same installroot. A failure prints the seed and the host;
 * `REPOCLASH_FUZZ_SEEDS=A-B` (or a list `3,17,40`) runs other seeds for long local runs, and one
 * seed replays a failure.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFuzzHost, describeHost, generateDnfHost } from '../support/dnf-fuzz-host.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { seedsFrom } from '../support/seeded-random.js';
import { tearDown } from '../support/teardown.js';

/** The suite's share: about 5 s a seed on two busy cores. */
const DEFAULT_SEEDS = '1-10';

const seeds = seedsFrom(process.env['REPOCLASH_FUZZ_SEEDS'] ?? DEFAULT_SEEDS);

let work: string;
let server: RepoServer;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-fuzz-'));
  server = await startRepoServer({ root: path.join(work, 'srv') });
});

afterAll(() => tearDown(work, server));

/** Every line on which repoclash and real dnf differ for this seed's host (none, hopefully), with the host to read. */
async function disagreementsFor(seed: number): Promise<string[]> {
  const host = generateDnfHost(seed);
  const { wrong } = await compareFuzzHost(host, work, server);
  return wrong.length === 0 ? [] : [`${describeHost(host)}\n  ${wrong.join('\n  ')}\n  replay: REPOCLASH_FUZZ_SEEDS=${seed} npx vitest run test/host/dnf-differential.test.ts`];
}

describe('repoclash host against real dnf on random hosts', () => {
  it.each(seeds)('seed %i: every installed package gets the verdict dnf upgrade / distro-sync gives it', async (seed) => {
    expect(await disagreementsFor(seed)).toEqual([]);
  }, 120_000);
});
