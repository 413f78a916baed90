import { describe, expect, it } from 'vitest';
import { findLag, majorOf, toUpstreamReleases, type UpstreamRelease } from '../../src/analysis/lag.js';
import type { PackageFormat } from '../../src/formats/types.js';
import type { StoredVersion } from '../../src/store/types.js';
import { at, built, candidate, debVersion, rpmVersion } from '../support/record-builders.js';

const F = 'Fedora Project';
const FORMATS: Record<string, PackageFormat> = { prometheus: 'rpm', grafana: 'rpm', go: 'rpm', bitcoincore: 'deb' };

function upstream(versions: Array<StoredVersion & { current?: boolean }>): Map<string, UpstreamRelease[]> {
  return toUpstreamReleases(
    versions.map((v) => ({ ...v, current: v.current ?? true })),
    (id) => FORMATS[id],
  );
}

describe('findLag — seed (d): Fedora’s Prometheus 1.8.0 against upstream 2.x', () => {
  const releases = upstream([
    { ...rpmVersion('prometheus', 'prometheus', '1.7.0-1', { buildTime: built('2017-06-06') }), current: false },
    { ...rpmVersion('prometheus', 'prometheus', '2.0.0-1', { buildTime: built('2017-11-08') }), current: false },
    rpmVersion('prometheus', 'prometheus', '2.9.2-1', { buildTime: built('2019-04-25') }),
    rpmVersion('prometheus', 'prometheus', '2.10.0-1', { buildTime: built('2019-05-25') }),
  ]);
  const fedora = candidate(rpmVersion('fedora-29', 'prometheus', '1.8.0-4.fc29', { buildTime: built('2018-07-14') }), F, 'distro');
  const [lag, ...rest] = findLag({ profile: 'f29', format: 'rpm', candidates: [fedora], upstreamByName: releases, aliases: new Map(), now: at('2019-05-27') });

  it('is a major gap on an abandoned series, counted from the first 2.x build', () => {
    expect(rest).toEqual([]);
    expect(lag).toMatchObject({
      kind: 'lag',
      key: 'lag|f29|prometheus',
      severity: 'error',
      gap: 'major',
      newerReleases: 3,
      distroMajor: 1,
      abandonedSeries: true,
      behindSince: at('2017-11-08'),
      behindSinceEvidence: 'buildTime',
      daysBehind: 565,
      distro: { repoId: 'fedora-29', evr: '1.8.0-4.fc29', upstreamVersion: '1.8.0' },
      upstream: { repoId: 'prometheus', name: 'prometheus', evr: '2.10.0-1', upstreamVersion: '2.10.0' },
    });
    expect(lag!.title).toContain('upstream no longer ships 1.x');
  });

  it('is not abandoned while the upstream still ships the distro’s major', () => {
    const still = upstream([rpmVersion('prometheus', 'prometheus', '1.8.2-1', { buildTime: built('2017-11-04') }), rpmVersion('prometheus', 'prometheus', '2.0.0-1', { buildTime: built('2017-11-08') })]);
    const [l] = findLag({ profile: 'f29', format: 'rpm', candidates: [fedora], upstreamByName: still, aliases: new Map(), now: at('2019-05-27') });
    // A major behind since the first newer major came out (2.0.0), not since the 1.8.2 patch.
    expect(l).toMatchObject({ abandonedSeries: false, gap: 'major', behindSince: at('2017-11-08'), newerReleases: 2 });
  });
});

describe('findLag — gap classes and severities', () => {
  const grafana = (evr: string, date: string) => rpmVersion('grafana', 'grafana', evr, { buildTime: built(date) });
  const fedora = candidate(rpmVersion('updates-f29', 'grafana', '6.1.6-1.fc29'), F, 'distro');
  const run = (versions: StoredVersion[], now: string) =>
    findLag({ profile: 'f29', format: 'rpm', candidates: [fedora], upstreamByName: upstream(versions), aliases: new Map(), now: at(now) });

  it('minor (6.1.6 → 6.2.1) is a warning', () => {
    expect(run([grafana('6.1.5-1', '2019-04-29'), grafana('6.2.1-1', '2019-05-24')], '2019-05-28')[0]).toMatchObject({ gap: 'minor', severity: 'warning', daysBehind: 4, newerReleases: 1 });
  });

  it('patch is info while recent and a warning after 90 days', () => {
    expect(run([grafana('6.1.7-1', '2019-05-20')], '2019-05-28')[0]).toMatchObject({ gap: 'patch', severity: 'info' });
    expect(run([grafana('6.1.7-1', '2019-05-20')], '2019-09-01')[0]).toMatchObject({ gap: 'patch', severity: 'warning', daysBehind: 104 });
  });

  it('nothing when the distro is level with or ahead of upstream (release numbers do not count)', () => {
    expect(run([grafana('6.1.6-7', '2019-05-20'), grafana('6.1.5-1', '2019-04-29')], '2019-05-28')).toEqual([]);
  });

  it('judges only distro-role packages', () => {
    const thirdParty = candidate(rpmVersion('copr', 'grafana', '6.0.0-1'), 'Copr', 'third-party');
    expect(findLag({ profile: 'f29', format: 'rpm', candidates: [thirdParty], upstreamByName: upstream([grafana('6.2.1-1', '2019-05-24')]), aliases: new Map(), now: at('2019-05-28') })).toEqual([]);
  });

  it('follows aliases: golang against upstream go', () => {
    const golang = candidate(rpmVersion('fedora-29', 'golang', '1.11.5-1.fc29'), F, 'distro');
    const releases = upstream([rpmVersion('go', 'go', '1.12.5-1', { buildTime: built('2019-05-06') })]);
    const [l] = findLag({ profile: 'f29', format: 'rpm', candidates: [golang], upstreamByName: releases, aliases: new Map([['golang', ['go']]]), now: at('2019-05-28') });
    expect(l).toMatchObject({ name: 'golang', gap: 'minor', upstream: { name: 'go', upstreamVersion: '1.12.5' } });
  });
});

describe('findLag — seed (e), deb: Debian’s bitcoin against the Bitcoin Core apt repo', () => {
  it('strips the Debian revision and dates by first_seen (deb has no build times)', () => {
    const releases = upstream([
      debVersion('bitcoincore', 'bitcoin', '26.0-1', { firstSeen: at('2023-12-05') }),
      debVersion('bitcoincore', 'bitcoin', '27.1-1', { firstSeen: at('2024-06-20') }),
      debVersion('bitcoincore', 'bitcoin', '22.0-1', { firstSeen: at('2021-09-14') }),
    ]);
    const debian = candidate(debVersion('debian', 'bitcoin', '22.1.0+dfsg-1', { firstSeen: at('2023-01-10') }), 'Debian', 'distro', 'deb');
    const [l] = findLag({ profile: 'bookworm', format: 'deb', candidates: [debian], upstreamByName: releases, aliases: new Map(), now: at('2024-07-01') });
    expect(l).toMatchObject({
      distro: { upstreamVersion: '22.1.0' },
      upstream: { evr: '27.1-1', upstreamVersion: '27.1' },
      gap: 'major',
      newerReleases: 2,
      behindSinceEvidence: 'firstSeen',
      behindSince: at('2023-12-05'),
      daysBehind: 209,
      abandonedSeries: false,
      severity: 'error',
    });
  });

  it('an rpm distro package can be judged against a deb upstream (upstream versions only)', () => {
    const releases = upstream([debVersion('bitcoincore', 'bitcoin', '27.1-1', { firstSeen: at('2024-06-20') })]);
    const fedora = candidate(rpmVersion('fedora-40', 'bitcoin', '27.1-3.fc40'), F, 'distro');
    expect(findLag({ profile: 'f40', format: 'rpm', candidates: [fedora], upstreamByName: releases, aliases: new Map(), now: at('2024-07-01') })).toEqual([]);
  });
});

describe('majorOf', () => {
  it.each([
    ['1.8.0', 1],
    ['v2.3', 2],
    ['2024a', 2024],
    ['abc', null],
  ] as const)('%s → %s', (v, major) => expect(majorOf(v)).toBe(major));
});
