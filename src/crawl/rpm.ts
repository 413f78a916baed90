/**
 * Crawl one rpm-md repository: find a mirror whose repomd.xml is current (metalink hashes when
 * there is a metalink), verify its signature when asked, and store primary.xml's packages (with
 * modules.yaml, when listed) when their checksums changed. Unchanged metadata costs one conditional
 * request.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { FetchError, FormatError, SignatureError, type ErrorLocation } from '../errors.js';
import { verifyDetached } from '../fetch/signature.js';
import { baseUrlFromRepomdUrl, parseMetalink, parseMirrorlist, type Metalink } from '../formats/rpm/metalink.js';
import { describeIrregularities, parsePrimaryBatches, type PrimaryIrregularities } from '../formats/rpm/primary.js';
import { findData, parseRepomd, repomdTimestamp, type RepomdData } from '../formats/rpm/repomd.js';
import type { RpmRepoConfig } from '../config/types.js';
import { effectiveMetalink } from '../config/repo-identity.js';
import type { CrawlContext, RepoOutcome } from './context.js';
import { ensureCached, fetchIndex, joinUrl, readCached, unchangedOutcome, type FetchedIndex } from './fetch-steps.js';
import { RepoLocations } from '../fetch/origin.js';
import { checkNotInFuture, hostClock, checkNotOlder, checkNotShrunk, repomdRevisionTime } from './guards.js';
import { importedKey } from './keys.js';
import { rpmRecord } from './records.js';
import { parseModulesYaml, type ModuleMetadata } from '../formats/rpm/modules.js';
import { isKeptProvide } from '../config/dnf-options.js';
import type { DnfRepoFacts } from '../store/index.js';

const REPOMD = 'repodata/repomd.xml';

export async function crawlRpmRepo(repo: RpmRepoConfig, ctx: CrawlContext): Promise<Omit<RepoOutcome, 'ms'>> {
  const where: ErrorLocation = { repo: repo.id };
  const notes: string[] = [];
  ctx.onProgress?.(repo.id, { phase: 'index' });
  const { index, mirror, locations } = await currentRepomd(repo, ctx, notes);

  if (repo.repoGpgcheck) {
    const asc = await ctx.http.fetchSmall(`${index.url}.asc`, { where: { ...where, file: `${REPOMD}.asc` }, notFoundOk: true });
    if (asc.status !== 'ok') throw new SignatureError(`no signature (repo-gpgcheck is on and the repo publishes none)`, { ...where, file: `${REPOMD}.asc` });
    await verifyDetached(index.body, asc.body, await signingKeys(repo, ctx, notes), { ...where, file: `${REPOMD}.asc` });
  }

  const repomd = await parseRepomd(index.body.toString('utf8'), { ...where, file: REPOMD });
  checkNotInFuture(
    [
      ['revision', repomdRevisionTime(repomd.revision)],
      ['newest timestamp', repomdTimestamp(repomd)],
    ],
    hostClock(ctx),
    { ...where, file: REPOMD },
  );
  const primary = findData(repomd, 'primary');
  if (!primary) throw new FormatError('repomd.xml lists no primary metadata', { ...where, file: REPOMD });
  // modules.yaml can change without primary.xml (a stream's defaults): it is part of the index.
  const modules = findData(repomd, 'modules');
  const primaryChecksum = `${primary.checksum.type}:${primary.checksum.value}`;
  const indexChecksum = `${primaryChecksum}${modules ? ` modules=${modules.checksum.type}:${modules.checksum.value}` : ''}`;
  const previous = ctx.store.latestSnapshot(repo.id);
  const fetchedAt = ctx.now();

  const unchanged = await unchangedOutcome(ctx, repo.id, index, indexChecksum, previous, fetchedAt, notes);
  if (unchanged) return unchanged;
  const metadataTime = repomdTimestamp(repomd);
  if (!ctx.accept) checkNotOlder(previous, { metadataTime, revision: repomd.revision }, { ...where, file: REPOMD });

  const primaryWhere = { ...where, file: primary.location.href };
  // An xml:base or absolute href may only point within the repo's own locations.
  const primaryUrl = locations.resolve(primary.location.base ?? mirror, primary.location.href, primaryWhere);
  ctx.onProgress?.(repo.id, { phase: 'download' });
  const expected = { type: primary.checksum.type, value: primary.checksum.value, size: primary.size };
  await ensureCached(ctx, [primaryUrl], expected, primaryWhere);

  // dnf downloads a listed modules file with primary.xml and fails the repo when it cannot (libdnf's
  // download list has "modules"): a repo is stored with its modules or not at all, so its snapshot's
  // checksum always covers both and an unchanged repo is found unchanged.
  const moduleData = await fetchModules(repo, ctx, modules, mirror, locations);
  ctx.onProgress?.(repo.id, { phase: 'parse', packages: 0 });
  const result = await ctx.store.withRepoUpdate(
    { repoId: repo.id, fetchedAt, revision: repomd.revision, metadataTime, indexChecksum },
    async (update) => {
      const irregular: PrimaryIrregularities = { untyped: 0, skipped: {} };
      const facts: DnfRepoFacts = { obsoletes: [], provides: [], modules: moduleData };
      for await (const batch of parsePrimaryBatches(readCached(ctx, expected, primaryWhere), primaryWhere, irregular)) {
        for (const pkg of batch) {
          const record = rpmRecord(pkg);
          update.add(record);
          const key = { name: record.name, arch: record.arch, evr: record.evr };
          if (pkg.obsoletes.length > 0) facts.obsoletes.push({ ...key, obsoletes: pkg.obsoletes });
          const kept = pkg.provides.filter((p) => isKeptProvide(p.name, pkg.name)).map((p) => p.name);
          if (kept.length > 0) facts.provides.push({ ...key, provides: [...new Set(kept)] });
        }
        ctx.onProgress?.(repo.id, { phase: 'parse', packages: update.recordCount });
      }
      update.setDnfFacts(facts);
      for (const note of describeIrregularities(irregular)) notes.push(`${primary.location.href}: ${note}`);
      if (!ctx.accept) checkNotShrunk(previous, update.recordCount, primaryWhere);
      ctx.onProgress?.(repo.id, { phase: 'store', packages: update.recordCount });
    },
  );
  await index.remember();
  return { repoId: repo.id, status: 'changed', packages: result.packageCount, added: result.added, removed: result.removed, changedNames: result.changedNames, notes };
}

/** Download (through the cache), verify and parse the repo's modules.yaml, when repomd lists one. */
async function fetchModules(repo: RpmRepoConfig, ctx: CrawlContext, data: RepomdData | undefined, mirror: string, locations: RepoLocations): Promise<ModuleMetadata | null> {
  if (!data) return null;
  const where: ErrorLocation = { repo: repo.id, file: data.location.href };
  // Like primary.xml: an xml:base or absolute href may only point within the repo's own locations.
  const url = locations.resolve(data.location.base ?? mirror, data.location.href, where);
  const expected = { type: data.checksum.type, value: data.checksum.value, size: data.size };
  await ensureCached(ctx, [url], expected, where);
  return parseModulesYaml(readCached(ctx, expected, where), where);
}

async function signingKeys(repo: RpmRepoConfig, ctx: CrawlContext, notes: string[]) {
  const key = repo.signingKey;
  if (key?.url) return { files: [await importedKey(ctx, key.url, { repo: repo.id }, notes)] };
  return {
    files: key?.file ? [path.resolve(ctx.configDir, key.file)] : [],
    ...(key?.fingerprints ? { fingerprints: key.fingerprints } : {}),
  };
}

/**
 * The first mirror whose repomd.xml is fetchable and, with a metalink, matches its current hashes
 * (a mirror serving an older repomd.xml is stale and skipped, with a note).
 */
async function currentRepomd(repo: RpmRepoConfig, ctx: CrawlContext, notes: string[]): Promise<{ index: FetchedIndex; mirror: string; locations: RepoLocations }> {
  const where: ErrorLocation = { repo: repo.id };
  let mirrors = repo.baseurl;
  const locations = new RepoLocations(repo.baseurl);
  let metalink: Metalink | null = null;
  // Mirrors listed by a metalink / mirrorlist become the repo's locations, minus any that would
  // change the scheme (a file:// "mirror" listed by an http document would read local files).
  const listed = (document: string, urls: string[]): string[] => {
    const { kept, note } = locations.addMirrors(document, urls);
    if (note) notes.push(note);
    return kept;
  };
  const metalinkUrl = effectiveMetalink(repo);
  if (mirrors.length === 0 && metalinkUrl) {
    const doc = await ctx.http.fetchSmall(metalinkUrl, { where: { ...where, file: metalinkUrl } });
    if (doc.status !== 'ok') throw new FetchError(`metalink not available: ${metalinkUrl}`, where);
    metalink = await parseMetalink(doc.body.toString('utf8'), { ...where, file: metalinkUrl });
    mirrors = listed(metalinkUrl, metalink.urls.map((u) => baseUrlFromRepomdUrl(u.url)));
  } else if (mirrors.length === 0 && repo.mirrorlist) {
    const doc = await ctx.http.fetchSmall(repo.mirrorlist, { where: { ...where, file: repo.mirrorlist } });
    if (doc.status !== 'ok') throw new FetchError(`mirrorlist not available: ${repo.mirrorlist}`, where);
    mirrors = listed(repo.mirrorlist, parseMirrorlist(doc.body.toString('utf8')));
  }
  if (mirrors.length === 0) throw new FetchError('no mirror to fetch from', where);

  const failures: string[] = [];
  for (const mirror of mirrors) {
    try {
      const index = await fetchIndex(ctx, joinUrl(mirror, REPOMD), { ...where, file: REPOMD });
      if (!index) throw new FetchError(`${REPOMD} not found`, where);
      if (metalink && !matchesMetalink(index.body, metalink)) {
        notes.push(`skipped stale mirror ${mirror} (its repomd.xml does not match the metalink)`);
        failures.push(`${mirror}: stale`);
        continue;
      }
      return { index, mirror, locations };
    } catch (err) {
      if (mirrors.length === 1) throw err;
      failures.push(`${mirror}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new FetchError(`no mirror served a current repomd.xml (${failures.join('; ')})`, { ...where, file: REPOMD });
}

function matchesMetalink(body: Buffer, metalink: Metalink): boolean {
  for (const type of ['sha512', 'sha256', 'sha1', 'md5'] as const) {
    const expected = metalink.hashes[type];
    if (expected) return createHash(type).update(body).digest('hex') === expected;
  }
  return true; // a metalink without hashes cannot tell stale from current
}
