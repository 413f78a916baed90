/**
 * Seeded randomized differential test of repoclash's apt predictions against real apt 2.6: per
 * seed a world of 2–4 deb repos (dpkg-deb + apt-ftparchive, signed, served on 127.0.0.1 and
 * localhost) with overlapping names, random versions and Release fields, and a few hosts reading
 * them with random preferences, APT::Default-Release and dpkg status (test/support/random-apt-world.ts).
 * For each host, every name's stored winner must be apt's candidate with nothing installed, and
 * every installed package's `host` verdict what `apt-get -s upgrade` / `dist-upgrade` do
 * (test/support/apt-differential.ts). A failure prints the seed and the host to replay.
 *
 * REPOCLASH_FUZZ_SEEDS=A-B (or a list `3,17,40`, or one seed to replay; default 1-4, ~35 s alone)
 * runs other seeds, as for test/host/dnf-differential.test.ts: a long local run is
 * `REPOCLASH_FUZZ_SEEDS=1-200 npx vitest run test/host/apt-differential.test.ts`;
 * REPOCLASH_FUZZ_KEEP=1 keeps the work directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWorld, startWorldSite, type WorldSite } from '../support/apt-differential.js';
import { describeHost, generateAptWorld } from '../support/random-apt-world.js';
import { seededRandom, seedsFrom } from '../support/seeded-random.js';
import { tearDown } from '../support/teardown.js';

const seeds = seedsFrom(process.env['REPOCLASH_FUZZ_SEEDS'] ?? '1-4');
const HOSTS_PER_WORLD = 3;

let site: WorldSite;

beforeAll(async () => {
  site = await startWorldSite('rc-apt-diff-');
});

// REPOCLASH_FUZZ_KEEP=1 keeps the work directory (roots, apt state, stores) to look at a failure.
afterAll(() => tearDown(process.env['REPOCLASH_FUZZ_KEEP'] ? undefined : site?.work, site?.server, site?.key));

describe('repoclash vs real apt on random repos, preferences and installed states', () => {
  it.each(seeds)('seed %i: winners and host verdicts agree with apt', async (seed) => {
    const world = generateAptWorld(seededRandom(seed), seed, HOSTS_PER_WORLD);
    const results = await compareWorld(site, world);
    const failures: string[] = [];
    let compared = 0;
    for (const [i, result] of results.entries()) {
      compared += result.compared;
      if (result.disagreements.length > 0) failures.push(`${describeHost(world, world.hosts[i]!)}\n  disagreements:\n${result.disagreements.map((d) => `    ${d}`).join('\n')}`);
    }
    // Every host compares something (a host apt refuses counts once): a world that compares nothing tests nothing.
    expect(compared).toBeGreaterThanOrEqual(world.hosts.length);
    expect(failures, `replay: REPOCLASH_FUZZ_SEEDS=${seed} npx vitest run test/host/apt-differential.test.ts\n${failures.join('\n\n')}`).toEqual([]);
  }, 300_000);
});
