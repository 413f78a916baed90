/**
 * Builds a Fedora-scale primary.xml for the benchmark: 70,000 packages in createrepo_c's exact
 * shape. The entries are the real CentOS Stream 9 AppStream packages from test/fixtures
 * (provides/requires lists, file lists, long descriptions as they really are), cycled about four
 * times with the name, release, location and checksum made unique per copy, so the byte mix is a
 * real repository's. Deterministic: the same fixture gives the same bytes.
 *
 * Writes bench/.data/primary-70k.xml plus .gz (node:zlib) and .zst (the zstd binary); reuses them
 * when a manifest from a finished run is present.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, gunzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
export const dataDir = path.join(here, '.data');
const fixtureDir = path.resolve(repoRoot, 'test', 'fixtures', 'rpm', 'centos-stream-9-appstream', 'repodata');

export const PACKAGES = 70_000;

export interface GeneratedPrimary {
  xml: string;
  gz: string;
  zst: string | null;
  bytes: number;
  packages: number;
}

function fixtureFile(): string {
  const name = readdirSync(fixtureDir).find((f) => f.endsWith('-primary.xml.gz'));
  if (name === undefined) throw new Error(`no primary.xml.gz under ${fixtureDir}`);
  return path.join(fixtureDir, name);
}

/** The `<package …>…</package>` blocks of the fixture, as text. */
function templatePackages(): string[] {
  const text = gunzipSync(readFileSync(fixtureFile())).toString('utf8');
  const blocks: string[] = [];
  let from = text.indexOf('<package ');
  while (from >= 0) {
    const close = text.indexOf('</package>', from);
    if (close < 0) break;
    blocks.push(text.slice(from, close + '</package>'.length));
    from = text.indexOf('<package ', close);
  }
  return blocks;
}

/** Copy `copy` of a template package: unique name, release, location and checksum; the rest as is. */
function variant(block: string, copy: number): string {
  if (copy === 0) return block;
  const tag = `f${copy}`;
  return block
    .replace(/<name>([^<]*)<\/name>/, `<name>$1-${tag}</name>`)
    .replace(/(<version [^>]*rel=")([^"]*)"/, `$1$2.${tag}"`)
    .replace(/(<location [^>]*href="[^"]*?)(\.rpm")/, `$1.${tag}$2`)
    .replace(/(<checksum [^>]*>)([0-9a-f]+)(<\/checksum>)/, (_m, open: string, hex: string, close: string) => {
      return open + createHash('sha256').update(`${tag}:${hex}`).digest('hex') + close;
    });
}

async function writeXml(file: string): Promise<number> {
  const templates = templatePackages();
  const out = createWriteStream(`${file}.part`);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  await write(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${PACKAGES}">\n`,
  );
  for (let n = 0; n < PACKAGES; n++) {
    await write(variant(templates[n % templates.length]!, Math.floor(n / templates.length)) + '\n');
  }
  await write('</metadata>\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await rename(`${file}.part`, file);
  return bytes;
}

/** Generates the files unless a finished run left them (and its manifest) behind. */
export async function ensurePrimary(): Promise<GeneratedPrimary> {
  await mkdir(dataDir, { recursive: true });
  const xml = path.join(dataDir, 'primary-70k.xml');
  const gz = `${xml}.gz`;
  const zst = `${xml}.zst`;
  const manifest = path.join(dataDir, 'primary-70k.json');
  const previous = await readFile(manifest, 'utf8').then((t) => JSON.parse(t) as GeneratedPrimary, () => null);
  if (previous !== null && (await stat(xml).catch(() => null))?.size === previous.bytes) return previous;

  const bytes = await writeXml(xml);
  await pipeline(createReadStream(xml), createGzip({ level: 6 }), createWriteStream(gz));
  const zstd = spawnSync('zstd', ['-q', '-f', '-3', '-T2', xml, '-o', zst], { stdio: 'inherit' });
  const made: GeneratedPrimary = { xml, gz, zst: zstd.status === 0 ? zst : null, bytes, packages: PACKAGES };
  await writeFile(manifest, JSON.stringify(made, null, 2));
  return made;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const made = await ensurePrimary();
  process.stdout.write(`${JSON.stringify(made)}\n`);
}
