/**
 * Crawl one Debian repository (a suite of an archive, or a flat repo): InRelease (or Release +
 * Release.gpg) verified with gpgv, Valid-Until enforced, then the Packages index of every
 * component × architecture, fetched by hash when the archive offers it, verified against the
 * Release's SHA256 list, stored in one update.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ChecksumError, describeError, ExpiredError, FetchError, SignatureError, type ErrorLocation } from '../errors.js';
import { aptDefaultKeyFiles, verifyClearsigned, verifyDetached, type TrustedKeys } from '../fetch/signature.js';
import { parsePackageBatches } from '../formats/deb/packages.js';
import { isExpired, packagesIndexPath, parseRelease, releaseListsFile, splitClearsigned, type HashedFile, type ReleaseInfo } from '../formats/deb/release.js';
import type { DebRepoConfig } from '../config/types.js';
import { aptOriginHost, withReleaseVendor } from '../config/release-vendors.js';
import type { AptReleaseFacts } from '../store/index.js';
import type { CrawlContext, RepoOutcome } from './context.js';
import { ensureCached, fetchIndex, joinUrl, readCached, unchangedOutcome, type FetchedIndex } from './fetch-steps.js';
import { RepoLocations } from '../fetch/origin.js';
import { checkNotInFuture, hostClock, checkNotOlder, checkNotShrunk } from './guards.js';
import { debRecord } from './records.js';

/**
 * Compressions in apt's order (Acquire::CompressionTypes: xz, bz2, lzma, gz, lz4, zst, then the
 * uncompressed file), limited to the ones repoclash decompresses. Real apt 2.6, offered
 * Packages + Packages.gz, fetches Packages.gz; offered all three of apt-ftparchive's, Packages.xz.
 */
const SUFFIXES = ['.xz', '.bz2', '.gz', '.zst', ''];

export async function crawlDebRepo(repo: DebRepoConfig, ctx: CrawlContext): Promise<Omit<RepoOutcome, 'ms'>> {
  const where: ErrorLocation = { repo: repo.id };
  const notes: string[] = [];
  const base = repo.flat ? joinUrl(repo.uri, repo.suite === './' ? '' : repo.suite) : joinUrl(repo.uri, `dists/${repo.suite}/`);
  ctx.onProgress?.(repo.id, { phase: 'index' });

  const { release, index, releaseFile } = await verifiedRelease(repo, ctx, base);
  const releaseWhere = { ...where, file: releaseFile };
  // A signed Release is only as good as the hashes it lists: with none, nothing it names can be
  // verified, and apt 2.6 fails the repo ("No Hash entry in Release file"). So do we.
  if (!repo.trusted && [release.sha512, release.sha256, release.sha1, release.md5].every((list) => list.size === 0)) {
    throw new ChecksumError('the Release lists no hashes (no SHA256, SHA1 or MD5Sum entries): nothing it names can be verified, and apt refuses it too', releaseWhere);
  }
  if (repo.checkValidUntil && isExpired(release, new Date(ctx.now()))) {
    throw new ExpiredError(
      `Release file is expired (Valid-Until ${release.validUntil!.toUTCString()}); set check-valid-until: false for this repo to read it anyway`,
      releaseWhere,
    );
  }
  const metadataTime = release.date ? Math.floor(release.date.getTime() / 1000) : null;
  checkNotInFuture([['Date', metadataTime]], hostClock(ctx), releaseWhere);

  const facts = releaseFactsOf(repo, release);
  ctx.store.setReleaseFacts(repo.id, facts);
  // A host source's vendor is its Release's Origin: record it as the repo's vendor now.
  const named = withReleaseVendor(repo, facts);
  if (named !== repo) ctx.store.upsertRepo({ id: repo.id, vendor: named.vendor, role: named.role, format: 'deb' }, ctx.now());
  const files = packagesFiles(repo, release, notes);
  // apt skips such a repo without an error (it has no packages for apt): store it empty, say why.
  if (files.length === 0) notes.push(`the Release lists no Packages index for ${describeWanted(repo)}, so apt reads no packages from it`);
  // The repo's index identity: every chosen Packages file's hash, in a stable order.
  const indexChecksum = `sha256:${createHash('sha256')
    .update(files.map((f) => `${f.variants[0]!.path} ${f.variants[0]!.hash}`).join('\n'))
    .digest('hex')}`;
  const previous = ctx.store.latestSnapshot(repo.id);
  const fetchedAt = ctx.now();
  const unchanged = await unchangedOutcome(ctx, repo.id, index, indexChecksum, previous, fetchedAt, notes);
  if (unchanged) return unchanged;
  const revision = release.date ? release.date.toUTCString() : null;
  // A signed Release with a Valid-Until carries its own freshness, as apt reads it: the signature
  // and the expiry bound how old it may be, so no stored high-water mark can lock it out.
  const selfLimiting = !repo.trusted && repo.checkValidUntil && release.validUntil !== null;
  if (!ctx.accept && !selfLimiting) checkNotOlder(previous, { metadataTime, revision: null }, releaseWhere);

  ctx.onProgress?.(repo.id, { phase: 'download' });
  const cachedFiles: PackagesFile[] = [];
  const locations = new RepoLocations([repo.uri]);
  for (const index of files) cachedFiles.push(await fetchPackagesIndex(repo, ctx, base, locations, release, index, notes));

  ctx.onProgress?.(repo.id, { phase: 'parse', packages: 0 });
  const result = await ctx.store.withRepoUpdate({ repoId: repo.id, fetchedAt, revision, metadataTime, indexChecksum }, async (update) => {
    for (const file of cachedFiles) {
      const fileWhere = { ...where, file: file.path };
      for await (const batch of parsePackageBatches(readCached(ctx, { type: 'sha256', value: file.hash, size: file.size }, fileWhere), fileWhere)) {
        for (const pkg of batch) update.add(debRecord(pkg, fileWhere));
        ctx.onProgress?.(repo.id, { phase: 'parse', packages: update.recordCount });
      }
    }
    if (!ctx.accept) checkNotShrunk(previous, update.recordCount, releaseWhere);
    ctx.onProgress?.(repo.id, { phase: 'store', packages: update.recordCount });
  });
  await index.remember();
  return { repoId: repo.id, status: 'changed', packages: result.packageCount, added: result.added, removed: result.removed, changedNames: result.changedNames, notes };
}

async function verifiedRelease(repo: DebRepoConfig, ctx: CrawlContext, base: string): Promise<{ release: ReleaseInfo; index: FetchedIndex; releaseFile: string }> {
  const where: ErrorLocation = { repo: repo.id };
  const inRelease = await fetchIndex(ctx, joinUrl(base, 'InRelease'), { ...where, file: 'InRelease' }, true);
  if (inRelease) {
    const file = 'InRelease';
    let text: string;
    if (repo.trusted) text = splitClearsigned(inRelease.body.toString('utf8'), { ...where, file }).signedText;
    else text = (await verifyClearsigned(inRelease.body, await trustedKeys(repo, ctx), { ...where, file })).signedText;
    return { release: parseRelease(text, { ...where, file }), index: inRelease, releaseFile: file };
  }
  const file = 'Release';
  const plain = await fetchIndex(ctx, joinUrl(base, 'Release'), { ...where, file }, true);
  // Nothing there at all is a wrong URI or suite, not an unsigned repo: no advice to trust it.
  if (!plain) throw new FetchError(`not found: neither InRelease nor Release at ${base} (check the repo's uri and suite)`, { ...where, file });
  if (!repo.trusted) {
    const sig = await ctx.http.fetchSmall(joinUrl(base, 'Release.gpg'), { where: { ...where, file: 'Release.gpg' }, notFoundOk: true });
    if (sig.status !== 'ok') throw new SignatureError('Release is not signed (no InRelease, no Release.gpg): refused, as apt refuses an unsigned repository', { ...where, file: 'Release.gpg' });
    await verifyDetached(plain.body, sig.body, await trustedKeys(repo, ctx), { ...where, file: 'Release.gpg' });
  }
  return { release: parseRelease(plain.body.toString('utf8'), { ...where, file }), index: plain, releaseFile: file };
}

async function trustedKeys(repo: DebRepoConfig, ctx: CrawlContext): Promise<TrustedKeys> {
  const key = repo.signingKey;
  // Without a configured key, trust what apt trusts by default on this host.
  if (key?.armored) return { files: [], armored: [key.armored] };
  const files = key?.file ? [path.resolve(ctx.configDir, key.file)] : await aptDefaultKeyFiles(ctx.aptRoot);
  return { files, ...(key?.fingerprints ? { fingerprints: key.fingerprints } : {}) };
}

interface PackagesFile extends HashedFile {
  path: string;
}

/** One Packages index and the compressions of it the Release lists, preferred first. */
interface PackagesIndex {
  stem: string;
  variants: PackagesFile[];
}

/**
 * The Packages index to fetch for each component × architecture, as apt 2.6 picks them: the
 * component's path exactly as the sources entry writes it, and only when the Release lists the
 * uncompressed name (apt's MetaKey); then the first listed compression in apt's order.
 */
function packagesFiles(repo: DebRepoConfig, release: ReleaseInfo, notes: string[]): PackagesIndex[] {
  const out: PackagesIndex[] = [];
  // As apt does: binary-all is read only when the Release lists `all` among its Architectures (or
  // lists none) and does not say the arch indexes already carry Architecture: all packages.
  const archIncludesAll = release.noSupportForArchitectureAll.includes('Packages');
  const releaseHasAll = release.architectures.length === 0 || release.architectures.includes('all');
  const arches = [...repo.architectures];
  if (!repo.flat && releaseHasAll && !archIncludesAll && !arches.includes('all')) arches.push('all');
  const stems = repo.flat ? ['Packages'] : repo.components.flatMap((c) => arches.map((arch) => packagesIndexPath(c, arch)));
  for (const stem of stems) {
    const variants = SUFFIXES.map((s) => stem + s)
      .filter((p) => release.sha256.has(p))
      .map((p) => ({ path: p, ...release.sha256.get(p)! }));
    if (releaseListsFile(release, stem) && variants.length > 0) out.push({ stem, variants });
    else if (variants.length > 0) notes.push(`the Release lists ${variants.map((v) => v.path).join(', ')} but not ${stem} itself, so apt skips this index; so does repoclash`);
    else if (!stem.endsWith('binary-all/Packages')) notes.push(`the Release lists no ${stem} (component or architecture not offered)`);
  }
  return out;
}

/**
 * Fetch one Packages index into the cache. Like apt, when a compression's file is missing or does
 * not match the Release (a mirror caught mid-sync), try the next compression the Release lists.
 */
async function fetchPackagesIndex(
  repo: DebRepoConfig,
  ctx: CrawlContext,
  base: string,
  locations: RepoLocations,
  release: ReleaseInfo,
  index: PackagesIndex,
  notes: string[],
): Promise<PackagesFile> {
  let firstError: unknown;
  for (const file of index.variants) {
    const where = { repo: repo.id, file: file.path };
    try {
      // A path from the Release ("../../x") may not leave the repo's URI.
      const paths = release.acquireByHash && !repo.flat ? [byHashPath(file.path, file.hash), file.path] : [file.path];
      const urls = paths.map((p) => locations.resolve(base, p, where));
      await ensureCached(ctx, urls, { type: 'sha256', value: file.hash, size: file.size }, where);
      if (firstError) notes.push(`${describeError(firstError)}; used ${file.path} instead`);
      return file;
    } catch (err) {
      if (!(err instanceof ChecksumError || err instanceof FetchError)) throw err;
      firstError ??= err;
    }
  }
  throw firstError;
}

function byHashPath(file: string, hash: string): string {
  return `${path.posix.dirname(file)}/by-hash/SHA256/${hash}`;
}

function describeWanted(repo: DebRepoConfig): string {
  return repo.flat ? 'this flat repo' : `${repo.components.join(', ')} on ${repo.architectures.join(', ')}`;
}

/** What apt's pinning matches on, kept per repo for the resolver. */
export function releaseFactsOf(repo: DebRepoConfig, release: ReleaseInfo): AptReleaseFacts {
  return {
    origin: release.origin,
    label: release.label,
    archive: release.suite,
    codename: release.codename,
    version: release.version,
    notAutomatic: release.notAutomatic,
    butAutomaticUpgrades: release.butAutomaticUpgrades,
    host: aptOriginHost(repo.uri),
    components: repo.components,
  };
}
