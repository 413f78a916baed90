/**
 * A repo's `gpgkey=` on the network (https), imported once into repoclash's own keyring (the
 * cache's keys/ directory), as dnf imports it on first use for `repo_gpgcheck`; the crawl says
 * which key it took, with its fingerprint. Later crawls use the stored copy: a key that changes
 * on the server is not silently trusted.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignatureError, type ErrorLocation } from '../errors.js';
import { keyFingerprints } from '../fetch/signature.js';
import type { CrawlContext } from './context.js';

export async function importedKey(ctx: CrawlContext, url: string, where: ErrorLocation, notes: string[]): Promise<string> {
  const dir = path.join(ctx.cache.dir, 'keys');
  const file = path.join(dir, `${createHash('sha256').update(url).digest('hex')}.asc`);
  try {
    await readFile(file);
    return file;
  } catch {
    // Not imported yet.
  }
  const keyWhere = { ...where, file: url };
  const fetched = await ctx.http.fetchSmall(url, { where: keyWhere, maxBytes: 1024 * 1024 });
  if (fetched.status !== 'ok') throw new SignatureError(`cannot fetch the repo's gpgkey ${url}`, keyWhere);
  const fingerprints = await keyFingerprints(fetched.body, keyWhere);
  if (fingerprints.length === 0) throw new SignatureError(`the gpgkey ${url} holds no OpenPGP public key`, keyWhere);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, fetched.body, { mode: 0o600 });
  await rename(tmp, file);
  notes.push(`imported key ${fingerprints.join(', ')} from ${url} into repoclash's keyring (as dnf would on first use)`);
  return file;
}
