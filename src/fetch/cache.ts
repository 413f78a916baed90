/**
 * The on-disk cache. Verified metadata files are stored content-addressed (`objects/<algo>/<hex>`),
 * so a file whose checksum the index still names is never downloaded again, whichever mirror or
 * URL named it. Per-URL validators (ETag / Last-Modified and the body they came with) let the next
 * crawl ask "changed since?" and get a 304.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Validators } from './http-client.js';

export interface CachedIndex {
  url: string;
  validators: Validators;
  /** sha256 of the body, which is kept as an object. */
  bodySha256: string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'repoclash');
}

export class MetadataCache {
  constructor(readonly dir: string) {}

  objectPath(digest: { type: string; value: string }): string {
    const hex = digest.value.toLowerCase();
    return path.join(this.dir, 'objects', digest.type.toLowerCase(), hex.slice(0, 2), hex);
  }

  hasObject(digest: { type: string; value: string }): boolean {
    return existsSync(this.objectPath(digest));
  }

  async putObject(body: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const target = this.objectPath({ type: 'sha256', value: sha256 });
    if (!existsSync(target)) await atomicWrite(target, body);
    return sha256;
  }

  async getIndex(url: string): Promise<{ entry: CachedIndex; body: Buffer } | undefined> {
    const file = this.indexPath(url);
    try {
      const entry = JSON.parse(await readFile(file, 'utf8')) as CachedIndex;
      const body = await readFile(this.objectPath({ type: 'sha256', value: entry.bodySha256 }));
      return { entry, body };
    } catch {
      return undefined; // a missing or damaged entry just means "no validators": fetch in full
    }
  }

  async putIndex(url: string, validators: Validators, body: Buffer): Promise<void> {
    const bodySha256 = await this.putObject(body);
    const entry: CachedIndex = { url, validators, bodySha256 };
    await atomicWrite(this.indexPath(url), Buffer.from(JSON.stringify(entry)));
  }

  private indexPath(url: string): string {
    return path.join(this.dir, 'index', `${createHash('sha256').update(url).digest('hex')}.json`);
  }
}

async function atomicWrite(target: string, body: Buffer): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(temp, body);
  await rename(temp, target);
}
