import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findData, parseRepomd, repomdTimestamp } from '../../../src/formats/rpm/repomd.js';
import { baseUrlFromRepomdUrl, parseMetalink, parseMirrorlist } from '../../../src/formats/rpm/metalink.js';
import { FormatError, XmlError } from '../../../src/errors.js';
import { fixturesDir } from '../../support/paths.js';

const read = (...p: string[]) => readFileSync(path.join(fixturesDir, 'rpm', ...p), 'utf8');

describe('repomd.xml on real captured repos', () => {
  it('CentOS Stream 9 AppStream: primary entry with sha256 and sizes', async () => {
    const repomd = await parseRepomd(read('centos-stream-9-appstream', 'repodata', 'repomd.xml'));
    const primary = findData(repomd, 'primary');
    expect(primary).toBeDefined();
    expect(primary!.checksum.type).toBe('sha256');
    expect(primary!.location.href).toBe(
      'repodata/c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a-primary.xml.gz',
    );
    expect(primary!.checksum.value).toBe('c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a');
    expect(primary!.size).toBeGreaterThan(1_000_000);
    expect(primary!.openSize).toBeGreaterThan(primary!.size!);
    expect(Number.isInteger(primary!.timestamp)).toBe(true);
    // primary_db must never be mistaken for primary.
    expect(repomd.data.filter((d) => d.type === 'primary')).toHaveLength(1);
  });

  it('CentOS EL3 (2007): sha checksums, no revision, no sizes', async () => {
    const repomd = await parseRepomd(read('purldb', 'centos-repomd.xml'));
    expect(repomd.revision).toBeNull();
    const primary = findData(repomd, 'primary')!;
    expect(primary.checksum).toEqual({ type: 'sha', value: '30f9dab174e5c51e7053eb265de5783830d52780' });
    expect(primary.size).toBeNull();
    expect(repomdTimestamp(repomd)).toBe(1185292581);
  });

  it('parses every purldb sample, including float timestamps and group_gz', async () => {
    for (const name of ['cloudera', 'cloudera2', 'opensuse', 'pgpool', 'postgresql']) {
      const repomd = await parseRepomd(read('purldb', `${name}-repomd.xml`));
      expect(findData(repomd, 'primary'), name).toBeDefined();
    }
    const opensuse = await parseRepomd(read('purldb', 'opensuse-repomd.xml'));
    expect(opensuse.revision).toBe('1362590955');
    const all = await Promise.all(
      ['cloudera', 'cloudera2', 'opensuse', 'pgpool', 'postgresql'].map((n) => parseRepomd(read('purldb', `${n}-repomd.xml`))),
    );
    const timestamps = all.flatMap((r) => r.data.map((d) => d.timestamp)).filter((t): t is number => t !== null);
    expect(timestamps.some((t) => !Number.isInteger(t))).toBe(true);
    expect(all.flatMap((r) => r.data.map((d) => d.type))).toContain('group_gz');
  });

  it('keeps xml:base on locations', async () => {
    const repomd = await parseRepomd(`<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>7</revision>
      <data type="primary"><checksum type="sha256">AB</checksum><location xml:base="http://m/" href="repodata/p.xml.gz"/><timestamp>5</timestamp></data></repomd>`);
    expect(repomd.data[0]!.location).toEqual({ href: 'repodata/p.xml.gz', base: 'http://m/' });
    expect(repomd.data[0]!.checksum.value).toBe('ab');
  });

  it('refuses DOCTYPE and ENTITY declarations with their position', async () => {
    const evil = `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa">]>\n<repomd>&a;</repomd>`;
    await expect(parseRepomd(evil, { repo: 'x', file: 'repomd.xml' })).rejects.toBeInstanceOf(XmlError);
    await parseRepomd(evil, { repo: 'x', file: 'repomd.xml' }).catch((err: XmlError) => {
      expect(err.describe()).toMatch(/^repo x: repomd.xml:2:1: refusing a document with a DOCTYPE declaration/);
    });
  });

  it('reports malformed XML and wrong documents as typed errors', async () => {
    await expect(parseRepomd('<repomd><data type="primary"></repomd>', { file: 'repomd.xml' })).rejects.toBeInstanceOf(XmlError);
    await expect(parseRepomd('<html><body/></html>')).rejects.toBeInstanceOf(FormatError);
    await expect(parseRepomd('<repomd><data type="primary"><location href="p"/></data></repomd>')).rejects.toThrow(/no <checksum>/);
  });
});

describe('metalink and mirrorlist', () => {
  const metalink = `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1716000000</mm0:timestamp>
   <size>4143</size>
   <verification>
    <hash type="md5">AAA</hash>
    <hash type="sha256">bbb</hash>
   </verification>
   <mm0:alternates>
    <mm0:alternate><mm0:timestamp>1715000000</mm0:timestamp><size>4100</size>
     <verification><hash type="sha256">ccc</hash></verification></mm0:alternate>
   </mm0:alternates>
   <resources maxconnections="1">
    <url protocol="http" type="http" location="DE" preference="90">http://b.example/f/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="US" preference="100">https://a.example/f/repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>`;

  it('reads hashes, alternates and mirrors by preference', async () => {
    const m = await parseMetalink(metalink);
    expect(m.timestamp).toBe(1716000000);
    expect(m.size).toBe(4143);
    expect(m.hashes).toEqual({ md5: 'aaa', sha256: 'bbb' });
    expect(m.alternates).toEqual([{ timestamp: 1715000000, size: 4100, hashes: { sha256: 'ccc' } }]);
    expect(m.urls.map((u) => u.url)).toEqual(['https://a.example/f/repodata/repomd.xml', 'http://b.example/f/repodata/repomd.xml']);
    expect(baseUrlFromRepomdUrl(m.urls[0]!.url)).toBe('https://a.example/f/');
  });

  it('reads a mirrorlist', () => {
    expect(parseMirrorlist('# comment\nhttp://a/x/\n\n  http://b/x/  \r\n')).toEqual(['http://a/x/', 'http://b/x/']);
  });
});
