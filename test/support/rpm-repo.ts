/**
 * Build real RPMs (rpmbuild) and real rpm-md repositories (createrepo_c) for tests.
 * Built packages are cached by a hash of their spec under test/.build/rpm-cache.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildIntoDir, buildRoot, cacheKey, cachedBuild } from './build-cache.js';
import { execTool } from './exec.js';
import { detachSign, type GpgKey } from './gpg.js';

export interface RpmSpec {
  name: string;
  epoch?: number;
  version: string;
  release: string;
  /** Default noarch. Other arches are built with `rpmbuild --target`. */
  arch?: string;
  vendor?: string;
  url?: string;
  summary?: string;
  license?: string;
  packager?: string;
  /** Extra `Provides:` entries, e.g. "webserver" or "foo = 1.2". */
  provides?: string[];
  requires?: string[];
  obsoletes?: string[];
  conflicts?: string[];
  /** Unix seconds written as the package's build time (via SOURCE_DATE_EPOCH). Default 1700000000. */
  buildTime?: number;
}

export type RpmCompression = 'gz' | 'xz' | 'bz2' | 'zstd';

export interface RpmRepoOptions {
  dir: string;
  rpms: RpmSpec[];
  /** Compression of primary/filelists/other. Default gz (createrepo_c 0.17's default). */
  compression?: RpmCompression;
  /** repomd.xml `<revision>`; createrepo_c defaults to the current time. */
  revision?: string;
  /** Also write primary_db etc. (sqlite). Default false. */
  sqlite?: boolean;
  /** Sign repodata/repomd.xml into repomd.xml.asc. */
  signWith?: GpgKey;
}

export interface RpmRepo {
  dir: string;
  /** file:// URL of dir, usable as a dnf baseurl. */
  baseurl: string;
  repomdPath: string;
  /** `<location href>` of the primary, relative to dir (e.g. "repodata/<sha>-primary.xml.zst"). */
  primaryHref: string;
  primaryPath: string;
  rpmPaths: string[];
}

const DEFAULT_BUILD_TIME = 1_700_000_000;
/** Bump when the generated .spec changes so stale cache entries are not reused. */
const SPEC_TEMPLATE_VERSION = 1;
const rpmCacheDir = path.join(buildRoot, 'rpm-cache');

/** A header value must stay on one line or it would inject spec directives. */
function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`RpmSpec.${field} must not contain newlines: ${JSON.stringify(value)}`);
  return value;
}

export function rpmSpecFileText(spec: RpmSpec): string {
  const arch = spec.arch ?? 'noarch';
  const lines = [
    `Name: ${oneLine('name', spec.name)}`,
    ...(spec.epoch !== undefined ? [`Epoch: ${spec.epoch}`] : []),
    `Version: ${oneLine('version', spec.version)}`,
    `Release: ${oneLine('release', spec.release)}`,
    `Summary: ${oneLine('summary', spec.summary ?? `${spec.name} test package`)}`,
    `License: ${oneLine('license', spec.license ?? 'MIT')}`,
    ...(spec.vendor !== undefined ? [`Vendor: ${oneLine('vendor', spec.vendor)}`] : []),
    ...(spec.url !== undefined ? [`URL: ${oneLine('url', spec.url)}`] : []),
    ...(spec.packager !== undefined ? [`Packager: ${oneLine('packager', spec.packager)}`] : []),
    ...(arch === 'noarch' ? ['BuildArch: noarch'] : []),
    ...(spec.provides ?? []).map((p) => `Provides: ${oneLine('provides', p)}`),
    ...(spec.requires ?? []).map((p) => `Requires: ${oneLine('requires', p)}`),
    ...(spec.obsoletes ?? []).map((p) => `Obsoletes: ${oneLine('obsoletes', p)}`),
    ...(spec.conflicts ?? []).map((p) => `Conflicts: ${oneLine('conflicts', p)}`),
    '',
    '%description',
    `Test package ${spec.name} built by repoclash's test support.`,
    '',
    // No payload: tests care about headers only, and an empty package installs anywhere.
    '%files',
    '',
  ];
  return lines.join('\n');
}

/** The cache directory that holds the built package for this spec (exported for tests). */
export function rpmCacheEntry(spec: RpmSpec): string {
  const normalized = { ...spec, arch: spec.arch ?? 'noarch', buildTime: spec.buildTime ?? DEFAULT_BUILD_TIME };
  return path.join(rpmCacheDir, cacheKey({ v: SPEC_TEMPLATE_VERSION, spec: normalized }));
}

async function buildOneRpm(spec: RpmSpec): Promise<string> {
  const arch = spec.arch ?? 'noarch';
  const buildTime = spec.buildTime ?? DEFAULT_BUILD_TIME;
  return cachedBuild(rpmCacheDir, path.basename(rpmCacheEntry(spec)), async (outDir) => {
    const topdir = await mkdtemp(path.join(os.tmpdir(), 'rc-rpmbuild-'));
    try {
      const specPath = path.join(topdir, `${spec.name}.spec`);
      await writeFile(specPath, rpmSpecFileText(spec));
      const defines: Record<string, string> = {
        _topdir: topdir,
        _rpmdir: outDir,
        _build_name_fmt: '%%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm',
        // Build time comes from SOURCE_DATE_EPOCH: "who shipped first" is read from it.
        use_source_date_epoch_as_buildtime: '1',
        _buildhost: 'repoclash-test',
        debug_package: '%{nil}',
        // Skip brp-* post-processing: nothing to strip or compress, and it costs time.
        __os_install_post: '%{nil}',
      };
      const args = ['-bb', '--quiet', ...Object.entries(defines).flatMap(([k, v]) => ['--define', `${k} ${v}`])];
      if (arch !== 'noarch') args.push('--target', arch);
      args.push(specPath);
      await execTool('rpmbuild', args, { env: { SOURCE_DATE_EPOCH: String(buildTime) } });
    } finally {
      await rm(topdir, { recursive: true, force: true });
    }
  });
}

/** Build (or take from cache) one RPM per spec and copy them into outDir. Returns the copies' paths. */
export async function buildRpms(specs: RpmSpec[], outDir: string): Promise<string[]> {
  return buildIntoDir(specs, outDir, buildOneRpm);
}

/** Build a repository: rpms in dir, metadata in dir/repodata. */
export async function buildRpmRepo(opts: RpmRepoOptions): Promise<RpmRepo> {
  const compression = opts.compression ?? 'gz';
  // The directory belongs to the builder: drop packages and metadata of an earlier build.
  await rm(path.join(opts.dir, 'repodata'), { recursive: true, force: true });
  await removeRpmsIn(opts.dir);
  const rpmPaths = await buildRpms(opts.rpms, opts.dir);
  // createrepo_c 0.17 cannot write zstd: write gz and recompress afterwards.
  const written = compression === 'zstd' ? 'gz' : compression;
  const args = ['--quiet', '--general-compress-type', written, '--compress-type', written];
  args.push(opts.sqlite ? '--database' : '--no-database');
  if (opts.revision !== undefined) args.push('--revision', opts.revision);
  args.push(opts.dir);
  await execTool('createrepo_c', args);

  const repomdPath = path.join(opts.dir, 'repodata', 'repomd.xml');
  if (compression === 'zstd') await recompressRepodataToZstd(opts.dir);
  if (opts.signWith) await detachSign(opts.signWith, repomdPath, `${repomdPath}.asc`);

  const repomd = await readFile(repomdPath, 'utf8');
  const primaryHref = repomdDataBlocks(repomd).find((b) => b.type === 'primary')?.href;
  if (!primaryHref) throw new Error(`no primary in ${repomdPath}`);
  return {
    dir: opts.dir,
    baseurl: pathToFileURL(opts.dir).href,
    repomdPath,
    primaryHref,
    primaryPath: path.join(opts.dir, primaryHref),
    rpmPaths,
  };
}

async function removeRpmsIn(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.endsWith('.rpm')).map((n) => unlink(path.join(dir, n))));
}

interface DataBlock {
  type: string;
  href: string;
  /** The whole `<data …>…</data>` element as it appears in repomd.xml. */
  text: string;
}

export function repomdDataBlocks(repomd: string): DataBlock[] {
  const blocks: DataBlock[] = [];
  for (const m of repomd.matchAll(/<data\s+type="([^"]+)"\s*>[\s\S]*?<\/data>/g)) {
    const href = /<location\s+href="([^"]+)"/.exec(m[0])?.[1];
    if (m[1] && href) blocks.push({ type: m[1], href, text: m[0] });
  }
  return blocks;
}

/** Node's hash name for a repomd checksum type ("sha" is sha1 in old repos). */
function nodeHashName(type: string): string {
  return type === 'sha' ? 'sha1' : type;
}

/**
 * Replace every gzip'd metadata file with a zstd one, as createrepo_c ≥ 1.0 would write it, and
 * rewrite only the checksum/size/location of those entries in repomd.xml. open-checksum and
 * open-size describe the uncompressed data and stay valid.
 */
export async function recompressRepodataToZstd(repoDir: string): Promise<void> {
  const repomdPath = path.join(repoDir, 'repodata', 'repomd.xml');
  let repomd = await readFile(repomdPath, 'utf8');
  for (const block of repomdDataBlocks(repomd)) {
    if (!block.href.endsWith('.gz')) continue;
    const oldPath = path.join(repoDir, block.href);
    const plain = gunzipSync(await readFile(oldPath));
    const plainPath = oldPath.replace(/\.gz$/, '');
    await writeFile(plainPath, plain);
    const tmpZst = `${plainPath}.zst.tmp`;
    await execTool('zstd', ['-q', '-f', '-19', plainPath, '-o', tmpZst]);
    await unlink(plainPath);
    const zst = await readFile(tmpZst);
    const checksumType = /<checksum\s+type="([^"]+)">/.exec(block.text)?.[1] ?? 'sha256';
    const digest = createHash(nodeHashName(checksumType)).update(zst).digest('hex');
    // Keep createrepo_c's "<checksum>-<name>" naming so the href stays content-addressed.
    const baseName = path.basename(block.href).replace(/^[0-9a-f]+-/, '').replace(/\.gz$/, '.zst');
    const newHref = `${path.dirname(block.href)}/${digest}-${baseName}`;
    await writeFile(path.join(repoDir, newHref), zst);
    await unlink(tmpZst);
    await unlink(oldPath);
    const newText = block.text
      .replace(/<checksum\s+type="[^"]+">[^<]*<\/checksum>/, `<checksum type="${checksumType}">${digest}</checksum>`)
      .replace(/<location\s+href="[^"]+"/, `<location href="${newHref}"`)
      .replace(/<size>\d+<\/size>/, `<size>${zst.length}</size>`);
    repomd = repomd.replace(block.text, newText);
  }
  await writeFile(repomdPath, repomd);
}

/**
 * Rewrite one gzip'd metadata file of a built repo (e.g. primary.xml with a hand-made oddity) and
 * update its repomd.xml entry — checksum, size, open-checksum, open-size, location — so dnf and
 * the crawler accept it as the repo's current metadata.
 */
export async function rewriteRepodataFile(repoDir: string, type: string, transform: (xml: string) => string): Promise<string> {
  const repomdPath = path.join(repoDir, 'repodata', 'repomd.xml');
  let repomd = await readFile(repomdPath, 'utf8');
  const block = repomdDataBlocks(repomd).find((b) => b.type === type);
  if (!block?.href.endsWith('.gz')) throw new Error(`no gzip'd ${type} in ${repomdPath}`);
  const oldPath = path.join(repoDir, block.href);
  const plain = Buffer.from(transform(gunzipSync(await readFile(oldPath)).toString('utf8')), 'utf8');
  const packed = gzipSync(plain);
  const checksumType = /<checksum\s+type="([^"]+)">/.exec(block.text)?.[1] ?? 'sha256';
  const digest = (data: Buffer) => createHash(nodeHashName(checksumType)).update(data).digest('hex');
  const newHref = `${path.dirname(block.href)}/${digest(packed)}-${path.basename(block.href).replace(/^[0-9a-f]+-/, '')}`;
  await unlink(oldPath);
  await writeFile(path.join(repoDir, newHref), packed);
  const newText = block.text
    .replace(/<checksum\s+type="[^"]+">[^<]*<\/checksum>/, `<checksum type="${checksumType}">${digest(packed)}</checksum>`)
    .replace(/<open-checksum\s+type="[^"]+">[^<]*<\/open-checksum>/, `<open-checksum type="${checksumType}">${digest(plain)}</open-checksum>`)
    .replace(/<location\s+href="[^"]+"/, `<location href="${newHref}"`)
    .replace(/<size>\d+<\/size>/, `<size>${packed.length}</size>`)
    .replace(/<open-size>\d+<\/open-size>/, `<open-size>${plain.length}</open-size>`);
  repomd = repomd.replace(block.text, newText);
  await writeFile(repomdPath, repomd);
  return newHref;
}

/** One module stream build for {@link modulesYamlText}. */
export interface TestModuleStream {
  name: string;
  stream: string;
  version?: number;
  context?: string;
  arch?: string;
  /** `requires: platform: [...]`; default none. */
  platform?: string[];
  /** The rpms it ships: NEVRAs with the epoch ("postgresql-0:10.23-1.module_el9.x86_64"). */
  artifacts: string[];
}

/** A modules.yaml as distributions publish it: modulemd v2 documents, then modulemd-defaults v1. */
export function modulesYamlText(streams: TestModuleStream[], defaults: Record<string, string> = {}): string {
  const docs = streams.map((s) =>
    [
      '---',
      'document: modulemd',
      'version: 2',
      'data:',
      `  name: ${s.name}`,
      `  stream: "${s.stream}"`,
      `  version: ${s.version ?? 9000020240101}`,
      `  context: ${s.context ?? 'a1b2c3d4'}`,
      `  arch: ${s.arch ?? 'x86_64'}`,
      `  summary: ${s.name} ${s.stream}`,
      '  description: >-',
      `    The ${s.name} ${s.stream} stream.`,
      '  license:',
      '    module: [MIT]',
      ...(s.platform ? ['  dependencies:', '  - buildrequires:', `      platform: [${s.platform.join(', ')}]`, '    requires:', `      platform: [${s.platform.join(', ')}]`] : []),
      '  artifacts:',
      '    rpms:',
      ...s.artifacts.map((a) => `    - ${a}`),
      '...',
    ].join('\n'),
  );
  for (const [module, stream] of Object.entries(defaults)) {
    docs.push(['---', 'document: modulemd-defaults', 'version: 1', 'data:', `  module: ${module}`, `  stream: "${stream}"`, '...'].join('\n'));
  }
  return docs.join('\n') + '\n';
}

/** Add a modules.yaml to a built repo with modifyrepo_c (repomd type "modules", gzip'd), as EL repos carry it. */
export async function addModulesYaml(repoDir: string, yamlText: string): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rc-modules-'));
  try {
    const file = path.join(tmp, 'modules.yaml');
    await writeFile(file, yamlText);
    await execTool('modifyrepo_c', ['--mdtype=modules', file, path.join(repoDir, 'repodata')]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * A metalink as MirrorManager serves it: the current repomd.xml's hash and one mirror. Name the
 * file with its query (`metalink?repo=fedora-40&arch=x86_64`): the loopback server answers that query with it.
 */
export async function writeMetalink(file: string, repoDir: string, repoUrl: string): Promise<void> {
  const repomd = await readFile(path.join(repoDir, 'repodata/repomd.xml'));
  const sha256 = createHash('sha256').update(repomd).digest('hex');
  await writeFile(
    file,
    `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic" pubdate="Sat, 01 Jun 2024 00:00:00 GMT" generator="mirrormanager" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1717200000</mm0:timestamp>
   <size>${repomd.length}</size>
   <verification><hash type="sha256">${sha256}</hash></verification>
   <resources maxconnections="1">
    <url protocol="http" type="http" location="US" preference="100">${repoUrl}repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>
`,
  );
}
