/**
 * Build real .debs (dpkg-deb) and real Debian repositories (apt-ftparchive), optionally signed
 * with a throwaway key. Built packages are cached by a hash of their spec under test/.build/deb-cache.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildIntoDir, buildRoot, cacheKey, cachedBuild } from './build-cache.js';
import { execTool } from './exec.js';
import { clearsign, detachSign, type GpgKey } from './gpg.js';

export interface DebSpec {
  name: string;
  /** Full Debian version, may carry an epoch ("1:2.0-1"). */
  version: string;
  /** Default "all". */
  arch?: string;
  maintainer?: string;
  homepage?: string;
  /** `Source:` field, e.g. "grafana" or "grafana (10.4.2-1)". */
  source?: string;
  provides?: string[];
  depends?: string[];
  /** One-line synopsis. */
  description?: string;
  /** Further control fields (Breaks, Replaces, Multi-Arch, …), written verbatim. */
  extraFields?: Record<string, string>;
}

export interface DebSuite {
  /** Directory under dists/ and the Release `Suite:`. */
  suite: string;
  codename?: string;
  components: string[];
  /**
   * The Release's `Components:` when it differs from the directories built: a security suite
   * lists `updates/main` while its files sit under `main/`.
   */
  releaseComponents?: string[];
  /** Default: the non-"all" arches of its packages, or ["amd64"]. */
  architectures?: string[];
  origin?: string;
  label?: string;
  version?: string;
  notAutomatic?: boolean;
  butAutomaticUpgrades?: boolean;
  validUntil?: Date;
  /** Release `Date:`; default now. */
  date?: Date;
  acquireByHash?: boolean;
  /** component → packages. */
  packages: Record<string, DebSpec[]>;
}

export interface DebRepoOptions {
  dir: string;
  suites: DebSuite[];
  /** Write InRelease (clearsigned) and Release.gpg (detached) with this key. */
  sign?: GpgKey;
  /**
   * Rewrite each generated Packages index before it is compressed, hashed into the Release and
   * signed: hostile-metadata tests put there what dpkg-deb would never build (names with escape
   * sequences, huge fields).
   */
  editPackages?: (text: string) => string;
}

export interface BuiltSuite {
  suite: string;
  /** dir/dists/SUITE */
  distDir: string;
  releasePath: string;
  inReleasePath?: string;
  releaseGpgPath?: string;
}

export interface DebRepo {
  dir: string;
  suites: BuiltSuite[];
}

const DEFAULT_MTIME = 1_700_000_000;
const CONTROL_TEMPLATE_VERSION = 1;
const debCacheDir = path.join(buildRoot, 'deb-cache');

function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`DebSpec.${field} must not contain newlines: ${JSON.stringify(value)}`);
  return value;
}

export function debControlText(spec: DebSpec): string {
  const fields: [string, string | undefined][] = [
    ['Package', spec.name],
    ['Version', spec.version],
    ['Architecture', spec.arch ?? 'all'],
    ['Maintainer', spec.maintainer ?? 'repoclash tests <repoclash-test@example.invalid>'],
    ['Source', spec.source],
    ['Homepage', spec.homepage],
    ['Provides', spec.provides?.join(', ')],
    ['Depends', spec.depends?.join(', ')],
    ...Object.entries(spec.extraFields ?? {}),
    ['Description', spec.description ?? `${spec.name} test package`],
  ];
  return fields
    .filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '')
    .map(([k, v]) => `${k}: ${oneLine(k, v)}`)
    .join('\n')
    .concat('\n');
}

/** Pool file name: dpkg-name style, epoch dropped (":" is not welcome in URLs and file names). */
export function debFileName(spec: DebSpec): string {
  const version = spec.version.replace(/^\d+:/, '');
  return `${spec.name}_${version}_${spec.arch ?? 'all'}.deb`;
}

async function buildOneDeb(spec: DebSpec): Promise<string> {
  const key = cacheKey({ v: CONTROL_TEMPLATE_VERSION, control: debControlText(spec) });
  return cachedBuild(debCacheDir, key, async (outDir) => {
    const tree = await mkdtemp(path.join(os.tmpdir(), 'rc-debbuild-'));
    try {
      await mkdir(path.join(tree, 'DEBIAN'));
      await writeFile(path.join(tree, 'DEBIAN', 'control'), debControlText(spec));
      await execTool('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, path.join(outDir, debFileName(spec))], {
        env: { SOURCE_DATE_EPOCH: String(DEFAULT_MTIME) },
      });
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });
}

/** Build (or take from cache) one .deb per spec and copy them into outDir. */
export async function buildDebs(specs: DebSpec[], outDir: string): Promise<string[]> {
  return buildIntoDir(specs, outDir, buildOneDeb);
}

/** Write Packages, Packages.gz and Packages.xz from apt-ftparchive's output. */
async function writePackagesIndex(cwd: string, scanDir: string, arch: string | undefined, outDir: string, edit: (text: string) => string = (t) => t): Promise<void> {
  const args = arch ? ['--arch', arch, 'packages', scanDir] : ['packages', scanDir];
  const stdout = edit((await execTool('apt-ftparchive', args, { cwd })).stdout);
  await mkdir(outDir, { recursive: true });
  const plain = path.join(outDir, 'Packages');
  await writeFile(plain, stdout);
  await writeFile(`${plain}.gz`, gzipSync(stdout));
  await execTool('xz', ['-k', '-f', plain]);
}

function releaseDate(d: Date): string {
  return d.toUTCString().replace(/GMT$/, 'UTC');
}

interface ReleaseFields {
  origin?: string;
  label?: string;
  suite?: string;
  codename?: string;
  version?: string;
  notAutomatic?: boolean;
  butAutomaticUpgrades?: boolean;
  acquireByHash?: boolean;
  architectures?: string[];
  components?: string[];
  date?: Date;
  validUntil?: Date;
}

/** Run `apt-ftparchive release` over `dir` and write dir/Release. */
async function writeRelease(dir: string, f: ReleaseFields): Promise<string> {
  const opts: Record<string, string | undefined> = {
    Origin: f.origin,
    Label: f.label,
    Suite: f.suite,
    Codename: f.codename,
    Version: f.version,
    NotAutomatic: f.notAutomatic ? 'yes' : undefined,
    ButAutomaticUpgrades: f.butAutomaticUpgrades ? 'yes' : undefined,
    'Acquire-By-Hash': f.acquireByHash ? 'yes' : undefined,
    Architectures: f.architectures?.join(' '),
    Components: f.components?.join(' '),
    Date: f.date ? releaseDate(f.date) : undefined,
  };
  const args = Object.entries(opts)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .flatMap(([k, v]) => ['-o', `APT::FTPArchive::Release::${k}=${v}`]);
  let { stdout: release } = await execTool('apt-ftparchive', [...args, 'release', '.'], { cwd: dir });
  if (f.validUntil) {
    // apt-ftparchive only knows ValidTime (relative to now); an absolute, possibly past,
    // Valid-Until is what expiry tests need, so add the field next to Date ourselves.
    const line = `Valid-Until: ${releaseDate(f.validUntil)}`;
    release = /^Date: .*$/m.test(release) ? release.replace(/^(Date: .*)$/m, `$1\n${line}`) : `${line}\n${release}`;
  }
  const releasePath = path.join(dir, 'Release');
  await writeFile(releasePath, release);
  return releasePath;
}

/**
 * Copy every file listed in a Release into `by-hash/<HASH>/<digest>` next to it, for each hash
 * section (MD5Sum, SHA1, SHA256, SHA512). apt asks for the strongest hash the Release lists, which
 * for apt-ftparchive's output is SHA512; Debian's archive lists SHA256 at most.
 */
async function placeByHash(dir: string, release: string): Promise<void> {
  for (const m of release.matchAll(/^(MD5Sum|SHA1|SHA256|SHA512):\n((?: .*\n?)*)/gm)) {
    const [, section = '', body = ''] = m;
    for (const line of body.split('\n')) {
      const [hash, , rel] = line.trim().split(/\s+/);
      if (!hash || !rel) continue;
      const target = path.join(dir, path.dirname(rel), 'by-hash', section);
      await mkdir(target, { recursive: true });
      await copyFile(path.join(dir, rel), path.join(target, hash));
    }
  }
}

async function signRelease(key: GpgKey | undefined, releasePath: string): Promise<Pick<BuiltSuite, 'inReleasePath' | 'releaseGpgPath'>> {
  if (!key) return {};
  const dir = path.dirname(releasePath);
  const inReleasePath = path.join(dir, 'InRelease');
  const releaseGpgPath = path.join(dir, 'Release.gpg');
  await clearsign(key, releasePath, inReleasePath);
  await detachSign(key, releasePath, releaseGpgPath);
  return { inReleasePath, releaseGpgPath };
}

function suiteArchitectures(s: DebSuite): string[] {
  if (s.architectures) return s.architectures;
  const arches = new Set(Object.values(s.packages).flat().map((p) => p.arch ?? 'all'));
  arches.delete('all');
  return arches.size > 0 ? [...arches].sort() : ['amd64'];
}

/**
 * A classic repository: dir/pool/SUITE/COMPONENT/*.deb and dir/dists/SUITE/{Release,InRelease,…}.
 * Use with `deb URI SUITE COMPONENT…`. The directory is rebuilt from scratch.
 */
export async function buildDebRepo(opts: DebRepoOptions): Promise<DebRepo> {
  await rm(path.join(opts.dir, 'dists'), { recursive: true, force: true });
  await rm(path.join(opts.dir, 'pool'), { recursive: true, force: true });
  const suites: BuiltSuite[] = [];
  for (const s of opts.suites) {
    const distDir = path.join(opts.dir, 'dists', s.suite);
    const architectures = suiteArchitectures(s);
    for (const component of s.components) {
      const poolRel = path.join('pool', s.suite, component);
      await buildDebs(s.packages[component] ?? [], path.join(opts.dir, poolRel));
      for (const arch of architectures) {
        // Arch-specific indices include Architecture: all packages, as the Debian archive's do.
        await writePackagesIndex(opts.dir, poolRel, arch, path.join(distDir, component, `binary-${arch}`), opts.editPackages);
      }
    }
    const releasePath = await writeRelease(distDir, {
      origin: s.origin,
      label: s.label,
      suite: s.suite,
      codename: s.codename,
      version: s.version,
      notAutomatic: s.notAutomatic,
      butAutomaticUpgrades: s.butAutomaticUpgrades,
      acquireByHash: s.acquireByHash,
      architectures,
      components: s.releaseComponents ?? s.components,
      date: s.date,
      validUntil: s.validUntil,
    });
    if (s.acquireByHash) await placeByHash(distDir, await readFile(releasePath, 'utf8'));
    suites.push({ suite: s.suite, distDir, releasePath, ...(await signRelease(opts.sign, releasePath)) });
  }
  return { dir: opts.dir, suites };
}

export interface FlatDebRepoOptions {
  dir: string;
  packages: DebSpec[];
  origin?: string;
  label?: string;
  notAutomatic?: boolean;
  butAutomaticUpgrades?: boolean;
  date?: Date;
  validUntil?: Date;
  sign?: GpgKey;
  /**
   * The Packages files left in the repo and so listed in its Release (default all three): a
   * Release that lists only `Packages.gz`, or none, is how some hand-made flat repos look.
   */
  indexes?: ('Packages' | 'Packages.gz' | 'Packages.xz')[];
}

/** A flat repository (`deb URI ./`): .debs, Packages*, Release and signatures all in dir. */
export async function buildFlatDebRepo(opts: FlatDebRepoOptions): Promise<BuiltSuite> {
  await mkdir(opts.dir, { recursive: true });
  for (const f of ['Release', 'InRelease', 'Release.gpg', 'Packages', 'Packages.gz', 'Packages.xz']) await rm(path.join(opts.dir, f), { force: true });
  await buildDebs(opts.packages, opts.dir);
  await writePackagesIndex(opts.dir, '.', undefined, opts.dir);
  for (const f of ['Packages', 'Packages.gz', 'Packages.xz'] as const) if (opts.indexes && !opts.indexes.includes(f)) await rm(path.join(opts.dir, f));
  const releasePath = await writeRelease(opts.dir, {
    origin: opts.origin,
    label: opts.label,
    notAutomatic: opts.notAutomatic,
    butAutomaticUpgrades: opts.butAutomaticUpgrades,
    date: opts.date,
    validUntil: opts.validUntil,
  });
  return { suite: './', distDir: opts.dir, releasePath, ...(await signRelease(opts.sign, releasePath)) };
}
