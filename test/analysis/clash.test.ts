import { describe, expect, it } from 'vitest';
import { groupByName } from '../../src/analysis/by-name.js';
import { findClashes, linkClashesAcrossProfiles, versionsInterleave } from '../../src/analysis/clash.js';
import type { Candidate } from '../../src/analysis/types.js';
import { at, built, candidate, debVersion, rpmVersion } from '../support/record-builders.js';
import type { PackageFormat } from '../../src/formats/types.js';

const GRAFANA_LABS = 'Grafana Labs';
const FEDORA = 'Fedora Project';

function upstreamGrafana(evr: string, date: string, url = 'https://grafana.com'): Candidate {
  return candidate(rpmVersion('grafana', 'grafana', evr, { buildTime: built(date), url, sourceName: 'grafana' }), GRAFANA_LABS, 'upstream');
}
function fedoraGrafana(evr: string, date: string, url = 'https://grafana.org/'): Candidate {
  return candidate(rpmVersion('updates-f29', 'grafana', evr, { buildTime: built(date), url, sourceName: 'grafana' }), FEDORA, 'distro');
}

function clashes(cands: Candidate[], winner?: Candidate, format: PackageFormat = 'rpm') {
  const winners = new Map<string, Candidate>(winner ? [[winner.name, winner]] : []);
  return findClashes({ profile: 'f29', format, byName: groupByName(cands), winners });
}

describe('findClashes — seed (a): grafana.com vs Fedora', () => {
  const grafanaCom = upstreamGrafana('6.1.5-1', '2019-04-29');
  const fedora = fedoraGrafana('6.1.6-1.fc29', '2019-05-07');

  it('reports grafana.com as first-comer (build time), Fedora as the winner, same software → warning', () => {
    const [clash, ...rest] = clashes([fedora, grafanaCom], fedora);
    expect(rest).toEqual([]);
    expect(clash).toBeDefined();
    expect(clash!.name).toBe('grafana');
    expect(clash!.key).toBe('clash|f29|grafana');
    expect(clash!.firstComer).toBe(GRAFANA_LABS);
    expect(clash!.firstComerEvidence).toBe('buildTime');
    expect(clash!.vendors.map((v) => v.vendor)).toEqual([GRAFANA_LABS, FEDORA]);
    expect(clash!.vendors[1]!.newest.evr).toBe('6.1.6-1.fc29');
    expect(clash!.vendors[0]!.earliestBuildTime).toBe(built('2019-04-29'));
    expect(clash!.winner).toEqual({ repoId: 'updates-f29', vendor: FEDORA, evr: '6.1.6-1.fc29', arch: 'x86_64' });
    expect(clash!.winnerIsFirstComer).toBe(false);
    expect(clash!.software.verdict).toBe('same');
    expect(clash!.interleaved).toBe(false);
    expect(clash!.severity).toBe('warning');
    expect(clash!.title).toContain('Grafana Labs 6.1.5-1 (first)');
    expect(clash!.title).toContain('Fedora Project 6.1.6-1.fc29 (wins)');
  });

  it('treats github.com/grafana/grafana as the same project as grafana.com', () => {
    const gh = fedoraGrafana('6.1.6-1.fc29', '2019-05-07', 'http://www.github.com/grafana/grafana.git');
    const [clash] = clashes([gh, grafanaCom], gh);
    expect(clash!.software.verdict).toBe('same');
    expect(clash!.software.evidence.find((e) => e.signal === 'url')!.detail).toContain("'grafana'");
  });

  it('is info when the first-comer wins and nothing interleaves', () => {
    const [clash] = clashes([fedora, grafanaCom], grafanaCom);
    expect(clash!.winnerIsFirstComer).toBe(true);
    expect(clash!.severity).toBe('info');
  });

  it('sees interleaving once grafana.com ships 6.2.1: error while Fedora (not the first-comer) wins', () => {
    const newer = upstreamGrafana('6.2.1-1', '2019-05-24');
    const [clash] = clashes([fedora, grafanaCom, newer], fedora);
    expect(clash!.interleaved).toBe(true);
    expect(clash!.vendors[0]!.versionCount).toBe(2);
    expect(clash!.vendors[0]!.newest.evr).toBe('6.2.1-1');
    expect(clash!.severity).toBe('error');
    const [again] = clashes([fedora, grafanaCom, newer], newer);
    expect(again!.severity).toBe('warning');
  });

  it('uses first_seen when a vendor has no build time, and says so', () => {
    const noBuild = candidate(rpmVersion('grafana', 'grafana', '6.1.5-1', { firstSeen: at('2019-05-10'), url: 'https://grafana.com' }), GRAFANA_LABS, 'upstream');
    const f = candidate(rpmVersion('updates-f29', 'grafana', '6.1.6-1.fc29', { buildTime: built('2019-05-07'), firstSeen: at('2019-05-08') }), FEDORA, 'distro');
    const [clash] = clashes([noBuild, f], f);
    expect(clash!.firstComerEvidence).toBe('firstSeen');
    expect(clash!.firstComer).toBe(FEDORA);
    expect(clash!.winnerIsFirstComer).toBe(true);
  });

  it('leaves the first-comer unknown on a tie (one crawl, no build times) and does not raise severity for it', () => {
    const a = candidate(rpmVersion('grafana', 'grafana', '6.1.5-1', { firstSeen: at('2019-05-10') }), GRAFANA_LABS, 'upstream');
    const b = candidate(rpmVersion('updates-f29', 'grafana', '6.1.6-1.fc29', { firstSeen: at('2019-05-10') }), FEDORA, 'distro');
    const [clash] = clashes([a, b], b);
    expect(clash!.firstComer).toBeNull();
    expect(clash!.winnerIsFirstComer).toBeNull();
    expect(clash!.severity).toBe('info');
  });

  it('has no winner when the winners input lacks the name', () => {
    const [clash] = clashes([fedora, grafanaCom]);
    expect(clash!.winner).toBeNull();
    expect(clash!.winnerIsFirstComer).toBeNull();
  });
});

describe('findClashes — edge cases', () => {
  it('a single vendor with two repos is no clash', () => {
    const base = candidate(rpmVersion('fedora', 'bash', '5.0.2-1.fc29'), FEDORA, 'distro');
    const upd = candidate(rpmVersion('updates', 'bash', '5.0.7-1.fc29'), FEDORA, 'distro');
    expect(clashes([base, upd], upd)).toEqual([]);
  });

  it('a different program under the same name is an error even when the first-comer wins (deb: ax25 node vs Node.js)', () => {
    const ax25 = candidate(
      debVersion('debian', 'node', '0.3.2-7.4', { firstSeen: at('2010-01-01'), url: 'http://www.linux-ax25.org/', sourceName: 'node', summary: 'Amateur Packet Radio Node program' }),
      'Debian',
      'distro',
      'deb',
    );
    const nodejs = candidate(
      debVersion('nodesource', 'node', '0.6.19-1', { firstSeen: at('2012-06-01'), url: 'https://nodejs.org/', sourceName: 'nodejs', summary: "Node.js event-based server-side javascript engine" }),
      'NodeSource',
      'third-party',
      'deb',
    );
    const [clash] = clashes([ax25, nodejs], ax25, 'deb');
    expect(clash!.software.verdict).toBe('different');
    expect(clash!.firstComerEvidence).toBe('firstSeen');
    expect(clash!.firstComer).toBe('Debian');
    expect(clash!.winnerIsFirstComer).toBe(true);
    expect(clash!.severity).toBe('error');
    expect(clash!.title).toContain('different programs');
  });

  it('seed (e): Debian and the Bitcoin Core apt repo both ship bitcoin — same homepage, upstream newer wins → warning', () => {
    const debian = candidate(debVersion('debian', 'bitcoin', '22.1.0-1', { firstSeen: at('2023-01-10'), url: 'https://bitcoincore.org/', sourceName: 'bitcoin' }), 'Debian', 'distro', 'deb');
    const core = candidate(debVersion('bitcoincore', 'bitcoin', '27.1-1', { firstSeen: at('2024-06-20'), url: 'http://www.bitcoincore.org', sourceName: 'bitcoin-core' }), 'Bitcoin Core', 'upstream', 'deb');
    const [clash] = clashes([debian, core], core, 'deb');
    expect(clash!.software.verdict).toBe('same');
    expect(clash!.software.evidence.find((e) => e.signal === 'url')!.verdict).toBe('same');
    expect(clash!.software.evidence.find((e) => e.signal === 'source')!.verdict).toBe('different');
    expect(clash!.firstComer).toBe('Debian');
    expect(clash!.winnerIsFirstComer).toBe(false);
    expect(clash!.severity).toBe('warning');
  });

  it('versionsInterleave ignores versions both vendors ship alike and needs A < B < A', () => {
    const a = (evr: string) => candidate(rpmVersion('a', 'x', evr), 'A', 'distro');
    const b = (evr: string) => candidate(rpmVersion('b', 'x', evr), 'B', 'third-party');
    const perVendor = (as: string[], bs: string[]) => new Map([['A', as.map(a)], ['B', bs.map(b)]]);
    expect(versionsInterleave('rpm', perVendor(['1-1', '3-1'], ['2-1']))).toBe(true);
    expect(versionsInterleave('rpm', perVendor(['1-1', '2-1'], ['3-1', '4-1']))).toBe(false);
    expect(versionsInterleave('rpm', perVendor(['1-1', '2-1'], ['2-1', '3-1']))).toBe(false);
  });

  it('links a name clashing in several profiles through alsoIn', () => {
    const g = upstreamGrafana('6.1.5-1', '2019-04-29');
    const f = fedoraGrafana('6.1.6-1.fc29', '2019-05-07');
    const one = findClashes({ profile: 'f29', format: 'rpm', byName: groupByName([g, f]), winners: new Map() });
    const two = findClashes({ profile: 'f30', format: 'rpm', byName: groupByName([g, f]), winners: new Map() });
    const linked = linkClashesAcrossProfiles([...one, ...two]);
    expect(linked.map((c) => [c.profile, c.alsoIn])).toEqual([
      ['f29', ['f30']],
      ['f30', ['f29']],
    ]);
    expect(new Set(linked.map((c) => c.key)).size).toBe(2);
  });
});
