/**
 * Upgrade-path regressions through the store's sort keys (regression-input.ts: the store selects
 * the names whose best version goes back or vanishes, only those are read) against the old JS
 * path (every version of every repo read into objects, bests picked by the version scheme): the
 * same findings, over stores whose versions put the keys to work — epochs, `~`, equal versions spelled
 * differently in two repos (the first of equals is reported), source and foreign-arch packages
 * (a profile with an arch, one without), a
 * three-profile path, a profile not crawled yet, a path between two formats.
 */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/analysis/audit.js';
import { vendorNormaliser } from '../../src/analysis/vendors.js';
import { loadAnalysisData, loadAuditData } from '../../src/run/analysis-input.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import { regressionBestVersions } from '../../src/run/regression-input.js';
import type { VersionRecord } from '../../src/store/types.js';
import { memoryStore, meta, put, rec } from '../support/store-builders.js';

const T0 = Date.UTC(2025, 0, 6);

const deb = (id: string, suite: string) => `  ${id}: { vendor: Debian, role: distro, format: deb, uri: http://deb.invalid/debian, suite: ${suite}, components: [main], architectures: [amd64] }\n`;
const CONFIG = `repos:
${deb('old', 'old')}${deb('old-security', 'old-security')}${deb('mid', 'mid')}${deb('new', 'new')}${deb('next', 'next')}  el: { vendor: Example, role: distro, format: rpm, baseurl: http://el.invalid/ }
profiles:
  old: { repos: [old, old-security], arch: amd64 }
  mid: { repos: [mid], arch: amd64 }
  new: { repos: [new], arch: amd64 }
  next: { repos: [next], arch: amd64 }
  el: { repos: [el], arch: x86_64 }
upgrade-paths:
  debian: [old, mid, new]
  uncrawled: [new, next]
  across: [el, new]
`;

/** A deb record: "[epoch:]upstream[-revision]". */
function d(name: string, text: string, arch = 'amd64'): VersionRecord {
  const colon = text.indexOf(':');
  const epoch = colon > 0 ? Number(text.slice(0, colon)) : 0;
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const hyphen = rest.lastIndexOf('-');
  const [version, release] = hyphen === -1 ? [rest, ''] : [rest.slice(0, hyphen), rest.slice(hyphen + 1)];
  return { ...rec(name, version, release, { epoch, arch }), evr: text };
}

function seeded() {
  const parsed = parseConfig(CONFIG, 'repos.yaml');
  // "new" lists no arch (a profile built in code): any binary arch is installable there, never source.
  const config = { ...parsed, profiles: new Map([...parsed.profiles].map(([n, p]) => [n, n === 'new' ? { ...p, arches: [] } : p])) };
  const store = memoryStore(...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })));
  const crawl: Record<string, VersionRecord[]> = {
    old: [
      d('up', '1.0-1'), d('epoch', '1:1.0-1'), d('tilde', '1.0-1'), d('gone-later', '1.0-1'), d('gone-mid', '1.0-1'),
      d('src-only', '1.0-1'), d('foreign', '1.0-1'), d('same', '1.0-1'), d('back-late', '3.0-1'),
      d('tie', '3.0-1'), d('zero', '0-0'),
    ],
    // Equal to old's "same" and "tie" as dpkg orders them, spelled otherwise: old's repo comes first.
    'old-security': [d('same', '1.00-1'), d('tie', '3.00-01'), d('up', '1.0-1+deb1u1')],
    mid: [
      d('up', '2.0-1'), d('epoch', '2.0-1'), d('tilde', '1.0~rc1-1'), d('gone-later', '1.0-1'), d('src-only', '1.0-1'),
      d('foreign', '2.0-1', 'i386'), d('same', '1.0-1'), d('back-late', '3.0-1'), d('zero', '0-0'),
    ],
    new: [
      d('up', '3.0-1'), d('epoch', '2.0-1'), d('tilde', '1.0~rc1-1'), d('gone-mid', '1.0-1'), d('src-only', '2.0-1', 'source'),
      d('foreign', '2.0-1', 'i386'), d('same', '1.0-1'), d('back-late', '2.5-1'), d('zero', '0'),
    ],
    el: [rec('up', '9.0', '1', { arch: 'x86_64' }), rec('only-el', '1.0', '1', { arch: 'x86_64' })],
  };
  for (const [id, records] of Object.entries(crawl)) put(store, meta(id, T0, `${id}-0`), records);
  return { store, config, now: T0 + 86_400_000 };
}

describe('regressions through the stored sort keys', () => {
  it('give exactly the findings of reading every version', () => {
    const { store, config, now } = seeded();
    const profiles = [...config.profiles.values()];
    const everything = runAudit(loadAnalysisData(store, config, profiles, now).input, { kinds: ['regression'] });
    const viaKeys = runAudit(loadAuditData(store, config, profiles, now).input, { kinds: ['regression'] });
    expect(viaKeys).toEqual(everything);
    // The cases the store had to get right, each found once.
    const found = (path: string) => everything.findings.filter((f) => f.scope === path).map((f) => `${f.kind === 'regression' ? f.change : ''} ${f.name} ${f.key}`).sort();
    expect(found('debian')).toEqual([
      'dropped foreign regression|debian|old>mid|foreign',
      'dropped gone-later regression|debian|mid>new|gone-later',
      'dropped gone-mid regression|debian|old>mid|gone-mid',
      'dropped src-only regression|debian|mid>new|src-only',
      'dropped tie regression|debian|old>mid|tie',
      'lower back-late regression|debian|mid>new|back-late',
      'lower epoch regression|debian|old>mid|epoch',
      'lower tilde regression|debian|old>mid|tilde',
    ]);
    // "tie" is 3.0-1 in old and 3.00-01 in old-security, equal to dpkg: the first of equals (old's
    // own repo, listed first) is the one reported.
    const tie = everything.findings.find((f) => f.name === 'tie');
    expect(tie?.kind === 'regression' ? [tie.from.repoId, tie.from.evr] : null).toEqual(['old', '3.0-1']);
    // A step into a profile with no versions (not crawled yet) is skipped; a path across formats
    // is decided the old way (every name read).
    expect(found('uncrawled')).toEqual([]);
    expect(found('across').map((l) => l.split(' ')[1])).toEqual(['only-el', 'up']);
  });

  it('read only the names that can regress, the same names in every profile of a path', () => {
    const { store, config } = seeded();
    const bests = regressionBestVersions(store, config, [...config.profiles.values()], vendorNormaliser(config.vendorEquivalences));
    const namesIn = (path: string, profile: string) => [...new Set(bests.get(path)!.get(profile)!.candidates.map((c) => c.name))].sort();
    const canRegress = ['back-late', 'epoch', 'foreign', 'gone-later', 'gone-mid', 'src-only', 'tie', 'tilde'];
    expect(namesIn('debian', 'old')).toEqual(canRegress);
    expect(namesIn('debian', 'mid')).toEqual(canRegress.filter((n) => !['foreign', 'gone-mid', 'tie'].includes(n)));
    expect(bests.get('debian')!.get('new')!.hasVersions).toBe(true);
    // Into a profile not crawled yet: nothing to read. Across formats: every name, the old way.
    expect(namesIn('uncrawled', 'new')).toEqual([]);
    expect(bests.get('uncrawled')!.get('next')!.hasVersions).toBe(false);
    expect(namesIn('across', 'new')).toEqual(['back-late', 'epoch', 'foreign', 'gone-mid', 'same', 'tilde', 'up', 'zero']);
  });
});
