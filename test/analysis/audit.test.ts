import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAudit, type AuditInput } from '../../src/analysis/audit.js';
import { candidatesFor } from '../../src/analysis/candidates.js';
import { compareFindings, FINDING_KINDS, type Finding } from '../../src/analysis/findings.js';
import type { Candidate } from '../../src/analysis/types.js';
import { UsageError } from '../../src/errors.js';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv ships CommonJS: under NodeNext its default export is the module object.
const Ajv2020 = Ajv2020Module.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormatsModule.default(ajv);
/** Error messages from ajv (empty when valid). */
function validate(schema: object, value: unknown): string[] {
  const check = ajv.getSchema((schema as { $id?: string }).$id ?? '') ?? ajv.compile(schema);
  return check(value) ? [] : (check.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
import { debRepo, profile, repoMap, rpmRepo, upgradePath } from '../support/config-builders.js';
import { at, built, candidate, debVersion, interval, rpmVersion, winner } from '../support/record-builders.js';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');
const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schema/audit.schema.json'), 'utf8')) as Record<string, unknown>;

const repos = repoMap(
  rpmRepo('fedora-29', { vendor: 'Fedora', role: 'distro' }),
  rpmRepo('updates-f29', { vendor: 'Fedora Project', role: 'distro' }),
  rpmRepo('grafana', { vendor: 'Grafana Labs', role: 'upstream' }),
  rpmRepo('prometheus', { vendor: 'Prometheus', role: 'upstream' }),
  rpmRepo('fedora-30', { vendor: 'fedora  project', role: 'distro' }),
  rpmRepo('disabled', { vendor: 'Someone', role: 'third-party', enabled: false }),
  debRepo('debian', { vendor: 'Debian', role: 'distro' }),
  debRepo('bitcoincore', { vendor: 'Bitcoin Core', role: 'upstream' }),
);

const g = (evr: string, date: string) => rpmVersion('grafana', 'grafana', evr, { buildTime: built(date), url: 'https://grafana.com', sourceName: 'grafana' });
const fedoraGrafana = rpmVersion('updates-f29', 'grafana', '6.1.6-1.fc29', { buildTime: built('2019-05-07'), url: 'https://grafana.org/', sourceName: 'grafana', firstSeen: at('2019-05-12') });
const current = [
  rpmVersion('fedora-29', 'prometheus', '1.8.0-4.fc29', { buildTime: built('2018-07-14') }),
  rpmVersion('fedora-29', 'bash', '4.4.23-6.fc29', { buildTime: built('2018-10-01') }),
  rpmVersion('updates-f29', 'bash', '4.4.23-7.fc29', { buildTime: built('2019-01-01') }),
  fedoraGrafana,
  g('6.1.5-1', '2019-04-29'),
  g('6.2.1-1', '2019-05-24'),
  { ...g('6.2.1-1', '2019-05-24'), arch: 'src' },
  rpmVersion('disabled', 'grafana', '9.9-1'),
  rpmVersion('fedora-30', 'grafana', '6.1.4-2.fc30', { buildTime: built('2019-03-01'), url: 'https://grafana.org/' }),
  rpmVersion('prometheus', 'prometheus', '2.9.2-1', { buildTime: built('2019-04-25') }),
  rpmVersion('prometheus', 'prometheus', '2.10.0-1', { buildTime: built('2019-05-25') }),
  debVersion('debian', 'bitcoin', '22.1.0+dfsg-1', { firstSeen: at('2019-01-10'), url: 'https://bitcoincore.org/' }),
  debVersion('bitcoincore', 'bitcoin', '0.18.0-1', { firstSeen: at('2018-11-02'), url: 'https://bitcoincore.org/' }),
];
const f29Update = (evr: string) => rpmVersion('updates-f29', 'grafana', evr, { buildTime: built(evr.startsWith('6.1.4') ? '2019-04-15' : '2019-05-07') });
const history = [
  interval(rpmVersion('prometheus', 'prometheus', '2.0.0-1', { buildTime: built('2017-11-08') }), at('2019-01-01')),
  interval({ ...f29Update('6.1.4-1.fc29'), firstSeen: at('2019-04-20') }, at('2019-05-07')),
  interval({ ...f29Update('6.1.6-1.fc29'), firstSeen: at('2019-05-08') }, at('2019-05-10')),
  interval({ ...f29Update('6.1.4-1.fc29'), firstSeen: at('2019-05-11') }, at('2019-05-11')),
  interval(fedoraGrafana, null),
];

function input(): AuditInput {
  const base: Omit<AuditInput, 'winnersByProfile'> = {
    repos,
    profiles: [profile('rpm', ['fedora-29', 'updates-f29', 'grafana', 'disabled'], { name: 'f29' }), profile('rpm', ['fedora-30', 'grafana'], { name: 'f30' }), profile('deb', ['debian', 'bitcoincore'], { name: 'bookworm' })],
    upgradePaths: [upgradePath('fedora', ['f29', 'f30'])],
    vendorEquivalences: [['Fedora Project', 'Fedora']],
    aliases: new Map(),
    current,
    history,
    winnerHistory: [
      winner('f29', 'grafana', 'grafana', 'Grafana Labs', '6.1.5-1', at('2019-04-01'), at('2019-05-08')),
      winner('f29', 'grafana', 'updates-f29', 'Fedora Project', '6.1.6-1.fc29', at('2019-05-08'), at('2019-05-25')),
      winner('f29', 'grafana', 'grafana', 'Grafana Labs', '6.2.1-1', at('2019-05-25'), null),
    ],
    repoEvents: [{ repoId: 'grafana', at: at('2019-05-20'), kind: 'rollback', message: 'older repomd' }],
    releases: new Map(),
    now: at('2019-05-27'),
  };
  const f29 = candidatesFor(base.profiles[0]!, base);
  const bookworm = candidatesFor(base.profiles[2]!, base);
  const pick = (cs: Candidate[], repoId: string, name: string, evr?: string) => cs.find((c) => c.repoId === repoId && c.name === name && (!evr || c.evr === evr))!;
  return {
    ...base,
    winnersByProfile: new Map([
      ['f29', new Map([['grafana', pick(f29, 'grafana', 'grafana', '6.2.1-1')]])],
      ['bookworm', new Map([['bitcoin', pick(bookworm, 'debian', 'bitcoin')]])],
    ]),
  };
}

function only<K extends Finding['kind']>(findings: Finding[], kind: K, scope?: string): Array<Extract<Finding, { kind: K }>> {
  return findings.filter((f): f is Extract<Finding, { kind: K }> => f.kind === kind && (scope === undefined || f.scope === scope));
}

describe('candidatesFor', () => {
  it('takes enabled repos of the profile, compatible arches only, with canonical vendors', () => {
    const cs = candidatesFor(input().profiles[0]!, input());
    expect(cs.some((c) => c.arch === 'src' || c.repoId === 'disabled')).toBe(false);
    expect(new Set(cs.map((c) => c.repoVendor))).toEqual(new Set(['Fedora Project', 'Grafana Labs']));
    expect(cs.find((c) => c.repoId === 'grafana')).toMatchObject({ role: 'upstream', format: 'rpm' });
  });
});

describe('runAudit', () => {
  const result = runAudit(input());

  it('produces a result that matches schema/audit.schema.json', () => {
    expect(validate(schema, JSON.parse(JSON.stringify(result)))).toEqual([]);
    expect(result.schemaVersion).toBe(1);
    expect(result.generatedAt).toBe('2019-05-27T00:00:00.000Z');
    expect(result.profiles).toEqual(['f29', 'f30', 'bookworm']);
    expect(result.upgradePaths).toEqual(['fedora']);
  });

  it('finds every kind of the seed story', () => {
    const f = result.findings;
    const [clash29] = only(f, 'clash', 'f29');
    expect(clash29).toMatchObject({ name: 'grafana', firstComer: 'Grafana Labs', interleaved: true, winnerIsFirstComer: true, severity: 'warning', alsoIn: ['f30'] });
    expect(only(f, 'clash').map((c) => `${c.profile}:${c.name}`).sort()).toEqual(['bookworm:bitcoin', 'f29:grafana', 'f30:grafana']);
    // The Debian package wins over the vendor's though the vendor was first (first_seen): warning.
    expect(only(f, 'clash', 'bookworm')[0]).toMatchObject({ firstComerEvidence: 'firstSeen', firstComer: 'Bitcoin Core', winnerIsFirstComer: false, severity: 'warning' });
    expect(only(f, 'pingpong', 'f29')[0]).toMatchObject({ name: 'grafana', severity: 'error', observed: { flips: 2 }, predicted: { leadChanges: 3 } });
    expect(only(f, 'rollback').map((r) => r.source).sort()).toEqual(['observed', 'refused']);
    expect(only(f, 'regression').map((r) => `${r.name}:${r.change}`).sort()).toEqual(['bash:dropped', 'prometheus:dropped']);
    expect(only(f, 'lag', 'f29')[0]).toMatchObject({ name: 'prometheus', gap: 'major', abandonedSeries: true, behindSince: at('2017-11-08') });
    // Debian's 22.1.0 is ahead of the vendor's 0.18.0: no lag.
    expect(only(f, 'lag', 'bookworm')).toEqual([]);
  });

  it('counts what it lists and sorts most severe first', () => {
    expect(result.counts.total).toBe(result.findings.length);
    for (const kind of FINDING_KINDS) expect(result.counts.byKind[kind]).toBe(only(result.findings, kind).length);
    expect(result.counts.bySeverity.error + result.counts.bySeverity.warning + result.counts.bySeverity.info).toBe(result.findings.length);
    expect([...result.findings].sort(compareFindings)).toEqual(result.findings);
    expect(new Set(result.findings.map((x) => x.key)).size).toBe(result.findings.length);
  });

  it('restricts to the kinds and profiles asked for', () => {
    const lagOnly = runAudit(input(), { kinds: ['lag'], profiles: ['f29'] });
    expect(lagOnly.kinds).toEqual(['lag']);
    expect(lagOnly.profiles).toEqual(['f29']);
    // Prometheus: major and abandoned (error); Fedora's grafana 6.1.6 against grafana.com's 6.2.1: minor (warning).
    expect(lagOnly.findings.map((x) => `${x.key}:${x.severity}`)).toEqual(['lag|f29|prometheus:error', 'lag|f29|grafana:warning']);
    expect(validate(schema, JSON.parse(JSON.stringify(lagOnly)))).toEqual([]);
    const deb = runAudit(input(), { profiles: ['bookworm'] });
    expect(deb.upgradePaths).toEqual([]);
    expect(deb.findings.every((x) => x.scope === 'bookworm' || x.scope === null)).toBe(true);
    expect(only(deb.findings, 'rollback')).toEqual([]);
  });

  it('rejects an unknown profile with a UsageError', () => {
    expect(() => runAudit(input(), { profiles: ['f31'] })).toThrow(UsageError);
  });

  it('without vendor-equivalences "Fedora" and "Fedora Project" clash over bash', () => {
    const r = runAudit({ ...input(), vendorEquivalences: [] }, { kinds: ['clash'], profiles: ['f29'] });
    expect(only(r.findings, 'clash').map((c) => c.name).sort()).toEqual(['bash', 'grafana']);
  });
});

describe('the schema check can fail', () => {
  const result = JSON.parse(JSON.stringify(runAudit(input()))) as { findings: Array<Record<string, unknown>>; counts: Record<string, unknown> };

  it('rejects a finding with a missing field, an extra field, or a wrong severity', () => {
    const broken = structuredClone(result);
    delete broken.findings[0]!.key;
    expect(validate(schema, broken).join('\n')).toMatch(/must have required property|must match/);
    const extra = structuredClone(result);
    extra.findings[0]!.surprise = 1;
    expect(validate(schema, extra)).not.toEqual([]);
    const severity = structuredClone(result);
    severity.findings[0]!.severity = 'fatal';
    expect(validate(schema, severity)).not.toEqual([]);
    const counts = structuredClone(result);
    delete (counts.counts.byKind as Record<string, unknown>).lag;
    expect(validate(schema, counts)).not.toEqual([]);
  });

  it('the schema names exactly the finding kinds the code has', () => {
    const defs = schema.$defs as Record<string, { enum?: string[] }>;
    expect(defs.kind!.enum).toEqual([...FINDING_KINDS]);
  });
});
