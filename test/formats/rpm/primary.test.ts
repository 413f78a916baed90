import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError, XmlError, type RepoclashError } from '../../../src/errors.js';
import { describeIrregularities, parsePrimary, parsePrimaryBatches, type PrimaryIrregularities } from '../../../src/formats/rpm/primary.js';
import type { RpmPackage } from '../../../src/formats/types.js';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const fixtures = path.resolve(repoRoot, 'test', 'fixtures', 'rpm');
const centosDir = path.join(fixtures, 'centos-stream-9-appstream', 'repodata');
const centosFile = path.join(centosDir, readdirSync(centosDir).find((f) => f.endsWith('-primary.xml.gz'))!);

/** Everything parsePrimary yields before it ends or throws, and what it threw. */
async function drain(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, file: string): Promise<{ packages: RpmPackage[]; error: RepoclashError | null }> {
  const packages: RpmPackage[] = [];
  try {
    for await (const pkg of parsePrimary(source, { file, repo: 'test-repo' })) packages.push(pkg);
    return { packages, error: null };
  } catch (err) {
    if (err instanceof FormatError || err instanceof XmlError) return { packages, error: err };
    throw err;
  }
}

const utf8 = (text: string): Uint8Array[] => [new TextEncoder().encode(text)];

function document(packages: string, count?: number, prolog = ''): string {
  const declared = count === undefined ? '' : ` packages="${count}"`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    prolog +
    `<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm"${declared}>\n` +
    packages +
    '</metadata>\n'
  );
}

const MINIMAL = (name: string, extra = ''): string =>
  `<package type="rpm"><name>${name}</name><arch>noarch</arch><version epoch="0" ver="1" rel="1"/>` +
  `<location href="${name}.rpm"/>${extra}</package>\n`;

describe('parsePrimary on CentOS Stream 9 AppStream', () => {
  let all: RpmPackage[] = [];

  it('yields all 17,649 packages, streamed from the .gz', async () => {
    const { packages, error } = await drain(createReadStream(centosFile).pipe(createGunzip()), centosFile);
    expect(error).toBeNull();
    expect(packages).toHaveLength(17_649);
    all = packages;
  });

  it('reads bind 32:9.16.23-11.el9 exactly', () => {
    const bind = all.find((p) => p.name === 'bind' && p.arch === 'x86_64' && p.release === '11.el9');
    expect(bind).toEqual({
      name: 'bind',
      arch: 'x86_64',
      epoch: 32,
      version: '9.16.23',
      release: '11.el9',
      summary: 'The Berkeley Internet Name Domain (BIND) DNS (Domain Name System) server',
      url: 'https://www.isc.org/downloads/bind/',
      vendor: 'CentOS',
      packager: 'builder@centos.org',
      license: 'MPLv2.0',
      sourcerpm: 'bind-9.16.23-11.el9.src.rpm',
      buildTime: 1677507786,
      fileTime: 1677535854,
      packageSize: 514707,
      location: { href: 'Packages/bind-9.16.23-11.el9.x86_64.rpm' },
      checksum: { type: 'sha256', value: 'd8f6cf80bd3fd6fef844e9d931c5b34d3850821fe1dd459cb4e6d3480aa122ca' },
      provides: [
        { name: 'bind', flags: 'EQ', version: '32:9.16.23-11.el9' },
        { name: 'bind(x86-64)', flags: 'EQ', version: '32:9.16.23-11.el9' },
        { name: 'config(bind)', flags: 'EQ', version: '32:9.16.23-11.el9' },
      ],
      obsoletes: [],
    });
  });

  it('decodes entities in text and leaves epoch 0 out of provides versions', () => {
    const compat = all.find((p) => p.name === 'compat-paratype-pt-sans-fonts-f33-f34');
    expect(compat?.summary).toBe('Fedora-33 & 34 compatibility package');
    expect(compat?.epoch).toBe(0);
    expect(compat?.provides[0]).toEqual({ name: 'compat-paratype-pt-sans-fonts-f33-f34', flags: 'EQ', version: '20141121-23.el9' });
  });

  it('reads every rpm:obsoletes list of the file (3,751 packages carry one)', () => {
    expect(all.filter((p) => p.obsoletes.length > 0)).toHaveLength(3751);
  });

  it('has the epoch distribution of the file (0 … 32) and vendor CentOS everywhere', () => {
    const byEpoch = new Map<number, number>();
    for (const p of all) byEpoch.set(p.epoch, (byEpoch.get(p.epoch) ?? 0) + 1);
    expect(Object.fromEntries([...byEpoch].sort((a, b) => a[0] - b[0]))).toEqual({
      0: 13238, 1: 1959, 2: 225, 3: 114, 4: 45, 5: 9, 6: 7, 7: 6, 9: 1869, 14: 6, 17: 121, 32: 50,
    });
    expect(new Set(all.map((p) => p.vendor))).toEqual(new Set(['CentOS']));
    expect(new Set(all.map((p) => p.name)).size).toBe(4848);
  });

  it('gives the same records from the batch variant, in chunks of any size', async () => {
    const bytes = gunzipSync(readFileSync(centosFile)).subarray(0, 2_000_000);
    // Cut the document after a whole package and close it, so it stands on its own.
    const text = new TextDecoder().decode(bytes);
    const cut = text.lastIndexOf('</package>') + '</package>'.length;
    const head = text.slice(0, cut).replace(/packages="\d+"/, 'packages="0"');
    const count = (head.match(/<package /g) ?? []).length;
    const doc = new TextEncoder().encode(`${head.replace('packages="0"', `packages="${count}"`)}\n</metadata>\n`);
    const batches: RpmPackage[] = [];
    for await (const batch of parsePrimaryBatches([doc.subarray(0, 777_777), doc.subarray(777_777)])) batches.push(...batch);
    const single = await drain((function* () { for (let i = 0; i < doc.length; i += 1009) yield doc.subarray(i, i + 1009); })(), 'x');
    expect(single.error).toBeNull();
    expect(batches).toHaveLength(count);
    expect(single.packages).toEqual(batches);
    expect(batches.slice(0, 3)).toEqual(all.slice(0, 3));
  });
});

describe('parsePrimary on purldb samples', () => {
  // These samples are excerpts: three packages under the original repository's packages="N".
  const sample = (name: string): string => path.join(fixtures, 'purldb', `${name}-primary.xml.gz`);

  it('reads empty vendor and packager as null, sha1 ("sha") checksums, and flags the count mismatch', async () => {
    const file = sample('cloudera');
    const { packages, error } = await drain(createReadStream(file).pipe(createGunzip()), file);
    expect(packages).toHaveLength(3);
    expect(packages[0]).toMatchObject({
      name: 'cloudera-manager-server-db-2',
      arch: 'x86_64',
      epoch: 0,
      version: '5.3.2',
      release: '1.cm532.p0.209.el6',
      vendor: null,
      packager: null,
      license: 'Proprietary',
      checksum: { type: 'sha', value: '8b0148847a3fee92996f5355a5e4967fb4878ac0' },
      location: { href: 'RPMS/x86_64/cloudera-manager-server-db-2-5.3.2-1.cm532.p0.209.el6.x86_64.rpm' },
    });
    expect(error).toBeInstanceOf(FormatError);
    expect(error?.message).toMatch(/packages="7".*3 packages/);
    expect(error?.file).toBe(file);
    expect(error?.repo).toBe('test-repo');
  });

  it('reads an e-mail address as vendor and decodes entities in the packager', async () => {
    const file = sample('cloudera2');
    const { packages } = await drain(createReadStream(file).pipe(createGunzip()), file);
    expect(packages[0]).toMatchObject({
      name: 'oracle-j2sdk1.7',
      version: '1.7.0+update67',
      vendor: 'root@rpmslave.ent.cloudera.com',
      packager: '<scm-users@cloudera.org>',
    });
    expect(packages[0]!.provides).toEqual([{ name: 'java' }, { name: 'oracle-j2sdk1.7', flags: 'EQ', version: '1.7.0+update67-1' }]);
  });

  it('reads every sample up to its count check', async () => {
    for (const name of ['centos', 'cloudera', 'cloudera2', 'opensuse', 'pgpool', 'postgresql']) {
      const { packages, error } = await drain([gunzipSync(readFileSync(sample(name)))], name);
      expect(packages, name).toHaveLength(3);
      expect(error, name).toBeInstanceOf(FormatError);
      for (const p of packages) {
        expect(p.name, name).not.toBe('');
        expect(p.location.href, name).toMatch(/\.rpm$/);
        expect(p.checksum?.value, name).toMatch(/^[0-9a-f]{40,64}$/);
      }
    }
  });
});

describe('parsePrimary edge cases', () => {
  it('handles CDATA, entities, empty and missing optional fields, xml:base, another rpm prefix', async () => {
    const doc =
      '<?xml version="1.0"?>\n' +
      '<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:r="http://linux.duke.edu/metadata/rpm" packages="1">' +
      '<package type="rpm"><name>a&amp;b</name><arch>x86_64</arch><version ver="2.0" rel=""/>' +
      '<summary><![CDATA[<cdata> & ]]>more</summary><url></url>' +
      "<location xml:base='http://mirror/x/' href='a.rpm'/>" +
      '<format><r:vendor>V &#x263A;</r:vendor><r:provides><r:entry name="a"/><r:entry name="b" flags="GE" epoch="1" ver="2"/></r:provides>' +
      '<r:requires><r:entry name="ignored" flags="EQ" ver="9"/></r:requires>' +
      '<r:obsoletes><r:entry name="old-a"/><r:entry name="old-b" flags="LT" epoch="0" ver="2.0" rel="1"/></r:obsoletes></format></package></metadata>';
    const { packages, error } = await drain(utf8(doc), 'edge.xml');
    expect(error).toBeNull();
    expect(packages).toEqual([
      {
        name: 'a&b',
        arch: 'x86_64',
        epoch: 0,
        version: '2.0',
        release: '',
        summary: '<cdata> & more',
        url: null,
        vendor: 'V \u263A',
        packager: null,
        license: null,
        sourcerpm: null,
        buildTime: null,
        fileTime: null,
        packageSize: null,
        location: { href: 'a.rpm', base: 'http://mirror/x/' },
        checksum: null,
        provides: [{ name: 'a' }, { name: 'b', flags: 'GE', version: '1:2' }],
        obsoletes: [{ name: 'old-a' }, { name: 'old-b', flags: 'LT', version: '2.0-1' }],
      },
    ]);
  });

  it('skips non-rpm package types but counts them', async () => {
    const doc = document(MINIMAL('a') + '<package type="other"><name>z</name></package>\n', 2);
    const { packages, error } = await drain(utf8(doc), 'types.xml');
    expect(error).toBeNull();
    expect(packages.map((p) => p.name)).toEqual(['a']);
    const irregular: PrimaryIrregularities = { untyped: 0, skipped: {} };
    for await (const batch of parsePrimaryBatches(utf8(doc), {}, irregular)) void batch;
    expect(irregular).toEqual({ untyped: 0, skipped: { other: 1 } });
    expect(describeIrregularities(irregular)).toEqual(['skipped 1 <package type="other"> element(s): not rpm packages']);
  });

  // The shape of createrepo_c's multiple_warnings_00-primary.xml (dnf and createrepo_c read 2
  // packages): an unknown element, a <package> without a type, a package nested inside an unknown
  // element (nobody reads it, the root's count does not count it), then an ordinary one.
  it('reads a <package> without a type attribute as rpm, as dnf does, and says so', async () => {
    const untyped = MINIMAL('fake_bash').replace('<package type="rpm">', '<package>');
    const nested = '<bar><foo>x</foo><package type="foobar"/></bar>\n';
    const doc = document('<fooelement/>\n' + untyped + nested + MINIMAL('super_kernel'), 2);
    const irregular: PrimaryIrregularities = { untyped: 0, skipped: {} };
    const names: string[] = [];
    for await (const batch of parsePrimaryBatches(utf8(doc), { file: 'w.xml' }, irregular)) names.push(...batch.map((p) => p.name));
    expect(names).toEqual(['fake_bash', 'super_kernel']);
    expect(irregular).toEqual({ untyped: 1, skipped: {} });
    expect(describeIrregularities(irregular)).toEqual(['1 <package> element(s) without a type attribute read as rpm packages, as dnf reads them']);
  });

  const bad: Array<[string, string, typeof XmlError | typeof FormatError, RegExp]> = [
    ['malformed XML', document(MINIMAL('a').replace('</name>', '</nam>'), 1), XmlError, /does not match/],
    ['a DOCTYPE', document(MINIMAL('a'), 1, '<!DOCTYPE metadata [<!ENTITY lol "lol">]>\n'), XmlError, /DOCTYPE/],
    ['an entity declaration', document('<!ENTITY x "y">' + MINIMAL('a'), 1), XmlError, /entity declarations are refused/],
    ['a truncated document', document(MINIMAL('a') + MINIMAL('b'), 2).slice(0, -40), XmlError, /unexpected end of input/],
    ['a package-count mismatch', document(MINIMAL('a') + MINIMAL('b'), 3), FormatError, /packages="3".*2 packages/],
    ['a wrong root element', '<repomd xmlns="http://linux.duke.edu/metadata/repo"/>', FormatError, /root element/],
    ['a package without a location', document(MINIMAL('a').replace(/<location[^>]*>/, ''), 1), FormatError, /package a has no location/],
    ['a non-numeric epoch', document(MINIMAL('a').replace('epoch="0"', 'epoch="x"'), 1), FormatError, /epoch="x"/],
  ];
  for (const [what, doc, type, message] of bad) {
    it(`rejects ${what} with a typed error naming the file`, async () => {
      const { error } = await drain(utf8(doc), 'repodata/bad-primary.xml');
      expect(error).toBeInstanceOf(type);
      expect(error?.message).toMatch(message);
      expect(error?.file).toBe('repodata/bad-primary.xml');
      expect(error?.describe()).toContain('repodata/bad-primary.xml');
    });
  }

  it('gives the byte offset of the package a format error is about', async () => {
    const first = MINIMAL('a');
    const doc = document(first + MINIMAL('b').replace(/<location[^>]*>/, ''), 2);
    const { error } = await drain(utf8(doc), 'f');
    expect(error).toBeInstanceOf(FormatError);
    // Reported when </package> of "b" is read.
    expect(error?.offset).toBe(doc.lastIndexOf('</package>'));
  });

  it('gives the byte offset of a DOCTYPE', async () => {
    const doc = document(MINIMAL('a'), 1, '<!-- x -->\n<!DOCTYPE metadata>\n');
    const { error } = await drain(utf8(doc), 'f');
    expect(error?.offset).toBe(doc.indexOf('<!DOCTYPE'));
    expect(error?.offset).toBe(50);
  });
});
